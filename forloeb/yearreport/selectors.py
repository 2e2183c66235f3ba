"""The yearly report's figures: the dashboards' own functions (forloeb/dashboards/figures.py and
effect.py) asked for one calendar year, section by section, so the worker can count its
progress. Nothing is recomputed here; this module only chooses the year and arranges the rows
for the PDF (with the widths of its bars).

The interventions of a year are the courses running at some point in it (started before its
end, not closed before its start); the requests and waits, the hours and the repeats follow the
dashboards' rules for the year's weeks and days."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb.dashboards import effect, figures
from forloeb.hours import weeks as hours
from forloeb.models import (
    Course,
    EvaluationStatus,
    HourEntry,
    InstitutionRating,
    RatingArea,
)
from indsats.models import (
    GRANTING_OUTCOMES,
    InterventionRequest,
    RequestStatus,
    SupportKind,
    SupportOutcome,
)
from indsats.supportstats.selectors import support_statistics
from institutioner import workdays
from institutioner.access import within
from institutioner.models import Institution


def _bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _moments(year: int) -> tuple[datetime, datetime]:
    first, last = _bounds(year)
    return workdays.at_local(first, time(0, 0)), workdays.at_local(
        last + timedelta(days=1), time(0, 0)
    )


def courses_of_year(year: int, institutions: QuerySet[Institution]) -> QuerySet[Course]:
    start, end = _moments(year)
    return within(
        Course.objects.filter(started_at__lt=end), "agreement__request__institution", institutions
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))


def has_data(year: int, institutions: QuerySet[Institution]) -> bool:
    """Anything to report: a request submitted, a course running or hours reported in the year."""
    start, end = _moments(year)
    first, last = _bounds(year)
    return (
        within(
            InterventionRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end),
            "institution",
            institutions,
        ).exists()
        or courses_of_year(year, institutions).exists()
        or within(
            HourEntry.objects.reported(), "course__agreement__request__institution", institutions
        )
        .filter(
            sheet__week_start__gte=workdays.monday_of(first),
            sheet__week_start__lte=last,
        )
        .exists()
    )


@dataclass
class Bar:
    """A row of a chart: the label, the value as shown, and the bar's width in per cent of the
    largest value (the table beside it carries the numbers)."""

    label: str
    value: object
    width: int


def bars(pairs: list[tuple[str, object]], *, scale: Decimal | int | None = None) -> list[Bar]:
    numbers = [Decimal(str(v)) for _label, v in pairs if v is not None]
    top = Decimal(str(scale)) if scale else max(numbers, default=Decimal(0))
    return [
        Bar(
            label=label,
            value=value,
            width=0 if value is None or not top else int(Decimal(str(value)) * 100 / top),
        )
        for label, value in pairs
    ]


def _requests(year: int, institutions: QuerySet[Institution], state: dict) -> dict:
    first, last = _bounds(year)
    flow = figures.flow(institutions=institutions, first=first, last=last)
    months = [
        {
            "month": month,
            "submitted": sum(counts.values()),
            "accepted": counts.get(RequestStatus.ACCEPTED, 0),
            "rejected": counts.get(RequestStatus.REJECTED, 0),
        }
        for month, counts in flow.months
    ]
    for month, bar in zip(months, bars([("", m["submitted"]) for m in months]), strict=True):
        month["width"] = bar.width
    return {
        "months": months,
        "submitted": sum(m["submitted"] for m in months),
        "accepted": sum(m["accepted"] for m in months),
        "rejected": sum(m["rejected"] for m in months),
        "waits": len(flow.waits),
        "median_wait": flow.median_wait,
        "p90_wait": flow.p90_wait,
    }


def _interventions(year: int, institutions: QuerySet[Institution], state: dict) -> dict:
    facts = effect.course_facts(courses_of_year(year, institutions))
    state["facts"] = facts
    districts, total = effect.by_dimension(facts, "district")
    focus, _total = effect.by_dimension(facts, "focus")
    state["districts"], state["total"] = districts, total
    return {
        "courses": total.courses,
        "by_district": bars([(row.label, row.courses) for row in districts]),
        "by_focus": bars([(row.label, row.courses) for row in focus]),
    }


def _hours(year: int, institutions: QuerySet[Institution], state: dict) -> dict:
    """Hours a week on average over the year's weeks; for a year not yet over, over its weeks so
    far (to the week of the day the report is made, `until`), as the weeks still to come have
    capacity and agreed hours but nothing delivered yet."""
    first, last = _bounds(year)
    today = state["today"]
    until = today if first <= today < last else None
    mondays = hours.weeks_between(first, until or last)
    rows = figures.by_district(institutions=institutions, mondays=mondays)
    return {"rows": rows, "totals": figures.totals(rows), "weeks": len(mondays), "until": until}


def _goals(year: int, institutions: QuerySet[Institution], state: dict) -> dict:
    total = state["total"]
    return {
        "total": total,
        "by_district": bars(
            [(row.label, row.attainment) for row in state["districts"] if row.goals], scale=4
        ),
        "rows": [row for row in state["districts"] if row.goals],
    }


def _ratings(year: int, institutions: QuerySet[Institution], state: dict) -> dict:
    """The five areas' means, and every comment grouped by area, without who wrote it (the
    answers of completed evaluations only: the revealed ones)."""
    total = state["total"]
    areas = list(RatingArea)
    comments: dict[str, list[str]] = {str(area.label): [] for area in areas}
    other = _("Anything else")
    comments[other] = []
    fields = [f"{area.value}_comment" for area in areas]
    for row in (
        InstitutionRating.objects.filter(
            evaluation__course__in=courses_of_year(year, institutions),
            evaluation__status=EvaluationStatus.COMPLETED,
        )
        .order_by("submitted_at", "pk")
        .values_list(*fields, "comment")
    ):
        for area, text in zip(areas, row[:-1], strict=True):
            if text.strip():
                comments[str(area.label)].append(text.strip())
        if row[-1].strip():
            comments[other].append(row[-1].strip())
    return {
        "answers": total.ratings,
        "areas": bars(
            [(str(area.label), mean) for area, mean in zip(areas, total.area_means, strict=True)],
            scale=5,
        ),
        "mean": total.rating_mean,
        "meeting_hours": total.meeting_hours,
        "practice_hours": total.practice_hours,
        "meeting_per_10_practice": total.meeting_per_10_practice,
        "comments": [(area, texts) for area, texts in comments.items() if texts],
    }


def _follow_ups(year: int, institutions: QuerySet[Institution], state: dict) -> dict:
    total = state["total"]
    return {
        "follow_ups": total.follow_ups,
        "answered": total.follow_ups_answered,
        "goals_followed": total.goals_followed,
        "goals_in_use": total.goals_in_use,
        "in_use_percent": total.in_use_percent,
    }


def _repeats(year: int, institutions: QuerySet[Institution], state: dict) -> dict:
    """The institution figures as they stood at the end of the year: interventions repeated in
    the same group within 12 months, and different pedagogists in 24 months."""
    first, last = _bounds(year)
    rows = figures.by_institution(
        institutions=list(institutions.order_by("name")),
        mondays=hours.weeks_between(first, last),
        today=last,
    )
    repeated = [row for row in rows if row.repeats_12_months]
    changed = [row for row in rows if row.pedagogists_24_months >= 2]
    return {
        "repeats": sum(row.repeats_12_months for row in repeated),
        "repeated": bars([(row.institution.name, row.repeats_12_months) for row in repeated]),
        "changed": bars([(row.institution.name, row.pedagogists_24_months) for row in changed]),
    }


def _support(year: int, institutions: QuerySet[Institution], state: dict) -> dict:
    """Visitations to kompenserende støtte and the special places (seed 004: "udviklingen i
    visiteringer til støtte- og ressourceforløb"): Støttestatistik's own numbers for the year
    and the year before (indsats/supportstats; the whole municipality, as the report is the
    administration's). Counts only: no child."""
    stats = support_statistics(year=year, today=timezone.localdate())
    cur, prev = stats.current, stats.previous
    hours_total = cur.granted_hours_total
    months = []
    for i in range(12):
        months.append(
            {
                "month": date(year, i + 1, 1),
                "applications": cur.applications_by_month[i],
                "decisions": cur.decisions_by_month_total[i],
                "granted": sum(cur.decisions_by_month[o.value][i] for o in GRANTING_OUTCOMES),
                "rejected": cur.decisions_by_month[SupportOutcome.REJECTED][i],
                "hours": hours_total[i],
            }
        )
    for month, bar in zip(months, bars([("", m["hours"]) for m in months]), strict=True):
        month["width"] = bar.width
    return {
        "previous_year": prev.year,
        "applications": cur.applications,
        "previous_applications": prev.applications,
        "decisions": cur.decisions,
        "previous_decisions": prev.decisions,
        "months": months,
        "outcomes": [
            (
                str(o.label),
                prev.decisions_by_outcome[o.value],
                cur.decisions_by_outcome[o.value],
            )
            for o in SupportOutcome
        ],
        "kinds": [
            (str(k.label), prev.applications_by_kind[k.value], cur.applications_by_kind[k.value])
            for k in SupportKind
        ],
        "waiting": cur.waiting,
        "previous_waiting": prev.waiting,
        "extended": cur.revisits[SupportOutcome.EXTENDED],
        "ended": cur.revisits[SupportOutcome.ENDED],
    }


SECTIONS: list[tuple[str, Callable[[int, QuerySet[Institution], dict], dict]]] = [
    ("requests", _requests),
    ("interventions", _interventions),
    ("hours", _hours),
    ("goals", _goals),
    ("ratings", _ratings),
    ("follow_ups", _follow_ups),
    ("repeats", _repeats),
    ("support", _support),
]


def report_sections(
    year: int,
    institutions: QuerySet[Institution],
    *,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> dict:
    """Every section's figures, calling `progress` with the number of sections made. `today`
    (by default the day it is made) says how much of a year not yet over has passed."""
    state: dict = {"today": today or timezone.localdate()}
    context: dict = {}
    for done, (name, make) in enumerate(SECTIONS, start=1):
        context[name] = make(year, institutions, state)
        if progress is not None:
            progress(done)
    return context
