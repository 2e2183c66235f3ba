"""The request flow's parts of the start page: upcoming meetings, open requests, the queue."""

from django.db.models import Case, Count, Q, When

from indsats import access, hooks
from indsats.models import RequestStatus
from indsats.requests import selectors
from institutioner.startpage import StartSection, register


@register
def upcoming_meetings(request):
    meetings = hooks.with_meeting_warnings(
        selectors.upcoming_meetings(request.user, access.meetings_for(request.user))[:5],
        viewer=request.user,
    )
    if not meetings:
        return None
    return StartSection("indsats/requests/start_meetings.html", {"meetings": meetings}, order=10)


@register
def my_requests(request):
    user = request.user
    if not access.follows_requests(user):
        return None
    open_statuses = [
        RequestStatus.DRAFT,
        RequestStatus.SUBMITTED,
        RequestStatus.NEEDS_INFO,
        RequestStatus.ACCEPTED,
    ]
    # What waits for the leader's answer comes first, then the newest. Not one retention emptied
    # while it waited: nothing is left in it to answer or wait for (`in_work`).
    waiting_first = Case(When(status=RequestStatus.NEEDS_INFO, then=0), default=1)
    requests = list(
        access.requests_for(user)
        .in_work()
        .filter(status__in=open_statuses)
        .select_related("institution", "group")
        .order_by(waiting_first, "-created_at")[:6]
    )
    return StartSection(
        "indsats/requests/start_requests.html",
        {"requests": requests, "can_create": access.can_create_request(user)},
        order=20,
    )


@register
def triage_summary(request):
    if not access.can_triage(request.user):
        return None
    counts = (
        access.requests_for(request.user)
        .in_work()
        .aggregate(
            submitted=Count("pk", filter=Q(status=RequestStatus.SUBMITTED)),
            needs_info=Count("pk", filter=Q(status=RequestStatus.NEEDS_INFO)),
        )
    )
    return StartSection("indsats/requests/start_triage.html", counts, order=20)
