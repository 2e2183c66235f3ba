"""Working days in Denmark: weekends and Danish public holidays, in Europe/Copenhagen.

Reminders count "3 working days" and "5 working days" with these functions, and a week sheet is
due on the last working day of its week. The `holidays` package knows the movable feasts (Easter,
Ascension, Whitsun); `WORKING_DAYS_HOLIDAY_CATEGORIES` says whether the days a municipality's staff
usually have off too (1 May, Grundlovsdag, Christmas Eve, New Year's Eve: the package's
"optional" category) count as holidays.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=64)
def _holidays(year: int, categories: tuple[str, ...]) -> dict[date, str]:
    return dict(holidays.country_holidays("DK", years=year, categories=categories, language="da"))


def holiday_name(day: date) -> str:
    """The Danish name of the holiday on `day`, or "" for an ordinary day."""
    categories = tuple(settings.WORKING_DAYS_HOLIDAY_CATEGORIES)
    return _holidays(day.year, categories).get(day, "")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not holiday_name(day)


def not_a_working_day(day: date) -> str:
    """Why nothing is planned on `day` (a Danish message naming the day), or "" on a working day.
    The one rule evaluations keep, wherever they are planned: an agreement's midway and final
    evaluation and a course's ongoing ones."""
    holiday = holiday_name(day)
    if holiday:
        return _("%(day)s is a holiday (%(name)s); choose a working day.") % {
            "day": f"{day:%d.%m.%Y}",
            "name": holiday,
        }
    if day.weekday() >= 5:
        return _("%(day)s is a weekend day; choose a working day.") % {"day": f"{day:%d.%m.%Y}"}
    return ""


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day after `day` (`day` itself never counts)."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    while count:
        current += timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def working_day_on_or_after(day: date) -> date:
    """`day` if it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_day_on_or_before(day: date) -> date:
    """`day` if it is a working day, else the one before."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_after(moment: datetime, count: int) -> datetime:
    """The same local time of day, `count` working days after `moment`.

    Computed on the wall clock of Europe/Copenhagen, so a request sent at 09:00 on the Friday
    before the change to summer time is due at 09:00 local time, not at 10:00.
    """
    local = timezone.localtime(moment, local_zone())
    later = add_working_days(local.date(), count)
    return at_local(later, local.time().replace(tzinfo=None))


def at_local(day: date, clock: time) -> datetime:
    """`day` at `clock` on the wall clock of Europe/Copenhagen, as an aware datetime."""
    return datetime.combine(day, clock, tzinfo=local_zone())


def week_working_days(monday: date) -> list[date]:
    return [d for d in (monday + timedelta(days=i) for i in range(7)) if is_working_day(d)]


def monday_of(day: date) -> date:
    """The Monday of the ISO week that `day` is in."""
    return day - timedelta(days=day.weekday())


def week_indexes(start: date | None, end: date | None, mondays: list[date]) -> range:
    """The indexes of the (consecutive) weeks in `mondays` that a period from `start` to `end`
    touches; no start or no end means open on that side."""
    first, n = mondays[0], len(mondays)
    # Week i runs from first + 7i to first + 7i + 6: it touches the period when
    # start <= first + 7i + 6 and end >= first + 7i.
    low = 0 if start is None else max(0, -(-((start - first).days - 6) // 7))
    high = n - 1 if end is None else min(n - 1, (end - first).days // 7)
    return range(low, high + 1)
