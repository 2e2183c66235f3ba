"""What is kept how long: each app registers its retention steps here from its AppConfig.ready().

A step is one kind of data with its period (the name of a setting in years, or in days for
the kept exports) and two functions:
`find(before=...)` gives the ids of the cases past the period (a QuerySet of ids, so the dry run
can count a million rows without loading them), and `apply(ids, before=...)` anonymises or
deletes them. A step that works case by case (`one_by_one`) gets one id at a time, each in its
own transaction; a bulk step (the access log, the outbox) gets all of them in one.

The lower app runs the steps (`institutioner.retention.services`) and never names the apps that
registered them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import ngettext

Finder = Callable[..., QuerySet]
Applier = Callable[..., int]

ANONYMISE = "anonymise"
DELETE = "delete"
YEARS = "years"
DAYS = "days"


@dataclass(frozen=True)
class RetentionStep:
    name: str
    label: object  # lazy Danish text: what this kind of data is
    action: str  # ANONYMISE or DELETE
    period_setting: str  # a setting in whole years, e.g. "RETENTION_NOTIFICATION_YEARS"
    find: Finder  # find(before=datetime) -> ids past the period
    apply: Applier  # apply(ids, before=datetime) -> how many were handled
    one_by_one: bool = True
    # The order of the run and the report, lowest first.
    order: int = 50
    # What `period_setting` counts: whole years, or days (e.g. "RETENTION_EXPORT_DAYS").
    period_unit: str = YEARS


_registered: dict[str, RetentionStep] = {}


def register(*steps: RetentionStep) -> None:
    for step in steps:
        _registered[step.name] = step


def all_steps() -> list[RetentionStep]:
    return sorted(_registered.values(), key=lambda step: (step.order, step.name))


def retention_period(step: RetentionStep) -> str:
    """The step's period in Danish words: "5 år", "30 dage"."""
    value = int(getattr(settings, step.period_setting))
    if step.period_unit == DAYS:
        return ngettext("%(n)s day", "%(n)s days", value) % {"n": value}
    return ngettext("%(n)s year", "%(n)s years", value) % {"n": value}


def cutoff(step: RetentionStep, *, now: datetime) -> datetime:
    """The moment before which this kind of data is past its period."""
    if step.period_unit == DAYS:
        return now - timedelta(days=int(getattr(settings, step.period_setting)))
    years = int(getattr(settings, step.period_setting))
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)
