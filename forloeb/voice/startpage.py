"""The voice's part of the start page: evaluations whose form waits for the person's answer."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from forloeb import access
from forloeb.models import EvaluationStatus, InstitutionRating, Phase
from forloeb.voice.selectors import OPEN_DAYS_AFTER, OPENS_DAYS_BEFORE
from institutioner.startpage import StartSection, register


@register
def ratings_waiting(request):
    if not request.user.is_authenticated:
        return None
    today = timezone.localdate()
    answered = InstitutionRating.objects.filter(
        evaluation=OuterRef("pk"), respondent_id=request.user.pk
    )
    evaluations = list(
        access.evaluations_to_rate_for(request.user)
        .filter(due_on__lte=today + timedelta(days=OPENS_DAYS_BEFORE))
        .filter(
            Q(status=EvaluationStatus.PLANNED)
            | Q(
                status=EvaluationStatus.COMPLETED,
                completed_at__gte=timezone.now() - timedelta(days=OPEN_DAYS_AFTER + 1),
            )
        )
        .exclude(Exists(answered))
        .exclude(Q(status=EvaluationStatus.PLANNED) & Q(course__phase=Phase.CLOSED))
        .select_related(
            "course__agreement__request__institution", "course__agreement__request__group"
        )
        .order_by("due_on", "pk")[:10]
    )
    if not evaluations:
        return None
    return StartSection("forloeb/voice/start_ratings.html", {"evaluations": evaluations}, order=9)
