"""The bounds of a support period, shared by the application (indsats/support/services.py) and
the committee's decision on it (indsats/supportmeetings/services.py), so both refuse the same.

Seed 001 names no period; these catch typing errors: the period starts at most 3 months back and
a year ahead, is not over already and runs at most two years (a grant is re-visited long
before). A decision's period does not start before the meeting that makes it (no rule lets the
committee grant support back in time), and an extension follows on from the grant in force.
"""

from datetime import date

from django.utils.translation import gettext as _

PERIOD_DAYS_BACK = 92
PERIOD_DAYS_AHEAD = 366
PERIOD_MAX_DAYS = 2 * 366


def too_long(start: date, end: date) -> str | None:
    """The message when the period runs more than two years, else None."""
    if (end - start).days > PERIOD_MAX_DAYS:
        return _("The period can be at most two years.")
    return None


def special_place_hours() -> str:
    """The message when hours are applied for or granted with a special place: a special place
    is a place, not support hours (the letter names no hours for it), so neither has any."""
    return _("A special place is granted without support hours: leave the hours empty.")
