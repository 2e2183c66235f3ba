"""The VTIMEZONE of Europe/Copenhagen for the calendar files (invitations and subscriptions).

Written from the EU's rule (since 1996: summer time from the last Sunday of March at 02:00 to
the last Sunday of October at 03:00, local time), as Outlook and Google write it: two yearly
rules instead of icalendar's list of dates, which starts summer time an hour late (03:00) and
stops listing at 2037. Another TIME_ZONE falls back to icalendar's own.
"""

import functools
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Component

COPENHAGEN = "Europe/Copenhagen"

_COPENHAGEN_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Copenhagen
X-LIC-LOCATION:Europe/Copenhagen
BEGIN:DAYLIGHT
TZNAME:CEST
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZNAME:CET
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


@functools.cache
def _vtimezone(tzid: str) -> bytes:
    if tzid == COPENHAGEN:
        return _COPENHAGEN_VTIMEZONE.replace("\n", "\r\n").encode()
    from datetime import datetime

    from icalendar import Event

    probe = Calendar()
    event = Event()
    event.add("dtstart", datetime(2026, 1, 1, 9, tzinfo=ZoneInfo(tzid)))
    probe.add_component(event)
    probe.add_missing_timezones()
    (component,) = probe.walk("VTIMEZONE")
    # icalendar notes its own range limit in English; calendars do not need it.
    component.pop("COMMENT", None)
    return component.to_ical()


def local_vtimezone() -> Component:
    """A fresh VTIMEZONE component of the site's time zone (TIME_ZONE)."""
    return Component.from_ical(_vtimezone(settings.TIME_ZONE))


def add_local_timezone(calendar: Calendar) -> Calendar:
    """Puts the VTIMEZONE that the events' TZID refers to first in `calendar` (Outlook needs
    it), once. Looks at the calendar's own components only: a feed's events are not walked."""
    if not any(component.name == "VTIMEZONE" for component in calendar.subcomponents):
        calendar.subcomponents.insert(0, local_vtimezone())
    return calendar
