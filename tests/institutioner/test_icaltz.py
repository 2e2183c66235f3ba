"""The calendars' VTIMEZONE read as RFC 5545 says (a DTSTART is the local time before the
change, in TZOFFSETFROM) gives the instants at which Denmark changes its clocks, as the time
zone database has them, for the next 25 years."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from institutioner.icaltz import add_local_timezone, local_vtimezone

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _offset(value) -> timedelta:
    return value.td if hasattr(value, "td") else value


def _changes_by_the_vtimezone(first: int, last: int) -> list[tuple[datetime, timedelta]]:
    """(the UTC instant, the offset after it) of every onset the VTIMEZONE gives."""
    changes = []
    for part in local_vtimezone().subcomponents:
        start = part.decoded("DTSTART")
        offset_from = _offset(part.decoded("TZOFFSETFROM"))
        offset_to = _offset(part.decoded("TZOFFSETTO"))
        rule = rrulestr(part["RRULE"].to_ical().decode(), dtstart=start)
        for local in rule.between(datetime(first, 1, 1), datetime(last, 12, 31), inc=True):
            changes.append(((local - offset_from).replace(tzinfo=UTC), offset_to))
    return sorted(changes)


def _changes_by_zoneinfo(first: int, last: int) -> list[tuple[datetime, timedelta]]:
    changes = []
    moment = datetime(first, 1, 1, tzinfo=UTC)
    before = moment.astimezone(COPENHAGEN).utcoffset()
    while moment.year <= last:
        moment += timedelta(minutes=15)
        after = moment.astimezone(COPENHAGEN).utcoffset()
        if after != before:
            changes.append((moment, after))
            before = after
    return changes


def test_the_vtimezone_changes_the_clocks_when_denmark_does():
    expected = _changes_by_zoneinfo(2026, 2050)
    assert len(expected) == 50
    # Summer time from 01:00 UTC (02:00 in Denmark) on the last Sunday of March.
    assert expected[0] == (datetime(2026, 3, 29, 1, tzinfo=UTC), timedelta(hours=2))
    assert _changes_by_the_vtimezone(2026, 2050) == expected


def test_a_calendar_gets_it_once_and_first():
    calendar = Calendar()
    add_local_timezone(calendar)
    add_local_timezone(calendar)
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE"]
    assert calendar.subcomponents[0]["TZID"] == "Europe/Copenhagen"
    text = calendar.to_ical().decode()
    assert "DTSTART:19700329T020000" in text and "DTSTART:19701025T030000" in text
