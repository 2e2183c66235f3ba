"""Støttestatistik: the numbers the yearly evaluation asks for about kompenserende støtte
(seed 004: "udviklingen i visiteringer til støtte- og ressourceforløb").

Aggregates only: no function here returns a child's name, birth date or anything else about one
application, so the pages built on them show no child data. Every number is counted by the
database (GROUP BY, conditional sums); Python only lays the grouped counts out in months,
districts and kinds. Each function runs a fixed number of queries whatever the data.

Months and days are on the Copenhagen wall clock (`USE_TZ`, the current time zone).
"""

import bisect
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    QuerySet,
)
from django.db.models.functions import ExtractYear, TruncDate, TruncMonth
from django.utils import timezone

from indsats.models import (
    GRANTING_OUTCOMES,
    AgendaPurpose,
    SupportApplication,
    SupportDecision,
    SupportKind,
    SupportOutcome,
    SupportStatus,
)
from institutioner import workdays
from institutioner.access import within
from institutioner.models import District, Institution

ZERO = Decimal("0")
OUTCOMES = list(SupportOutcome)
KINDS = list(SupportKind)


def _start_of(day: date) -> datetime:
    return workdays.at_local(day, time(0, 0))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return _start_of(date(year, 1, 1)), _start_of(date(year + 1, 1, 1))


def month_ends(year: int) -> list[date]:
    return [
        (date(year, m, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        for m in range(1, 13)
    ]


# --- Granted hours in force ----------------------------------------------------------------------
#
# The support in force on a day: for each application, the latest granting decision (granted,
# partly granted, extended) made by the end of that day whose period covers the day; an
# extension decided before the current grant runs out takes over only from its own start. An
# ending decision made by then stops the support (after the last day it names, if it names one).


def _granted_by_day(
    days: list[date],
    *,
    key: str,
    institutions: QuerySet[Institution] | list[int] | None = None,
) -> dict[int, list[Decimal]]:
    """Per `key` (a path from the decision: the application's institution or district), the
    granted hours a week in force on each of `days`: {id: [hours on days[0], ...]}.

    One query: every grant and ending of the applications that have a grant of hours whose
    period touches the days, each application's in the order they were made. Which decision is
    in force on a day is then worked out here, by the rule above, over the few decisions an
    application has. (Written as conditional sums with a correlated NOT EXISTS per day, the
    rule cost the statistics page 60 ms at a large municipality's size, most of it the ORM
    building the 24 subqueries.)"""
    first, last = min(days), max(days)
    with_hours = SupportDecision.objects.filter(
        outcome__in=GRANTING_OUTCOMES,
        hours_per_week__isnull=False,
        period_start__lte=last,
        period_end__gte=first,
    )
    if institutions is not None:
        with_hours = within(with_hours, "application__institution", institutions)
    rows = (
        SupportDecision.objects.filter(
            application__in=with_hours.values("application_id"),
            outcome__in=[*GRANTING_OUTCOMES, SupportOutcome.ENDED],
        )
        .order_by("application_id", "decided_at", "pk")
        .values_list(
            "application_id",
            key,
            "outcome",
            "hours_per_week",
            "period_start",
            "period_end",
            # A decision counts on a day when it was made by the end of that day: the day it
            # was made on the Copenhagen wall clock, read as a date (cheaper than a time).
            TruncDate("decided_at", tzinfo=workdays.local_zone()),
        )
    )
    ordered = sorted(range(len(days)), key=days.__getitem__)
    sorted_days = [days[k] for k in ordered]
    ended = SupportOutcome.ENDED
    totals: dict[int, list[Decimal]] = {}
    for _application, decided in itertools.groupby(rows, key=itemgetter(0)):
        decisions = list(decided)
        for index, (_a, owner, outcome, hours, start, end, made) in enumerate(decisions):
            if outcome == ended or hours is None:
                continue
            later = decisions[index + 1 :]
            # Only the days in the decision's period.
            for k in ordered[
                bisect.bisect_left(sorted_days, start) : bisect.bisect_right(sorted_days, end)
            ]:
                day = days[k]
                if made > day:
                    continue
                # Replaced that day by a later grant covering it, or stopped by an ending.
                if any(
                    other[6] <= day
                    and (
                        (other[5] is None or other[5] < day)
                        if other[2] == ended
                        else other[4] <= day <= other[5]
                    )
                    for other in later
                ):
                    continue
                totals.setdefault(owner, [ZERO] * len(days))[k] += hours
    return totals


def granted_hours_on(
    day: date,
    *,
    by: str = "district",
    institutions: QuerySet[Institution] | list[int] | None = None,
) -> dict[int, Decimal]:
    """Granted support hours a week in force on `day`, summed per district (`by="district"`)
    or per institution (`by="institution"`): {id: hours}; ids without support are left out.
    One query."""
    key = (
        "application__institution__district_id"
        if by == "district"
        else "application__institution_id"
    )
    return {
        row_id: hours
        for row_id, (hours,) in _granted_by_day([day], key=key, institutions=institutions).items()
        if hours
    }


def granted_hours_by_month_end(days: list[date]) -> dict[int, list[Decimal]]:
    """Per district, the granted hours a week in force at each of `days`: {district id:
    [hours on days[0], ...]}. One query."""
    if not days:
        return {}
    return _granted_by_day(days, key="application__institution__district_id")


# --- The year's statistics -----------------------------------------------------------------------


class Median(Aggregate):
    """The median (PostgreSQL's percentile_cont); other databases fall back in `_waiting`."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


@dataclass
class Waiting:
    decided: int  # applications whose first decision fell in the year
    median_days: Decimal | None
    average_days: Decimal | None
    still_waiting: int  # submitted by the year's end (or now), no decision by then


@dataclass
class YearColumn:
    """One year's numbers."""

    year: int
    applications_by_month: list[int]  # submitted, January..December
    decisions_by_month: dict[str, list[int]]  # outcome -> 12 months
    applications: int = 0
    decisions_by_outcome: dict[str, int] = field(default_factory=dict)
    applications_by_kind: dict[str, int] = field(default_factory=dict)
    decisions_by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    revisits: dict[str, int] = field(default_factory=dict)  # outcome -> decisions on re-visits
    waiting: Waiting | None = None
    # district id -> {"applications": n, "decisions": n, outcome: n, ...}
    by_district: dict[int, dict[str, int]] = field(default_factory=dict)
    granted_hours: dict[int, list[Decimal | None]] = field(default_factory=dict)  # month ends
    future_months: list[bool] = field(default_factory=lambda: [False] * 12)  # not reached yet

    @property
    def decisions(self) -> int:
        return sum(self.decisions_by_outcome.values())

    @property
    def decisions_by_month_total(self) -> list[int]:
        return [sum(months[i] for months in self.decisions_by_month.values()) for i in range(12)]

    @property
    def granted_hours_total(self) -> list[Decimal | None]:
        return [
            None
            if self.future_months[i]
            else sum((hours[i] or ZERO for hours in self.granted_hours.values()), ZERO)
            for i in range(12)
        ]


@dataclass
class SupportStatistics:
    year: int
    current: YearColumn
    previous: YearColumn
    districts: list[District]

    @property
    def columns(self) -> list[YearColumn]:
        return [self.previous, self.current]


def _round(value, places: str = "0.1") -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _days(value) -> Decimal | None:
    """A waiting time as days: a timedelta (a duration) or a number of days."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return _round(Decimal(value.total_seconds()) / Decimal(86400))
    return _round(value)


def _waiting(year: int, today: date) -> Waiting:
    """From submission to the first decision, in calendar days, for the applications whose
    first decision fell in the year; and how many were waiting at the year's end (or today,
    for this year). Two queries."""
    start, end = _year_bounds(year)
    zone = workdays.local_zone()
    # The first decision by a join and GROUP BY, not a correlated subquery per application.
    decided = (
        SupportApplication.objects.filter(submitted_at__isnull=False)
        .annotate(first_decision=Min("decisions__decided_at"))
        .filter(first_decision__gte=start, first_decision__lt=end)
        .annotate(
            wait=ExpressionWrapper(
                TruncDate("first_decision", tzinfo=zone) - TruncDate("submitted_at", tzinfo=zone),
                output_field=DurationField(),
            )
        )
    )
    if connection.vendor == "postgresql":
        figures = decided.aggregate(n=Count("pk"), average=Avg("wait"), median=Median("wait"))
        median = _days(figures["median"])
    else:  # the embedded demo database (SQLite) has no percentile: one number per application
        import statistics

        waits = [_days(w) or ZERO for w in decided.values_list("wait", flat=True)]
        median = _round(statistics.median(waits)) if waits else None
        average = _round(sum(waits, ZERO) / len(waits)) if waits else None
        figures = {"n": len(waits), "average": average}
    moment = min(end, _start_of(today + timedelta(days=1)))
    still = (
        SupportApplication.objects.filter(submitted_at__lt=moment)
        .exclude(status__in=[SupportStatus.DRAFT, SupportStatus.WITHDRAWN])
        .exclude(
            Exists(
                SupportDecision.objects.filter(application=OuterRef("pk"), decided_at__lt=moment)
            )
        )
        .count()
    )
    return Waiting(
        decided=figures["n"],
        median_days=median,
        average_days=_days(figures["average"]),
        still_waiting=still,
    )


def support_statistics(*, year: int, today: date) -> SupportStatistics:
    """The year's and the year before's numbers. Eight queries whatever the data: applications
    and decisions grouped by month, district and kind (two), the waits (two a year), the
    granted hours at each month's end (one) and the districts (one)."""
    first, _end = _year_bounds(year - 1)
    _start, last = _year_bounds(year)
    columns = {
        y: YearColumn(
            year=y,
            applications_by_month=[0] * 12,
            decisions_by_month={o.value: [0] * 12 for o in OUTCOMES},
        )
        for y in (year - 1, year)
    }
    for column in columns.values():
        column.decisions_by_outcome = {o.value: 0 for o in OUTCOMES}
        column.applications_by_kind = {k.value: 0 for k in KINDS}
        column.decisions_by_kind = {k.value: {o.value: 0 for o in OUTCOMES} for k in KINDS}
        column.revisits = {o.value: 0 for o in OUTCOMES}

    def district_row(column: YearColumn, district_id: int) -> dict[str, int]:
        return column.by_district.setdefault(
            district_id, {"applications": 0, "decisions": 0, **{o.value: 0 for o in OUTCOMES}}
        )

    # Applications by the month they were submitted, district and kind.
    for month, district_id, kind, n in (
        SupportApplication.objects.filter(submitted_at__gte=first, submitted_at__lt=last)
        .annotate(month=TruncMonth("submitted_at"))
        .order_by()
        .values("month", "institution__district_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("month", "institution__district_id", "kind", "n")
    ):
        local = timezone.localtime(month).date() if isinstance(month, datetime) else month
        column = columns[local.year]
        column.applications_by_month[local.month - 1] += n
        column.applications += n
        column.applications_by_kind[kind] += n
        district_row(column, district_id)["applications"] += n

    # Decisions by the month they were made, outcome, district, kind and agenda purpose.
    for month, outcome, district_id, kind, purpose, n in (
        SupportDecision.objects.filter(decided_at__gte=first, decided_at__lt=last)
        .annotate(month=TruncMonth("decided_at"))
        .order_by()
        .values(
            "month",
            "outcome",
            "application__institution__district_id",
            "application__kind",
            "agenda_item__purpose",
        )
        .annotate(n=Count("pk"))
        .values_list(
            "month",
            "outcome",
            "application__institution__district_id",
            "application__kind",
            "agenda_item__purpose",
            "n",
        )
    ):
        local = timezone.localtime(month).date() if isinstance(month, datetime) else month
        column = columns[local.year]
        column.decisions_by_month[outcome][local.month - 1] += n
        column.decisions_by_outcome[outcome] += n
        column.decisions_by_kind[kind][outcome] += n
        row = district_row(column, district_id)
        row["decisions"] += n
        row[outcome] += n
        if purpose == AgendaPurpose.REVISIT:
            column.revisits[outcome] += n

    for y, column in columns.items():
        column.waiting = _waiting(y, today)

    days = month_ends(year - 1) + month_ends(year)
    hours = granted_hours_by_month_end(days)
    for offset, y in enumerate((year - 1, year)):
        column = columns[y]
        future = [day > today for day in days[offset * 12 : offset * 12 + 12]]
        column.future_months = future
        for district_id, values in hours.items():
            column.granted_hours[district_id] = [
                None if future[i] else values[offset * 12 + i] for i in range(12)
            ]

    # Every district, those without support too (a row of noughts says something as well).
    districts = list(District.objects.order_by("name"))
    return SupportStatistics(
        year=year, current=columns[year], previous=columns[year - 1], districts=districts
    )


def years_with_support() -> list[int]:
    """The years any application was submitted in (newest first), for the year picker. One
    query."""
    return list(
        SupportApplication.objects.filter(submitted_at__isnull=False)
        .annotate(y=ExtractYear("submitted_at"))
        .order_by("-y")
        .values_list("y", flat=True)
        .distinct()
    )
