"""The plan's part of the start page: the leaders' proposals that wait for the pedagogist's
answer. They were only behind the bell and on each course's page, so a Monday morning's start
page said nothing of a proposal for a day later that week. Each is accepted or declined (with
why, optional) right there, and the answer comes back to the start page."""

from django.urls import reverse

from forloeb import access
from forloeb.courses.filters import WAITING
from forloeb.plan.forms import PlanChangeDeclineForm
from institutioner.startpage import StartSection, register

# The start page lists this many; "See all (N)" leads to the rest.
SHOWN = 10


@register
def proposals_to_answer(request):
    if not request.user.is_authenticated:
        return None
    # One whose day has passed can no longer be taken into the plan.
    waiting = access.open_proposals(access.proposals_to_answer_for(request.user)).distinct()
    proposals = list(
        waiting.select_related(
            "course__agreement__request__institution",
            "course__agreement__request__group",
            "made_by",
        ).order_by("made_at", "pk")[:SHOWN]
    )
    if not proposals:
        return None
    total = len(proposals) if len(proposals) < SHOWN else waiting.count()
    for change in proposals:
        # Answered here as on the course's page: each its own field ids, as several may wait.
        change.decline_form = PlanChangeDeclineForm(auto_id=f"id_start_decline_{change.pk}_%s")  # type: ignore[attr-defined]
    # No page lists every proposal: the course list finds the courses they wait on, and each
    # course's page lists its own.
    all_url = f"{reverse('course_list')}?proposals={WAITING}" if total > len(proposals) else None
    return StartSection(
        "forloeb/plan/start_proposals.html",
        {"proposals": proposals, "total": total, "all_url": all_url},
        order=7,
    )
