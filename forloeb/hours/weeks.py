"""Reads of the hour logging: ISO weeks, the courses a pedagogist works on in a week, the
prefilled grid, the seeds' norms, and the hours delivered per course and week."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb.models import (
    Absence,
    Course,
    HourCategory,
    HourEntry,
    PlanChange,
    SheetStatus,
    WeekSheet,
)
from forloeb.plan.selectors import (
    PracticeDay,
    _hours_between,
    absence_covers,
    absences_between,
    agreements_of,
    apply_changes,
    plan_changes_between,
    plan_periods,
    practice_days,
)
from indsats.models import AgreementVersion, VersionStatus
from institutioner.models import Pedagogist, format_decimal
from institutioner.workdays import monday_of

CATEGORIES = list(HourCategory)
ZERO = Decimal("0")


def this_monday() -> date:
    return monday_of(timezone.localdate())


def last_allowed_monday() -> date:
    """Hours may be filled in up to HOURS_WEEKS_AHEAD weeks after the current one."""
    return this_monday() + timedelta(weeks=settings.HOURS_WEEKS_AHEAD)


def first_allowed_monday() -> date:
    """Weeks more than HOURS_WEEKS_BACK weeks ago can no longer be filled in."""
    return this_monday() - timedelta(weeks=settings.HOURS_WEEKS_BACK)


def week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return _("Week %(week)s, %(year)s") % {"week": week, "year": year}


def month_of_week(monday: date) -> tuple[int, int]:
    """An ISO week belongs to the month of its Thursday, as it belongs to the year of it."""
    thursday = monday + timedelta(days=3)
    return thursday.year, thursday.month


def weeks_of_month(year: int, month: int) -> list[date]:
    """The Mondays of the weeks that belong to the month."""
    first = date(year, month, 1)
    monday = monday_of(first)
    if month_of_week(monday) != (year, month):
        monday += timedelta(weeks=1)
    weeks = []
    while month_of_week(monday) == (year, month):
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def _in_force(field_name: str) -> Subquery:
    return Subquery(
        AgreementVersion.objects.filter(
            agreement=OuterRef("agreement"), status=VersionStatus.IN_FORCE
        ).values(field_name)[:1]
    )


def with_agreed(qs: QuerySet[Course]) -> QuerySet[Course]:
    """Each course with the period and hours a week of its agreement in force."""
    return qs.annotate(
        agreed_from=_in_force("starts_on"),
        agreed_to=_in_force("ends_on"),
        agreed_hours=_in_force("hours_per_week"),
    ).select_related("agreement__request__institution", "agreement__request__group")


def courses_in_week(pedagogist: Pedagogist, monday: date) -> list[Course]:
    """The courses the pedagogist is on that run in the week: from the course's start (or the
    agreed start, if earlier) until its agreed period ends or it is closed, whichever is first.
    A course left open after its period is waiting to be closed: the agreement has no practice
    after its end, so its weeks are not offered (more time is agreed by adjusting the
    agreement, which moves the end). A course without an agreement in force runs until closed."""
    sunday = monday + timedelta(days=6)
    qs = with_agreed(
        Course.objects.filter(agreement__request__allocations__pedagogist=pedagogist)
    ).filter(
        Q(started_at__date__lte=sunday) | Q(agreed_from__lte=sunday),
        Q(closed_at__isnull=True) | Q(closed_at__date__gte=monday),
        Q(agreed_to__isnull=True) | Q(agreed_to__gte=monday),
    )
    return list(qs.order_by("agreement__request__institution__name", "pk"))


def course_label(course: Course) -> str:
    req = course.agreement.request
    return f"{req.institution.name}, {req.group.name}" if req.group else req.institution.name


def course_detail(course: Course) -> str:
    """What tells two courses at the same institution and group apart: the course's number
    and its agreed period ("Forløb nr. 12 · 05.01.2027-30.06.2027"), from `with_agreed`."""
    text = _("Course no. %(id)s") % {"id": course.pk}
    start, end = getattr(course, "agreed_from", None), getattr(course, "agreed_to", None)
    if start and end:
        text += f" · {start:%d.%m.%Y}–{end:%d.%m.%Y}"
    return text


Key = tuple[int | None, str]  # (course id or None, category)


@dataclass
class GridRow:
    course: Course | None
    label: str
    hours: dict[str, Decimal | None]
    agreed: Decimal | None = None
    detail: str = ""  # the course's number and period

    @property
    def key(self) -> str:
        return str(self.course.pk) if self.course else "x"

    @property
    def total(self) -> Decimal:
        return sum((h for h in self.hours.values() if h), ZERO)


@dataclass
class Grid:
    monday: date
    sheet: WeekSheet | None
    rows: list[GridRow]
    prefilled: bool = False
    # The prefill's practice hours are less the part of the practice days planned absence takes.
    absence_deducted: bool = False
    changes_applied: bool = False  # the plan's one-off changes this week scaled the prefill
    # The courses whose practice days this week the plan or absence take away altogether, so
    # nothing is filled in for them.
    emptied: list[str] = field(default_factory=list)
    copied: bool = False
    copy_empty: bool = False
    course_ids: set[int] = field(default_factory=set)

    def totals(self) -> dict[str, Decimal]:
        return {
            c.value: sum((r.hours.get(c.value) or ZERO for r in self.rows), ZERO)
            for c in CATEGORIES
        }

    @property
    def total(self) -> Decimal:
        return sum(self.totals().values(), ZERO)


def _entries(sheet: WeekSheet | None) -> dict[Key, Decimal]:
    if sheet is None:
        return {}
    return {(e.course_id, e.category): e.hours for e in sheet.entries.all()}


def ended_before(course: Course, monday: date) -> bool:
    """The course's agreed period (from `with_agreed`) ended before the week began."""
    end = getattr(course, "agreed_to", None)
    return end is not None and end < monday


def _overlaps(course: Course, monday: date) -> bool:
    start, end = getattr(course, "agreed_from", None), getattr(course, "agreed_to", None)
    return bool(start and end and start <= monday + timedelta(days=6) and end >= monday)


def _begins_in(course: Course, monday: date) -> bool:
    """The course runs from this week on: neither it nor its agreement had begun before."""
    starts = [timezone.localdate(course.started_at), getattr(course, "agreed_from", None)]
    return min(d for d in starts if d) >= monday


def _covered_hours(absence: Absence, practice: PracticeDay) -> Decimal:
    """The hours of a practice day an absence takes: the overlap of their times, or the whole
    day when either has none."""
    if not absence_covers(absence, practice):
        return ZERO
    a_from, a_to, p_from, p_to = (
        absence.time_from,
        absence.time_to,
        practice.time_from,
        practice.time_to,
    )
    if a_from is None or a_to is None or p_from is None or p_to is None:
        return practice.hours
    start, end = max(a_from, p_from), min(a_to, p_to)
    return min(practice.hours, _hours_between(start, end)) if start < end else ZERO


@dataclass(frozen=True)
class PlanShare:
    """Course id → the hours a week's plan gives or takes beside the agreed hours (an extra day
    adds its hours, a cancelled day or planned absence takes its hours away), and what made it
    differ."""

    hours: dict[int, Decimal]
    absence: bool = False
    changes: bool = False
    # Course id → the clock hours of its ordinary week under the plan (its weekdays' times):
    # each practice day carries the agreed hours times its clock hours / these.
    week_clock: dict[int, Decimal] = field(default_factory=dict)

    def agreed_share(self, course_id: int, agreed: Decimal) -> Decimal:
        """The course's difference in agreed hours: the clock hours the days taken away or
        added have, as their share of the agreed week (a day away of 3.5 clock hours out of 7
        is half of the agreed hours, whatever the agreed hours are)."""
        difference = self.hours.get(course_id, ZERO)
        clock = self.week_clock.get(course_id)
        if not difference or not clock:
            return difference
        return difference * agreed / clock


def plan_share(pedagogist: Pedagogist, monday: date, course_ids: list[int]) -> PlanShare:
    """For the prefill: the hours of the practice days the one-off changes take away or add
    this week (a day cancelled or moved away, a day moved in or an extra day), and those the
    pedagogist's planned absence takes, as a difference to the agreements' own days (so a week
    with a holiday keeps the prefill it always had, and only the changes move it). Two queries;
    in a week with absence or a change, the plan's four more."""
    last = monday + timedelta(days=6)
    absences = absences_between([pedagogist.pk], monday, last)
    changed = (
        PlanChange.objects.accepted()
        .filter(course_id__in=course_ids)
        .filter(Q(day__range=(monday, last)) | Q(new_day__range=(monday, last)))
        .exists()
    )
    if not absences and not changed:
        return PlanShare(hours={})
    ordinary = practice_days(pedagogist_ids=[pedagogist.pk], first=monday, last=last)
    changes = plan_changes_between(agreements_of([pedagogist.pk], None), monday, last)
    planned = apply_changes(ordinary, changes, monday, last)[0]
    agreed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for practice in ordinary:
        if practice.course_id is not None:
            agreed[practice.course_id] += practice.hours
    given: dict[int, Decimal] = defaultdict(lambda: ZERO)  # after the changes
    taken: dict[int, Decimal] = defaultdict(lambda: ZERO)  # of those, by absence
    for practice in planned:
        if practice.course_id is None or practice.pedagogist_id != pedagogist.pk:
            continue
        given[practice.course_id] += practice.hours
        taken[practice.course_id] += max(
            (_covered_hours(a, practice) for a in absences), default=ZERO
        )
    courses = set(agreed) | set(given)
    difference = {cid: given[cid] - agreed[cid] - taken[cid] for cid in courses}
    moved = {cid for cid in courses if given[cid] != agreed[cid]}
    week_clock = {
        period.course_id: period.week_hours
        for period in plan_periods(pedagogist_ids=[pedagogist.pk], first=monday, last=last)
        if period.course_id is not None
    }
    return PlanShare(
        hours={cid: d for cid, d in difference.items() if d},
        absence=any(taken.values()),
        changes=bool(moved),
        week_clock=week_clock,
    )


def week_grid(pedagogist: Pedagogist, monday: date, *, copy_previous: bool = False) -> Grid:
    """The week sheet as rows: one per course running that week (and any course already on the
    sheet), one for time not tied to a course. A week never saved is prefilled from the agreements
    in force (agreed hours as practice, the preparation norm), or copied from the week before; a
    week saved, even with no hours, shows what was saved (an open one with none can still copy)."""
    sheet = (
        WeekSheet.objects.filter(pedagogist=pedagogist, week_start=monday)
        .prefetch_related("entries")
        .first()
    )
    courses = courses_in_week(pedagogist, monday)
    saved = _entries(sheet)
    extra_ids = {cid for cid, _c in saved if cid and cid not in {c.pk for c in courses}}
    if extra_ids:
        courses += list(with_agreed(Course.objects.filter(pk__in=extra_ids)))
    values: dict[Key, Decimal] = dict(saved)
    prefilled = copied = copy_empty = absence_deducted = changes_applied = False
    emptied: list[str] = []
    editable = sheet is None or sheet.status == SheetStatus.OPEN
    # A week once saved shows what was saved, also when that was nothing (a holiday week saved
    # or submitted empty, and reopened): only a week never saved is filled in. Copying last week
    # is asked for, so it fills an open week with no hours on it, saved or not.
    if editable and not saved and (sheet is None or copy_previous):
        if copy_previous:
            previous = (
                WeekSheet.objects.filter(
                    pedagogist=pedagogist, week_start=monday - timedelta(weeks=1)
                )
                .prefetch_related("entries")
                .first()
            )
            running = {c.pk for c in courses}
            values = {
                k: v for k, v in _entries(previous).items() if k[0] is None or k[0] in running
            }
            copied = bool(values)
            copy_empty = not values
        # A week never saved takes the agreed hours: every course, or after a copy the courses
        # that begin this week (last week has nothing of theirs to copy). A saved week whose
        # copy finds nothing stays as it was saved.
        to_prefill = [
            c
            for c in courses
            if (sheet is None and not values) or (values and _begins_in(c, monday))
        ]
        # The plan's one-off changes and planned absence move each course's agreed practice
        # by the hours of the days they take away or add.
        plan = plan_share(pedagogist, monday, [c.pk for c in to_prefill]) if to_prefill else None
        moved = plan.hours if plan else {}
        for course in to_prefill:
            if _overlaps(course, monday) and getattr(course, "agreed_hours", None):
                agreed: Decimal = course.agreed_hours  # type: ignore[attr-defined]
                if plan is not None and course.pk in moved:
                    agreed = max(ZERO, agreed + plan.agreed_share(course.pk, agreed)).quantize(
                        Decimal("0.01")
                    )
                if not agreed:
                    emptied.append(course_label(course))  # away on all its practice days
                    continue
                if plan is not None and course.pk in moved:
                    # Said only of hours that are filled in: an empty row has nothing taken off.
                    absence_deducted = absence_deducted or plan.absence
                    changes_applied = changes_applied or plan.changes
                values[(course.pk, HourCategory.PRACTICE)] = agreed
                values[(course.pk, HourCategory.PREPARATION)] = (
                    settings.HOURS_PREPARATION_PER_COURSE
                )
                prefilled = True
    rows = [
        GridRow(
            course=course,
            label=course_label(course),
            detail=course_detail(course),
            hours={c.value: values.get((course.pk, c.value)) for c in CATEGORIES},
            agreed=getattr(course, "agreed_hours", None) if _overlaps(course, monday) else None,
        )
        for course in courses
    ]
    rows.append(
        GridRow(
            course=None,
            label=_("Not tied to a course"),
            hours={c.value: values.get((None, c.value)) for c in CATEGORIES},
        )
    )
    return Grid(
        monday=monday,
        sheet=sheet,
        rows=rows,
        prefilled=prefilled,
        absence_deducted=absence_deducted,
        changes_applied=changes_applied,
        emptied=emptied,
        copied=copied,
        copy_empty=copy_empty,
        course_ids={c.pk for c in courses},
    )


# --- Norms -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormWarning:
    code: str
    message: str


def _hours(value: Decimal) -> str:
    return format_decimal(value)


def norm_warnings(
    values: dict[Key, Decimal],
    *,
    labels: dict[int, str],
    contracted: Decimal,
    sparring_week_before: Decimal,
    note: str = "",
) -> list[NormWarning]:
    """The seeds' norms for one week; warnings to show, never blocks. The same codes are the
    dashboards' flags."""
    warnings = []
    total = sum(values.values(), ZERO)
    by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    practice_by_course: dict[int, Decimal] = defaultdict(lambda: ZERO)
    preparation_by_course: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (course_id, category), hours in values.items():
        by_category[category] += hours
        if course_id is not None and category == HourCategory.PRACTICE:
            practice_by_course[course_id] += hours
        if course_id is not None and category == HourCategory.PREPARATION:
            preparation_by_course[course_id] += hours
    norm = settings.HOURS_PREPARATION_PER_COURSE
    for course_id, practice in practice_by_course.items():
        if practice > 0 and preparation_by_course[course_id] < norm:
            warnings.append(
                NormWarning(
                    "preparation",
                    _("Preparation for %(course)s is %(hours)s h; the norm is %(norm)s h a week.")
                    % {
                        "course": labels.get(course_id, ""),
                        "hours": _hours(preparation_by_course[course_id]),
                        "norm": _hours(norm),
                    },
                )
            )
    sparring = by_category[HourCategory.SPARRING] + sparring_week_before
    if total > 0 and sparring < settings.HOURS_SPARRING_PER_14_DAYS:
        warnings.append(
            NormWarning(
                "sparring",
                _(
                    "Sparring in this and the previous week is %(hours)s h; "
                    "the norm is %(norm)s h every 14 days."
                )
                % {"hours": _hours(sparring), "norm": _hours(settings.HOURS_SPARRING_PER_14_DAYS)},
            )
        )
    if total > contracted:
        warnings.append(
            NormWarning(
                "over_contracted",
                _("The week has %(hours)s h, more than your %(contracted)s contracted hours.")
                % {"hours": _hours(total), "contracted": _hours(contracted)},
            )
        )
    elif 0 < total < contracted and not note:
        warnings.append(
            NormWarning(
                "under_contracted",
                _(
                    "The week has %(hours)s h of your %(contracted)s contracted hours. "
                    "Write in the note why (holiday, illness, course)."
                )
                % {"hours": _hours(total), "contracted": _hours(contracted)},
            )
        )
    minimum = settings.HOURS_PRACTICE_SHARE_MIN_PERCENT
    if total > 0:
        share = by_category[HourCategory.PRACTICE] * 100 / total
        if share < minimum:
            warnings.append(
                NormWarning(
                    "practice_share",
                    _("Practice is %(share)s %% of the week; the aim is at least %(minimum)s %%.")
                    % {"share": round(share), "minimum": minimum},
                )
            )
    return warnings


def grid_values(grid: Grid) -> dict[Key, Decimal]:
    return {
        (row.course.pk if row.course else None, category): hours
        for row in grid.rows
        for category, hours in row.hours.items()
        if hours
    }


def sparring_in_week(pedagogist: Pedagogist, monday: date) -> Decimal:
    return (
        HourEntry.objects.filter(
            sheet__pedagogist=pedagogist, sheet__week_start=monday, category=HourCategory.SPARRING
        ).aggregate(total=Sum("hours"))["total"]
        or ZERO
    )


def grid_warnings(pedagogist: Pedagogist, grid: Grid) -> list[NormWarning]:
    return norm_warnings(
        grid_values(grid),
        labels={row.course.pk: f"{row.label} ({row.detail})" for row in grid.rows if row.course},
        contracted=pedagogist.weekly_hours,
        sparring_week_before=sparring_in_week(pedagogist, grid.monday - timedelta(weeks=1)),
        note=grid.sheet.note if grid.sheet else "",
    )


# --- Delivered hours -----------------------------------------------------------------------------


def delivered_in(mondays: list[date]) -> Q:
    """A course (of the query it filters) with reported hours in the weeks. An IN over one
    subquery, which the database computes once and hashes, so it can be ORed with
    `agreed_in` over every course."""
    return Q(
        pk__in=HourEntry.objects.reported()
        .filter(sheet__week_start__in=mondays, course__isnull=False)
        .values("course_id")
    )


def agreed_in(first_monday: date, last_monday: date) -> Q:
    """A course whose agreement in force runs in the weeks: the same as `with_agreed`'s
    period touching them (one version in force per agreement), as an IN like `delivered_in`."""
    return Q(
        agreement__in=AgreementVersion.objects.filter(
            status=VersionStatus.IN_FORCE,
            starts_on__lte=last_monday + timedelta(days=6),
            ends_on__gte=first_monday,
        ).values("agreement_id")
    )


def delivered(courses: QuerySet[Course], mondays: list[date]) -> dict[tuple[int, date], dict]:
    """Reported hours per course and week: {(course id, monday): {category: hours, "total": h}}.
    Only hours on the given courses: never the pedagogist's time elsewhere. One query."""
    rows = (
        HourEntry.objects.reported()
        .filter(course__in=courses, sheet__week_start__in=mondays)
        .values("course_id", "sheet__week_start", "category")
        .annotate(hours=Sum("hours"))
    )
    result: dict[tuple[int, date], dict] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in rows:
        cell = result[(row["course_id"], row["sheet__week_start"])]
        cell[row["category"]] += row["hours"]
        cell["total"] += row["hours"]
    return result


def weeks_between(first: date, last: date) -> list[date]:
    monday, weeks = monday_of(first), []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


@dataclass
class CourseWeek:
    monday: date
    agreed: Decimal | None
    practice: Decimal | None
    total: Decimal | None

    @property
    def label(self) -> str:
        return week_label(self.monday)


def course_weeks(course: Course, *, limit: int = 60) -> tuple[list[CourseWeek], dict[str, Decimal]]:
    """Agreed against delivered hours per week, from the course's first week until now (or its
    end), the newest first; and the delivered totals per category. Two queries."""
    course = with_agreed(Course.objects.filter(pk=course.pk)).get()
    first = min(
        filter(None, [timezone.localdate(course.started_at), course.agreed_from])  # type: ignore[attr-defined]
    )
    last = this_monday()
    if course.closed_at:
        last = min(last, monday_of(timezone.localdate(course.closed_at)))
    mondays = weeks_between(first, last)[-limit:]
    cells = delivered(Course.objects.filter(pk=course.pk), mondays)
    weeks = []
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for monday in reversed(mondays):
        cell = cells.get((course.pk, monday), {})
        for key, value in cell.items():
            totals[key] += value
        weeks.append(
            CourseWeek(
                monday=monday,
                agreed=course.agreed_hours if _overlaps(course, monday) else None,  # type: ignore[attr-defined]
                practice=cell.get(HourCategory.PRACTICE, ZERO) if cell else None,
                total=cell.get("total", ZERO) if cell else None,
            )
        )
    return weeks, dict(totals)


def sheet_stamp(sheet: WeekSheet | None) -> str:
    """What the week sheet form remembers of the saved week it was opened on: a save from
    another tab in between changes it."""
    return sheet.updated_at.isoformat() if sheet is not None else "new"


def saved_stamp(pedagogist: Pedagogist, monday: date) -> str:
    """The stamp of the week as saved now."""
    return sheet_stamp(WeekSheet.objects.filter(pedagogist=pedagogist, week_start=monday).first())
