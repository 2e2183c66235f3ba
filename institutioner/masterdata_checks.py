"""What a change in Stamdata means elsewhere, said to the person who made it.

Stamdata saves what the administration types: a pedagogist's weekly hours of 0, or opening
hours narrowed past the practice days already agreed, are allowed (someone on leave, an
institution that shortens its day). The rooms above know what depends on them, so they register
a check here (from their `AppConfig.ready()`), and Stamdata shows what the checks say as
warnings after the save. A check is `check(obj, initial, changed) -> list[str]`: the saved
object, its values as the form was opened (`form.initial`), and the names of the fields changed.
"""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from institutioner.models import Pedagogist

Check = Callable[[object, dict, list[str]], list[str]]

_checks: dict[type, list[Check]] = defaultdict(list)


def register(model: type, check: Check) -> Check:
    if check not in _checks[model]:
        _checks[model].append(check)
    return check


def warnings_for(obj, initial: dict, changed: list[str]) -> list[str]:
    return [
        warning for check in _checks.get(type(obj), []) for warning in check(obj, initial, changed)
    ]


def _no_weekly_hours(pedagogist, initial: dict, changed: list[str]) -> list[str]:
    if "weekly_hours" not in changed or pedagogist.weekly_hours != Decimal(0):
        return []
    return [
        _(
            "%(name)s now has 0 weekly contracted hours: triage shows no free hours for "
            "%(name)s, and every hour assigned counts as over-allocation. If it is a leave, "
            "record it as absence in the plan instead, so the hours come back by themselves."
        )
        % {"name": pedagogist.user.name}
    ]


register(Pedagogist, _no_weekly_hours)
