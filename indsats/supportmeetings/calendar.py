"""Calendar invitations (.ics) for visitation meetings, to the committee's members.

One meeting keeps one UID for its whole life; every change raises SEQUENCE, so a calendar
replaces the old entry, and a cancellation removes it. No child data: the invitation names the
meeting and its place only.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from indsats.models import VisitationMeeting, VisitationMeetingStatus
from institutioner.icaltz import add_local_timezone

PRODID = "-//Indsatsteamet//Visitationsmøder//DA"


def _address(email: str, name: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if role:
        address.params["role"] = vText(role)
    return address


def visitation_ics(
    meeting: VisitationMeeting, *, cancelled: bool | None = None, members=None
) -> str:
    """METHOD:REQUEST, or METHOD:CANCEL once cancelled (or for `members` taken off it)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    if cancelled is None:
        cancelled = meeting.status == VisitationMeetingStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{meeting.uid}@visitation")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", timezone.localtime(meeting.starts_at, tz))
    event.add("dtend", timezone.localtime(meeting.ends_at, tz))
    event.add("summary", "Visitationsmøde: kompenserende støtte")
    event.add("location", meeting.place)
    event.add(
        "description",
        f"Visitationsmøde. Ansøgningsfrist: {meeting.application_deadline:%d.%m.%Y}. "
        f"Dagsorden: {settings.SITE_URL}{meeting.get_absolute_url()}",
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer_email = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
    event.add("organizer", _address(organizer_email, "Indsatsteamet"))
    for person in members if members is not None else meeting.members.all():
        event.add("attendee", _address(person.email, person.name, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    add_local_timezone(calendar)
    return calendar.to_ical().decode("utf-8")
