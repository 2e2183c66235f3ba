"""The plan's part of the start page: the leaders' proposals that wait for the pedagogist's
answer. They were only behind the bell and on each course's page, so a Monday morning's start
page said nothing of a proposal for a day later that week."""

from django.db.models import Q
from django.utils import timezone

from forloeb import access
from forloeb.models import Phase
from institutioner.startpage import StartSection, register


@register
def proposals_to_answer(request):
    if not request.user.is_authenticated:
        return None
    today = timezone.localdate()
    proposals = list(
        access.proposals_to_answer_for(request.user)
        .exclude(course__phase=Phase.CLOSED)
        # One whose day has passed can no longer be taken into the plan.
        .exclude(Q(day__lt=today) | Q(new_day__lt=today))
        .select_related(
            "course__agreement__request__institution",
            "course__agreement__request__group",
            "made_by",
        )
        .distinct()
        .order_by("made_at", "pk")[:10]
    )
    if not proposals:
        return None
    return StartSection("forloeb/plan/start_proposals.html", {"proposals": proposals}, order=7)
