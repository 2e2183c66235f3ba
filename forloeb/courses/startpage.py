"""The course's part of the start page: evaluations due within two weeks or overdue, the
pedagogist's week sheets and the weeks waiting for the administration's approval."""

from datetime import timedelta

from django.utils import timezone

from forloeb import access
from forloeb.models import Evaluation, EvaluationStatus, Phase
from institutioner.startpage import StartSection, register


@register
def due_evaluations(request):
    if not request.user.is_authenticated:
        return None
    soon = timezone.localdate() + timedelta(days=14)
    evaluations = list(
        Evaluation.objects.filter(
            course__in=access.courses_for(request.user),
            status=EvaluationStatus.PLANNED,
            due_on__lte=soon,
        )
        .exclude(course__phase=Phase.CLOSED)
        .select_related(
            "course__agreement__request__institution", "course__agreement__request__group"
        )
        .order_by("due_on")[:10]
    )
    if not evaluations:
        return None
    return StartSection(
        "forloeb/courses/start_evaluations.html",
        {"evaluations": evaluations, "today": timezone.localdate()},
        order=8,
    )
