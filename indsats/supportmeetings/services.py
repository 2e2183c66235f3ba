"""Every write of the visitation meetings: planning, the agenda, deciding.

Each transition checks the current state (StateError with a Danish message if wrong), locks the
row, saves, writes a SupportEvent with the acting user, and queues the e-mails in the same
transaction (the outbox sends them after commit).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    SupportApplication,
    SupportEvent,
    SupportEventKind,
    VisitationMeeting,
    VisitationMeetingStatus,
)
from institutioner.models import User


def next_meeting(on=None) -> VisitationMeeting | None:
    """The first planned meeting whose application deadline has not passed on `on` (today)."""
    day = on or timezone.localdate()
    return (
        VisitationMeeting.objects.filter(
            status=VisitationMeetingStatus.PLANNED,
            application_deadline__gte=day,
            starts_at__date__gte=day,
        )
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def agenda_place(
    *,
    application: SupportApplication,
    actor: User | None,
    purpose: str = AgendaPurpose.NEW,
    meeting: VisitationMeeting | None = None,
) -> AgendaItem | None:
    """Puts an application on `meeting`'s agenda, or on the next meeting's whose deadline has
    not passed. Returns the item, or None when no meeting is planned yet (the application then
    waits, and is put on the agenda when the administration plans the next meeting).

    An application already waiting on an agenda stays where it is (the item is returned)."""
    waiting = (
        AgendaItem.objects.select_for_update()
        .filter(application=application, status=AgendaItemStatus.WAITING)
        .first()
    )
    if waiting is not None:
        return waiting
    meeting = meeting or next_meeting()
    if meeting is None:
        return None
    item = AgendaItem.objects.create(meeting=meeting, application=application, purpose=purpose)
    SupportEvent.objects.create(
        application=application,
        kind=SupportEventKind.ON_AGENDA,
        actor=actor,
        from_status=application.status,
        to_status=application.status,
        message=_("On the agenda of %(meeting)s.") % {"meeting": meeting},
    )
    return item


@transaction.atomic
def agenda_take_off(*, application: SupportApplication) -> int:
    """Takes a withdrawn application off the agenda it waits on; returns how many items."""
    return AgendaItem.objects.filter(
        application=application, status=AgendaItemStatus.WAITING
    ).update(status=AgendaItemStatus.REMOVED)
