"""Calendar invitations (.ics) for intake meetings that Outlook, Google and Apple accept.

One meeting keeps one UID for its whole life; every change raises SEQUENCE, so a calendar
replaces the old entry instead of adding a new one, and a cancellation removes it.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from indsats.models import IntakeMeeting, MeetingStatus
from institutioner.icaltz import add_local_timezone

PRODID = "-//Indsatsteamet//Indsatsmøder//DA"


def _address(email: str, name: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if role:
        address.params["role"] = vText(role)
    return address


def meeting_ics(meeting: IntakeMeeting, *, cancelled: bool | None = None, participants=None) -> str:
    """The meeting as an iCalendar text: METHOD:REQUEST, or METHOD:CANCEL once cancelled.

    `cancelled=True` writes a cancellation of a meeting that goes on for others (a participant
    taken off it); `participants` then names who it is for.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    if cancelled is None:
        cancelled = meeting.status == MeetingStatus.CANCELLED
    request = meeting.request
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")

    event = Event()
    event.add("uid", f"{meeting.uid}@indsatsteam")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", timezone.localtime(meeting.starts_at, tz))
    event.add("dtend", timezone.localtime(meeting.ends_at, tz))
    where = request.institution.name
    if request.group:
        where = f"{where}, {request.group.name}"
    event.add("summary", f"Indsatsmøde: {where}")
    event.add("location", meeting.place)
    description = [f"Indsatsmøde om anmodning nr. {request.pk} ({where})."]
    if meeting.other_participants:
        description.append(f"Øvrige deltagere: {meeting.other_participants}")
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer_email = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
    event.add("organizer", _address(organizer_email, "Indsatsteamet"))
    for person in participants if participants is not None else meeting.participants.all():
        event.add("attendee", _address(person.email, person.name, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    # Outlook needs the VTIMEZONE that DTSTART's TZID refers to.
    add_local_timezone(calendar)
    return calendar.to_ical().decode("utf-8")
