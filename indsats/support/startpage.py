"""Kompenserende støtte on the start page: the leader's open applications (what waits for them
first), and for the administration and the visitation role the applications awaiting a meeting.
No child data here: the start page is no logged look-up, so an application is its number and
institution."""

from django.db.models import Case, Count, Prefetch, Q, When

from indsats import access
from indsats.models import AgendaItem, AgendaItemStatus, SupportStatus
from institutioner.startpage import StartSection, register

OPEN = (SupportStatus.DRAFT, SupportStatus.SUBMITTED, SupportStatus.NEEDS_INFO)


def _waiting_items():
    return Prefetch(
        "agenda_items",
        queryset=AgendaItem.objects.filter(status=AgendaItemStatus.WAITING).select_related(
            "meeting"
        ),
        to_attr="waiting_items",
    )


@register
def my_support_applications(request):
    user = request.user
    if not access.can_apply_for_support(user):
        return None
    # What waits for the leader's answer first. Not a case retention emptied while it waited:
    # nothing is left in it to answer (`in_work`), so it is no "waits for your answer" either.
    waiting_first = Case(When(status=SupportStatus.NEEDS_INFO, then=0), default=1)
    applications = list(
        access.support_applications_for(user)
        .in_work()
        .filter(status__in=OPEN)
        .select_related("institution", "group")
        .prefetch_related(_waiting_items())
        .order_by(waiting_first, "-created_at", "-pk")[:6]
    )
    needs_info = sum(1 for a in applications if a.status == SupportStatus.NEEDS_INFO)
    return StartSection(
        "indsats/support/start_leader.html",
        {"applications": applications, "needs_info": needs_info},
        order=25,
    )


@register
def support_awaiting_meeting(request):
    user = request.user
    if not access.works_with_support(user):
        return None
    in_work = access.support_applications_for(user).in_work()
    submitted = in_work.filter(status=SupportStatus.SUBMITTED)
    applications = list(
        submitted.select_related("institution", "group")
        .prefetch_related(_waiting_items())
        .order_by("submitted_at", "pk")[:8]
    )
    counts = in_work.aggregate(
        submitted=Count("pk", filter=Q(status=SupportStatus.SUBMITTED)),
        needs_info=Count("pk", filter=Q(status=SupportStatus.NEEDS_INFO)),
    )
    return StartSection(
        "indsats/support/start_committee.html",
        {"applications": applications, **counts},
        order=15,
    )
