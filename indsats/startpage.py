"""The request flow's parts of the start page: upcoming meetings, open requests, the queue."""

from django.db.models import Case, Count, Q, When

from indsats import access, selectors
from indsats.models import InterventionRequest, RequestStatus
from institutioner.models import Role
from institutioner.startpage import StartSection, register


@register
def upcoming_meetings(request):
    meetings = list(
        selectors.upcoming_meetings(request.user, access.meetings_for(request.user))[:5]
    )
    if not meetings:
        return None
    return StartSection("indsats/start_meetings.html", {"meetings": meetings}, order=10)


@register
def my_requests(request):
    user = request.user
    if user.role not in (Role.LEADER, Role.STAFF):
        return None
    open_statuses = [
        RequestStatus.DRAFT,
        RequestStatus.SUBMITTED,
        RequestStatus.NEEDS_INFO,
        RequestStatus.ACCEPTED,
    ]
    # What waits for the leader's answer comes first, then the newest.
    waiting_first = Case(When(status=RequestStatus.NEEDS_INFO, then=0), default=1)
    requests = list(
        access.requests_for(user)
        .filter(status__in=open_statuses)
        .select_related("institution", "group")
        .order_by(waiting_first, "-created_at")[:6]
    )
    return StartSection(
        "indsats/start_requests.html",
        {"requests": requests, "can_create": user.role == Role.LEADER},
        order=20,
    )


@register
def triage_summary(request):
    if not access.can_triage(request.user):
        return None
    counts = access.requests_for(request.user).aggregate(
        submitted=Count("pk", filter=Q(status=RequestStatus.SUBMITTED)),
        needs_info=Count("pk", filter=Q(status=RequestStatus.NEEDS_INFO)),
    )
    return StartSection("indsats/start_triage.html", counts, order=20)


@register
def my_interventions(request):
    """The pedagogist's accepted interventions and where their agreements stand."""
    user = request.user
    if user.role != Role.PEDAGOGIST:
        return None
    requests = list(
        InterventionRequest.objects.filter(
            status=RequestStatus.ACCEPTED, allocations__pedagogist__user=user
        )
        .select_related("institution", "group", "agreement")
        .order_by("wished_start")
    )
    if not requests:
        return None
    return StartSection("indsats/start_interventions.html", {"requests": requests}, order=15)


@register
def awaiting_my_signature(request):
    """Agreements sent for signature where this person's place is still empty."""
    from indsats.models import AgreementVersion, VersionStatus
    from indsats.services import slot_for

    user = request.user
    if user.role not in (Role.LEADER, Role.PEDAGOGIST) and not access.can_triage(user):
        return None
    pending = list(
        AgreementVersion.objects.filter(
            status=VersionStatus.SENT, agreement__in=access.agreements_for(user)
        )
        .select_related("agreement__request__institution", "agreement__request__group")
        .prefetch_related("signatures")
    )
    if not pending:
        return None
    leader_of = set(user.memberships.values_list("institution_id", flat=True))
    versions = [
        version
        for version in pending
        if (slot := slot_for(user, version, leader_of=leader_of))
        and slot[0] not in {s.slot for s in version.signatures.all()}
    ]
    if not versions:
        return None
    return StartSection("indsats/start_signatures.html", {"versions": versions}, order=5)
