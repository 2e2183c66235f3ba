"""The follow-ups' part of the start page: those waiting for the leader's answer."""

from forloeb import access
from forloeb.models import Phase
from institutioner.startpage import StartSection, register


@register
def follow_ups_waiting(request):
    if not request.user.is_authenticated:
        return None
    follow_ups = [
        follow_up
        for follow_up in access.follow_ups_to_answer_for(request.user)
        .filter(answered_at__isnull=True, course__phase=Phase.CLOSED)
        .select_related(
            "course__agreement__request__institution", "course__agreement__request__group"
        )
        .order_by("due_on", "pk")[:10]
        if not follow_up.void
    ]
    if not follow_ups:
        return None
    return StartSection(
        "forloeb/followup/start_follow_ups.html", {"follow_ups": follow_ups}, order=9
    )
