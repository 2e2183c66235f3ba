"""The faster folding writes the same lines as icalendar's own, and is the one in use."""

from icalendar import Calendar, Event
from icalendar.parser import content_line
from icalendar.parser.string import _foldline

from institutioner import icalfold

LINES = [
    "",
    "UID:practice-12-20270104-3@indsatsteam",
    "SUMMARY:" + "a" * 66,  # 74 octets: not folded
    "SUMMARY:" + "a" * 67,  # 75 octets: folded
    "SUMMARY:" + "a" * 300,
    "SUMMARY:Praksis: Børnehuset Æblehaven (Mælkebøtterne) (Søs Ørnskov)",
    "SUMMARY:" + "ø" * 40,  # 48 characters, 88 octets
    "SUMMARY:" + "æ" * 33 + "a",  # 42 characters, 75 octets
    "DESCRIPTION:" + "x" * 61 + "\\,y" + "z" * 20,  # an escape across the fold
    "X-PARAM;CN=^'" + "q" * 70,
]


def test_same_folding_as_icalendar_on_every_kind_of_line():
    for line in LINES:
        assert icalfold.foldline(line) == _foldline(line), line
    assert "\r\n " not in icalfold.foldline(LINES[2])
    assert icalfold.foldline(LINES[3]).count("\r\n ") == 1
    assert icalfold.foldline(LINES[6]) != LINES[6]  # multi-byte: folded by octets


def test_installed_and_calendars_still_fold_long_lines():
    assert content_line._foldline is icalfold.foldline
    calendar = Calendar()
    event = Event()
    event.add("uid", "x@indsatsteam")
    event.add("summary", "Praksis: " + "Børnehuset Æblehaven " * 8)
    calendar.add_component(event)
    text = calendar.to_ical().decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert Calendar.from_ical(text).walk("VEVENT")[0]["summary"].startswith("Praksis: Børnehuset")
