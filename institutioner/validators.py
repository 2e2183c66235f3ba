"""Validators every app uses. The lowest app holds them, so every free-text field can."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

# Six digits of a date (DD MM YY, optionally with a separator between them), up to three
# separators, four digits (optionally split in two); not part of a longer number. Separators as
# Word, Outlook and phones write them: hyphen-minus, the Unicode hyphens and dashes (U+2010-2015,
# Word's non-breaking hyphen among them), the minus sign, slash, dot, underscore and any space;
# between the date and the four digits a plus, too ("010190+1234", as a Swedish personal
# number is written for someone over 100). Digits of any script count (full-width ones from a
# Japanese keyboard, too). Not the end of a dotted series: in "1.2.26 1200-1400" the 26
# is a year, "26 1200-1400" no CPR number; and not followed by more of a time ("Møde 26.01
# 12.00-14.00": "14" is an hour, "14.00" goes on). A comma is no such sign: in a list,
# "070589-1234,070590-1234", each number is found.
_SEP = r"[\s._/\u2010-\u2015\u2212-]"
_SERIAL_SEP = r"[\s._/+\u2010-\u2015\u2212-]"
_DATE_SEP = r"[./‐-―−-]"
_CPR_LIKE = re.compile(
    rf"(?<!\d)(?<!\d{_DATE_SEP})(?P<day>\d{{2}})(?P<s1>{_SEP}?)(?P<month>\d{{2}})(?P<s2>{_SEP}?)"
    rf"(?P<year>\d{{2}})(?P<between>{_SERIAL_SEP}{{0,3}})(?P<serial>\d{{2}}(?P<s4>{_SEP}?)\d{{2}})"
    rf"(?!\d)(?![.:]\d)"
)
# The same ten digits with a separator between every one of them, "0 1 0 2 0 3 1 2 3 4" or
# "0.1.0.2.0.3.1.2.3.4": the same separator throughout, up to three between the date and the
# serial number ("0 1 0 2 0 3 - 1 2 3 4"). Fewer digits ("uge 1 2 3 4", a phone number) are
# not one.
_CPR_SPACED = re.compile(
    rf"(?<!\d)\d(?P<sep>{_SEP})\d(?P=sep)\d(?P=sep)\d(?P=sep)\d(?P=sep)\d"
    rf"{_SEP}{{1,3}}\d(?P=sep)\d(?P=sep)\d(?P=sep)\d(?!\d)"
)
# A date written by hand, "1.1.90-1234", "24.1.90 - 1234", "1/12/90-1234", "01.01.1990-1234":
# the same separator (dot, slash, hyphen or dash) between a day and a month of one or two digits
# and a year of two or four, or a slash and then a hyphen or dash, the Danish hand-written
# "1/1-90" ("1/1-90-1234", "01/01-90 - 1234", "1/1-1990-1234"); then a hyphen, dash, minus,
# slash or plus (spaces around it allowed) or spaces alone ("1.1.90 1234"), and four digits.
# Not part of a longer number or of a longer dotted series ("3.1.1.90-1234" is none), and a
# year of one digit is no date ("1.2.3-4567", a version). A four-digit year must be the one the
# CPR rule gives the serial number ("12.1.2026-1400" is a day and a time: a serial from 1
# gives 1926). Spaces alone before four digits that are a time of day are often one
# ("1.2.26 1030"): see _is_day_and_time.
_CPR_SHORT_DATE = re.compile(
    rf"(?<!\d)(?<!\d{_DATE_SEP})(?P<day>\d{{1,2}})(?:(?P<slash>/)|(?P<sep>{_DATE_SEP}))"
    rf"(?P<month>\d{{1,2}})(?(slash)[/‐-―−-]|(?P=sep))(?P<year>\d{{4}}|\d{{2}})"
    rf"(?P<between>\s{{0,2}}[/+‐-―−-]\s{{0,2}}|\s{{1,2}})(?P<serial>\d{{4}})(?!\d)(?![.:]\d)"
)
# What follows four digits that makes them a time or an amount, not a serial number: the end of
# a time range ("1.2.26 1200-1400", "10.01.26 0800 - 1600", "1200-14.30") or a currency
# ("1.2.26 4500 kr.", "4500,-").
_RANGE_END = re.compile(r"\s{0,2}[‐-―−-]\s{0,2}(?P<hour>\d{1,2})(?:[.:]?(?P<minute>\d{2}))?(?!\d)")
_AMOUNT_END = re.compile(r"\s{0,2}(?:kr\b|kr\.|dkk\b|,-)", re.IGNORECASE)
# Characters a reader does not see, which would otherwise split a number: the soft hyphen, the
# zero-width space and joiners, the word joiner and the byte-order mark.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")
# Any run of spaces as Python knows them: the no-break space, the narrow and thin ones, the
# ideographic space, tabs and line breaks.
_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """A name as it is stored: the invisible characters above left out, every Unicode space
    (the no-break space among them) a plain space, runs of them one, none at the ends. A name
    made only of zero-width spaces is then empty (refused as missing), and "Børnehuset
    Mariehønen" typed with two spaces or a no-break space is the same name as with one."""
    return _SPACES.sub(" ", _INVISIBLE_RE.sub("", text)).strip()


def _normalised(text: str) -> tuple[str, list[int]]:
    """`text` with each character in its compatibility form (NFKC: a full-width digit is a
    digit) and the invisible ones left out, and for each character of it the index in `text` it
    came from, so a match is cut from what the person wrote."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        for part in unicodedata.normalize("NFKC", char):
            chars.append(part)
            origin.append(index)
    return "".join(chars), origin


def _century(two_digit_year: int, seventh_digit: int) -> int:
    """The CPR rule that gives the century from the year and the first serial digit."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if two_digit_year <= 36 else 1900
    return 2000 if two_digit_year <= 57 else 1800


def _is_valid_date(day: int, month: int, year: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_time(hour: int, minute: int) -> bool:
    return hour < 24 and minute < 60


def _is_day_and_time(year: str, between: str, serial: str) -> bool:
    """Whether a date written with separators, spaces alone and four digits ("1.2.26 1030") is a
    day and a time rather than a CPR number. Four digits that are a time of day (HHMM) start
    with 0, 1 or 2, so the CPR rule reads them with a year in the 1900s: a two-digit year up to
    PLAUSIBLE_YEARS_AHEAD past this one (31 in 2026) is then someone born by 1931, over 90, and
    much more likely a day of this century the team writes about, so it is taken as that.
    "1.1.90 1234" (1990) is still a birth date and a serial number, as are four digits that are
    no time ("1.2.26 4321"), a year of four digits (checked against the serial number already)
    and any hyphen, dash, slash or plus before the four digits ("1.2.26-1030")."""
    if between.strip() or len(year) != 2 or not _is_time(int(serial[:2]), int(serial[2:])):
        return False
    latest = timezone.localdate().year % 100 + PLAUSIBLE_YEARS_AHEAD
    return int(year) <= latest


def _is_time_or_amount(serial: str, after: str) -> bool:
    """Whether four digits are the start of a time range ("1200-1400", "0800 - 16.00") or an
    amount ("4500 kr.") by what follows them."""
    if _AMOUNT_END.match(after):
        return True
    if not _is_time(int(serial[:2]), int(serial[2:])):
        return False
    end = _RANGE_END.match(after)
    return end is not None and _is_time(int(end["hour"]), int(end["minute"] or 0))


def find_cpr_like(text: str) -> str | None:
    """The first part of `text` that looks like a Danish CPR number, or None."""
    normalised, origin = _normalised(text or "")
    matches = [
        *_CPR_LIKE.finditer(normalised),
        *_CPR_SPACED.finditer(normalised),
        *_CPR_SHORT_DATE.finditer(normalised),
    ]
    for match in sorted(matches, key=lambda one: one.start()):
        if match.re is _CPR_SPACED:
            digits = [int(char) for char in match.group() if char.isdigit()]
            day, month, year = (digits[i] * 10 + digits[i + 1] for i in (0, 2, 4))
            seventh = digits[6]
        else:
            serial = "".join(char for char in match["serial"] if char.isdigit())
            day, month = int(match["day"]), int(match["month"])
            year, seventh = int(match["year"][-2:]), int(serial[0])
            if len(match["year"]) == 4 and int(match["year"]) != _century(year, seventh) + year:
                continue
            if match.re is _CPR_LIKE:
                # "26.01.2026 12 børn": a date with a four-digit year and a number. A serial
                # number split in two follows a date set apart from it ("01 02 03 12 34").
                if match["s4"] and not match["between"]:
                    continue
                written_as_date = all(
                    sep and sep in "./\u2010\u2011\u2012\u2013\u2014\u2015\u2212-"
                    for sep in (match["s1"], match["s2"])
                )
                if (
                    not match["s4"]
                    and written_as_date
                    and _is_day_and_time(match["year"], match["between"], serial)
                ):
                    continue
            elif _is_day_and_time(match["year"], match["between"], serial):
                continue
            if _is_time_or_amount(serial, normalised[match.end() :]):
                continue
        if _is_valid_date(day, month, _century(year, seventh) + year):
            return text[origin[match.start()] : origin[match.end() - 1] + 1]
    return None


def validate_no_cpr(text: str) -> None:
    """Refuse text with something that looks like a CPR number (seeds: the learning environment,
    not the child's CPR number, is in focus; the system stores no CPR numbers)."""
    if find_cpr_like(text):
        raise ValidationError(
            _(
                "The text contains something that looks like a CPR number. Do not write CPR "
                "numbers here: describe the children's group and the learning environment "
                "without identifying a child."
            ),
            code="cpr",
        )


CPR_PLAIN_MESSAGE = _(
    "The text contains something that looks like a CPR number. Do not write CPR numbers here."
)


def validate_no_cpr_plain(text: str) -> None:
    """The CPR guard for free text that is about neither a child nor a learning environment (a
    meeting's place, a reason for cancelling it, Stamdata's names and addresses): the message
    says only not to write CPR numbers."""
    if find_cpr_like(text):
        raise ValidationError(CPR_PLAIN_MESSAGE, code="cpr")


def validate_no_cpr_child(text: str) -> None:
    """The CPR guard for fields about one child (a support application's child's name, needs,
    questions, answers, reasons and file names): they name the child, so the message says only
    that CPR numbers are not written (the birth date has its own field)."""
    if find_cpr_like(text):
        raise ValidationError(
            _(
                "The text contains something that looks like a CPR number. Do not write CPR "
                "numbers: the child's birth date has its own field."
            ),
            code="cpr",
        )


# How far from today a date typed into a form may lie. An 1899 evaluation once made every
# reminder fire at once; no note, meeting or evaluation of the team is further away than this.
PLAUSIBLE_YEARS_BACK = 5
PLAUSIBLE_YEARS_AHEAD = 5


def plausible_range() -> tuple[date, date]:
    """The first and the last day validate_plausible_date takes today."""
    today = timezone.localdate()
    earliest = today.replace(year=today.year - PLAUSIBLE_YEARS_BACK, day=1)
    latest = today.replace(year=today.year + PLAUSIBLE_YEARS_AHEAD, day=1)
    return earliest, latest


def plausible_range_message() -> str:
    earliest, latest = plausible_range()
    return _("Choose a date between %(earliest)s and %(latest)s.") % {
        "earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
        "latest": formats.date_format(latest, "SHORT_DATE_FORMAT"),
    }


def year_outside_message(year: str) -> str:
    """The first sentence for a date whose year a form does not take (9999, 10000, 0000): it
    names the year, so the leader sees it is the year and not the day or the month that is
    wrong."""
    return _("The year %(year)s is outside the years this form takes.") % {"year": year}


def validate_plausible_date(value: date) -> None:
    """Refuse a date more than a few years from today (1899-01-01, 2100-01-01). A date in a
    year outside the range (9999) is told so first."""
    earliest, latest = plausible_range()
    if not earliest <= value <= latest:
        message = plausible_range_message()
        if not earliest.year <= value.year <= latest.year:
            message = f"{year_outside_message(str(value.year))} {message}"
        raise ValidationError(message, code="implausible_date")


_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]*")


def validate_phone(text: str) -> None:
    """A phone number as people write them: digits with spaces, dashes, dots, brackets or a
    leading +, 8 to 15 digits (Danish numbers have 8; a foreign one up to 15 with its country
    code). Used by the forms; the models' fields keep only the CPR guard."""
    if not text:
        return
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.fullmatch(text.strip()) or not 8 <= digits <= 15:
        raise ValidationError(
            _("Write a phone number with digits, e.g. 12 34 56 78 or +45 12 34 56 78."),
            code="phone",
        )
