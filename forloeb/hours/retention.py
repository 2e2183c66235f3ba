"""Retention of the week sheets' notes: `RETENTION_CLOSED_COURSE_YEARS` after the week, a note
(and its copies in the history) is anonymised; the hours stay. The Excel exports built in the
background are deleted with their files `RETENTION_EXPORT_DAYS` after they were made ready (or
asked for, if never built).
Registered from ForloebConfig.ready()."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from forloeb.hours import services
from forloeb.models import WeekSheet
from institutioner.retention.registry import ANONYMISE, DAYS, DELETE, RetentionStep, register
from institutioner.retention.services import ANONYMISED


def _written(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}note": ""}) & ~Q(**{f"{prefix}note": ANONYMISED})


def old_notes(*, before: datetime) -> QuerySet:
    """Weeks that ended before `before` with a note, in the row or in its history."""
    history = WeekSheet.history.model  # type: ignore[attr-defined]
    with_old_copies = history.objects.filter(_written()).values("id")
    return (
        WeekSheet.objects.filter(week_start__lte=before.date() - timedelta(days=7))
        .filter(_written() | Q(pk__in=with_old_copies))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def old_exports(*, before: datetime) -> QuerySet:
    return services.hour_exports_old(before=before)


def _exports_delete(ids, *, before: datetime) -> int:
    return services.hour_exports_purge(before=before)


def _anonymise(ids, *, before: datetime) -> int:
    return sum(services.week_sheet_anonymise(sheet_id=pk, before=before) for pk in ids)


register(
    RetentionStep(
        name="week-sheet-notes",
        label=_("Notes on week sheets"),
        action=ANONYMISE,
        period_setting="RETENTION_CLOSED_COURSE_YEARS",
        find=old_notes,
        apply=_anonymise,
        order=30,
    ),
    RetentionStep(
        name="hour-exports",
        label=_("Excel exports of hours"),
        action=DELETE,
        period_setting="RETENTION_EXPORT_DAYS",
        period_unit=DAYS,
        find=old_exports,
        apply=_exports_delete,
        one_by_one=False,
        order=60,
    ),
)
