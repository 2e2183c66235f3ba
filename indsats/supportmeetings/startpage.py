"""The visitation's part of the start page: the next meeting and how many items it has."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from indsats import access
from indsats.models import AgendaItem, AgendaItemStatus, SupportStatus, VisitationMeetingStatus
from indsats.supportmeetings import services
from institutioner.startpage import StartSection, register


@register
def next_visitation_meeting(request):
    user = request.user
    if not access.works_with_support(user):
        return None
    meeting = (
        access.visitation_meetings_for(user)
        .filter(status=VisitationMeetingStatus.PLANNED, ends_at__gte=timezone.now())
        .annotate(
            waiting=Count("items", filter=Q(items__status=AgendaItemStatus.WAITING)),
        )
        .order_by("starts_at", "pk")
        .first()
    )
    # Submitted applications on no agenda, when no planned meeting takes new ones: they wait
    # until the administration plans one.
    unplaced = 0
    if services.next_meeting() is None:
        on_agenda = AgendaItem.objects.filter(
            application=OuterRef("pk"), status=AgendaItemStatus.WAITING
        )
        unplaced = (
            access.support_applications_for(user)
            .in_work()
            .filter(status=SupportStatus.SUBMITTED)
            .exclude(Exists(on_agenda))
            .count()
        )
    return StartSection(
        "indsats/supportmeetings/start_meeting.html",
        {"meeting": meeting, "can_plan": access.can_plan_visitation(user), "unplaced": unplaced},
        order=15,
    )
