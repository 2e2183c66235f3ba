"""The plan's part of the start page: the leaders' proposals that wait for the pedagogist's
answer. They were only behind the bell and on each course's page, so a Monday morning's start
page said nothing of a proposal for a day later that week. Each is accepted or declined (with
why, optional) right there, and the answer comes back to the start page."""

from django.db.models import Q
from django.utils import timezone

from forloeb import access
from forloeb.models import Phase
from forloeb.plan.forms import PlanChangeDeclineForm
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
    for change in proposals:
        # Answered here as on the course's page: each its own field ids, as several may wait.
        change.decline_form = PlanChangeDeclineForm(auto_id=f"id_start_decline_{change.pk}_%s")  # type: ignore[attr-defined]
    return StartSection("forloeb/plan/start_proposals.html", {"proposals": proposals}, order=7)
