"""The plan's arithmetic: which practice days the agreements in force give each pedagogist,
which days an absence covers, and which practice days it takes away.

Practice days come from the signed agreement versions (their plan: weekdays and times), each
version on the days it was the one in force (`version_periods`, the rule the dashboards and
triage use), on working days only (no weekends, no Danish holidays).
"""

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from forloeb.models import (
    Absence,
    AbsenceRepeat,
    Course,
    PlanChange,
    PlanChangeKind,
    PlanChangeStatus,
)
from indsats.agreements.content import Plan
from indsats.agreements.selectors import plan_of, version_periods, with_plan
from indsats.models import SIGNED_STATUSES, AgreementVersion, Allocation, VersionStatus
from institutioner.models import Institution
from institutioner.workdays import is_working_day

ZERO = Decimal("0")


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- Practice days ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeDay:
    """One day a pedagogist is due at an institution under an agreement in force."""

    day: date
    time_from: time | None
    time_to: time | None
    pedagogist_id: int
    agreement_id: int
    course_id: int | None
    institution: Institution
    group_name: str
    hours: Decimal
    # The one-off change that put the day here (moved to, or an extra day), and for a moved day
    # the practice day it came from.
    change_id: int | None = None
    moved_from: date | None = None

    @property
    def uid(self) -> str:
        """Stable across changes: a moved day keeps the UID of the day it came from (a
        calendar moves the entry), an extra day has its change's."""
        if self.change_id is not None and self.moved_from is None:
            return f"extra-{self.change_id}-{self.pedagogist_id}@indsatsteam"
        origin = self.moved_from or self.day
        return f"practice-{self.agreement_id}-{origin:%Y%m%d}-{self.pedagogist_id}@indsatsteam"

    @property
    def place(self) -> str:
        return (
            f"{self.institution.name} ({self.group_name})"
            if self.group_name
            else (self.institution.name)
        )


def _course_id(version: AgreementVersion) -> int | None:
    try:
        course: Course = version.agreement.course  # type: ignore[attr-defined]
    except Course.DoesNotExist:
        return None
    return course.pk


@dataclass(frozen=True)
class PlanPeriod:
    """One signed version's plan over the days it was the one in force, and who carries it."""

    begin: date
    end: date
    version: AgreementVersion
    pedagogist_ids: tuple[int, ...]

    @property
    def request(self):
        return self.version.agreement.request

    @functools.cached_property
    def plan(self) -> Plan:
        """The version's plan, from the keys of its content `plan_periods` read (not the whole
        document), once: a queue asks it for every request and pedagogist."""
        return plan_of(self.version)

    @functools.cached_property
    def day_hours(self) -> Decimal:
        """The hours of one practice day under the plan."""
        return plan_day_hours(self.plan, self.version.hours_per_week)

    @property
    def course_id(self) -> int | None:
        return _course_id(self.version)

    @property
    def week_hours(self) -> Decimal:
        """The clock hours of an ordinary week under the plan (every weekday of it)."""
        return self.day_hours * len(self.plan.weekdays)


_PLAN_FIELDS = (
    "agreement_id",
    "number",
    "status",
    "starts_on",
    "ends_on",
    "hours_per_week",
    "in_force_at",
    "superseded_at",
    "agreement__request_id",
    "agreement__ended_on",
    "agreement__request__institution_id",
    "agreement__request__group_id",
    "agreement__request__institution__name",
    "agreement__request__group__name",
    "agreement__request__group__institution_id",
    "agreement__course__agreement_id",
)


def plan_periods(
    *,
    pedagogist_ids: Iterable[int] | None = None,
    institution_ids: Iterable[int] | None = None,
    agreement_ids: Iterable[int] | None = None,
    first: date,
    last: date,
) -> list[PlanPeriod]:
    """The signed versions in force at some time between `first` and `last` of the given
    pedagogists, or of every pedagogist at the given institutions or under the given
    agreements, each with the days it was in force (`version_periods`). Two queries."""
    allocations = Allocation.objects.all()
    if agreement_ids is not None:
        allocations = allocations.filter(request__agreement__in=list(agreement_ids))
    if pedagogist_ids is not None:
        allocations = allocations.filter(pedagogist_id__any=list(pedagogist_ids))
    if institution_ids is not None:
        allocations = allocations.filter(request__institution_id__in=list(institution_ids))
    # Only the requests with a signed version in the period: years of a pedagogist's work are
    # thousands of requests, the period's a few dozen.
    in_period = AgreementVersion.objects.filter(
        status__in=SIGNED_STATUSES, starts_on__lte=last, ends_on__gte=first
    ).values("agreement__request_id")
    carried = allocations.filter(request_id__in=in_period)
    pedagogists_of: dict[int, list[int]] = defaultdict(list)
    for request_id, pedagogist_id in carried.values_list("request_id", "pedagogist_id"):
        pedagogists_of[request_id].append(pedagogist_id)
    if not pedagogists_of:
        return []
    versions = with_plan(
        AgreementVersion.objects.filter(
            status__in=SIGNED_STATUSES,
            # The same requests again as a subquery, not as a list of their ids: a query with
            # more than 50 parameters is parsed anew by psycopg on every call.
            agreement__request_id__in=carried.values("request_id"),
            starts_on__lte=last,
            ends_on__gte=first,
        )
        .select_related(
            "agreement__request__institution", "agreement__request__group", "agreement__course"
        )
        # What a plan needs of each: a large municipality's period is hundreds of versions, and
        # their other columns (timestamps, the request's texts, the rest of the agreement's
        # document) cost more to read than the rest.
        .only(*_PLAN_FIELDS)
        .order_by("agreement_id", "number")
    )
    rows = [
        (
            v.agreement_id,
            v.number,
            v.starts_on,
            v.ends_on,
            v.in_force_at,
            v.superseded_at,
            v.agreement.ended_on,
            v,
        )
        for v in versions
    ]
    return [
        PlanPeriod(
            begin=max(begin, first),
            end=min(end, last),
            version=row[7],
            pedagogist_ids=tuple(pedagogists_of[row[7].agreement.request_id]),
        )
        for begin, end, row in version_periods(rows)
        if max(begin, first) <= min(end, last)
    ]


def awaiting_signature_periods(
    *, pedagogist_ids: Iterable[int], first: date, last: date
) -> list[PlanPeriod]:
    """The versions sent for signature (not yet in force) of these pedagogists' agreements,
    each for its own period within `first`..`last`: what she has promised, or been asked to,
    and will be held to once they sign. Two queries."""
    allocations = Allocation.objects.filter(pedagogist_id__any=list(pedagogist_ids))
    pedagogists_of: dict[int, list[int]] = defaultdict(list)
    sent = AgreementVersion.objects.filter(
        status=VersionStatus.SENT, starts_on__lte=last, ends_on__gte=first
    )
    for request_id, pedagogist_id in allocations.filter(
        request_id__in=sent.values("agreement__request_id")
    ).values_list("request_id", "pedagogist_id"):
        pedagogists_of[request_id].append(pedagogist_id)
    if not pedagogists_of:
        return []
    versions = with_plan(
        sent.filter(agreement__request_id__in=list(pedagogists_of)).select_related(
            "agreement__request__institution", "agreement__request__group", "agreement__course"
        )
    ).only(*_PLAN_FIELDS)
    return [
        PlanPeriod(
            # A sent version has its period (the filter above holds both days).
            begin=max(version.starts_on or first, first),
            end=min(version.ends_on or last, last),
            version=version,
            pedagogist_ids=tuple(pedagogists_of[version.agreement.request_id]),
        )
        for version in versions
    ]


def practice_days(
    *,
    pedagogist_ids: Iterable[int] | None = None,
    institution_ids: Iterable[int] | None = None,
    agreement_ids: Iterable[int] | None = None,
    first: date,
    last: date,
) -> list[PracticeDay]:
    """The practice days the agreements give between `first` and `last` (before one-off
    changes) of the given pedagogists, or of every pedagogist at the given institutions or
    under the given agreements, sorted by day and time. Two queries."""
    days: list[PracticeDay] = []
    for period in plan_periods(
        pedagogist_ids=pedagogist_ids,
        institution_ids=institution_ids,
        agreement_ids=agreement_ids,
        first=first,
        last=last,
    ):
        version = period.version
        plan = period.plan
        req = period.request
        course_id = _course_id(version)
        hours = period.day_hours
        for day in days_between(period.begin, period.end):
            if day.weekday() not in plan.weekdays or not is_working_day(day):
                continue
            for pedagogist_id in period.pedagogist_ids:
                days.append(
                    PracticeDay(
                        day=day,
                        time_from=plan.time_from,
                        time_to=plan.time_to,
                        pedagogist_id=pedagogist_id,
                        agreement_id=version.agreement_id,
                        course_id=course_id,
                        institution=req.institution,
                        group_name=req.group.name if req.group is not None else "",
                        hours=hours,
                    )
                )
    days.sort(key=lambda p: (p.day, p.time_from or time.min, p.pedagogist_id, p.agreement_id))
    return days


def plan_day_hours(plan: Plan, hours_per_week: Decimal | None) -> Decimal:
    """The hours of one practice day under a plan: its times, else the week's hours shared
    among its weekdays."""
    if plan.time_from and plan.time_to:
        return _hours_between(plan.time_from, plan.time_to)
    return (hours_per_week or ZERO) / max(1, len(plan.weekdays))


def first_working_weekday(first: date, last: date, weekday: int) -> date | None:
    """The first working day between `first` and `last` that falls on `weekday`."""
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    while day <= last:
        if is_working_day(day):
            return day
        day += timedelta(days=7)
    return None


# --- Absence ------------------------------------------------------------------------------------


def absence_days(
    absence: Absence, first: date | None = None, last: date | None = None
) -> list[date]:
    """Every calendar day the absence covers (each repetition's days), within first..last."""
    step = {AbsenceRepeat.WEEKLY: 7, AbsenceRepeat.FORTNIGHTLY: 14}.get(absence.repeat)  # type: ignore[call-overload]
    span = (absence.ends_on - absence.starts_on).days
    until = absence.repeat_until if step else absence.ends_on
    assert until is not None
    found: set[date] = set()
    start = absence.starts_on
    while start <= until:
        for offset in range(span + 1):
            day = start + timedelta(days=offset)
            if (first is None or day >= first) and (last is None or day <= last):
                found.add(day)
        if not step:
            break
        start += timedelta(days=step)
    return sorted(found)


def counted_days(
    absence: Absence, first: date | None = None, last: date | None = None
) -> list[date]:
    """The days of the absence (within first..last) that count as absence: its working days.
    On a weekend day or a Danish holiday nobody is due anywhere, so such a day counts no hours
    (`_absence_day_hours`); an absence with none of these is refused when it is recorded."""
    return [day for day in absence_days(absence, first, last) if is_working_day(day)]


def last_day_of(absence: Absence) -> date:
    if absence.repeat == AbsenceRepeat.NONE or absence.repeat_until is None:
        return absence.ends_on
    return absence.repeat_until + timedelta(days=(absence.ends_on - absence.starts_on).days)


def _overlap(
    a_from: time | None, a_to: time | None, b_from: time | None, b_to: time | None
) -> bool:
    """Whether two spans of a day overlap; no times means the whole day."""
    if a_from is None or a_to is None or b_from is None or b_to is None:
        return True
    return a_from < b_to and b_from < a_to


def absence_covers(absence: Absence, practice: PracticeDay) -> bool:
    """Whether the absence takes away (part of) this practice day."""
    if practice.pedagogist_id != absence.pedagogist_id:
        return False
    if not absence_days(absence, practice.day, practice.day):
        return False
    return _overlap(absence.time_from, absence.time_to, practice.time_from, practice.time_to)


def absences_overlap(a: Absence, b: Absence) -> bool:
    """Whether two absences of one pedagogist share a day and a time of it."""
    first = max(a.starts_on, b.starts_on)
    last = min(last_day_of(a), last_day_of(b))
    if first > last:
        return False
    if not set(absence_days(a, first, last)) & set(absence_days(b, first, last)):
        return False
    return _overlap(a.time_from, a.time_to, b.time_from, b.time_to)


def affected_practice_days(absence: Absence) -> list[PracticeDay]:
    """The practice days the absence takes away, in order."""
    days = planned_days(
        pedagogist_ids=[absence.pedagogist_id], first=absence.starts_on, last=last_day_of(absence)
    )
    covered = set(absence_days(absence))
    return [
        p
        for p in days
        if p.day in covered and _overlap(absence.time_from, absence.time_to, p.time_from, p.time_to)
    ]


def absences_between(pedagogist_ids: Iterable[int], first: date, last: date) -> list[Absence]:
    return list(
        Absence.objects.active()
        .touching(first, last)
        .filter(pedagogist_id__any=list(pedagogist_ids))
        .select_related("pedagogist__user")
    )


# --- For capacity (issue 18 item 4) --------------------------------------------------------------


def _hours_between(start: time, end: time) -> Decimal:
    minutes = (datetime.combine(date.min, end) - datetime.combine(date.min, start)).seconds // 60
    return Decimal(minutes) / Decimal(60)


def _absence_day_hours(
    pedagogist_ids: list[int], first: date, last: date
) -> Iterator[tuple[int, date, Decimal]]:
    """(pedagogist, working day, hours) for every working day between first and last with
    planned absence. A whole day counts a fifth of the contracted week; a part of a day its
    length; a day never more than that fifth, however many parts of it are away (8-12 and
    12-16 are one day). Weekends and holidays count nothing. One query (the contracted hours
    ride along)."""
    absences = (
        Absence.objects.active()
        .touching(first, last)
        .filter(pedagogist_id__any=pedagogist_ids)
        .annotate(contracted=F("pedagogist__weekly_hours"))
        .order_by()
    )
    away: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
    whole_day: dict[int, Decimal] = {}
    for absence in absences:
        contracted = absence.contracted or ZERO  # type: ignore[attr-defined]
        day_hours = whole_day[absence.pedagogist_id] = contracted / 5
        if absence.time_from is not None and absence.time_to is not None:
            day_hours = min(day_hours, _hours_between(absence.time_from, absence.time_to))
        for day in counted_days(absence, first, last):
            away[(absence.pedagogist_id, day)] += day_hours
    for (pid, day), hours in away.items():
        yield pid, day, min(hours, whole_day[pid])


def absence_hours_by_week(
    pedagogist_ids: Iterable[int], mondays: list[date]
) -> dict[tuple[int, date], Decimal]:
    """Each pedagogist's planned absence in hours, week by week: (pedagogist, Monday) → hours,
    the shape of `agreed_weeks(...).hours`, for capacity to subtract (registered as indsats'
    `planned_absence` hook). One query."""
    ids = list(pedagogist_ids)
    if not ids or not mondays:
        return {}
    wanted = set(mondays)
    hours: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
    for pid, day, value in _absence_day_hours(ids, min(mondays), max(mondays) + timedelta(6)):
        monday = day - timedelta(days=day.weekday())
        if monday in wanted:
            hours[(pid, monday)] += value
    return dict(hours)


def absence_hours(pedagogist_ids: Iterable[int], first: date, last: date) -> dict[int, Decimal]:
    """Each pedagogist's planned absence in hours between two days (both included)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for pid, _day, value in _absence_day_hours(list(pedagogist_ids), first, last):
        totals[pid] += value
    return dict(totals)


# --- One-off changes ----------------------------------------------------------------------------


def plan_changes_between(
    agreement_ids: Iterable[int] | None, first: date, last: date
) -> list[PlanChange]:
    """The accepted changes of these agreements' courses (None: every course) that take a day
    away or add one between first and last (a day moved across a week boundary belongs to both
    weeks)."""
    changes = PlanChange.objects.accepted().filter(
        Q(day__range=(first, last)) | Q(new_day__range=(first, last))
    )
    if agreement_ids is not None:
        changes = changes.filter(course__agreement_id__any=list(agreement_ids))
    return list(changes.select_related("course"))


def plan_changes_of(course: Course, *, user_id: int, can_change: bool) -> list[PlanChange]:
    """A course's changes, newest practice day first, for its page; each marked `can_withdraw`
    when this person may take it back now: a change in the plan by whoever may change the plan
    (`can_change`), a proposal by the leader who made it, and only until its days have passed
    (a change can be made on its day, so it can be taken back on it too)."""
    today = timezone.localdate()
    changes = list(
        course.plan_changes.select_related("made_by", "decided_by", "withdrawn_by").order_by(
            Coalesce("day", "new_day").desc(), "-pk"
        )
    )
    for change in changes:
        ahead = all(day is None or day >= today for day in (change.day, change.new_day))
        if change.status == PlanChangeStatus.ACCEPTED:
            allowed = can_change
        else:
            allowed = change.status == PlanChangeStatus.PROPOSED and change.made_by_id == user_id
        change.can_withdraw = ahead and allowed  # type: ignore[attr-defined]
    return changes


def period_ended_on(course: Course) -> date | None:
    """The last day of the period of the course's agreement in force, once it has passed: no
    practice day is left to change then (a new day must lie within the period, and a day that
    has passed cannot be changed). None while the period lasts."""
    version = course.agreement.versions.in_force().first()
    if version is None or version.ends_on is None:
        return None
    return version.ends_on if version.ends_on < timezone.localdate() else None


def apply_changes(
    practice: list[PracticeDay], changes: list[PlanChange], first: date, last: date
) -> tuple[list[PracticeDay], dict[tuple[int, date], PlanChange]]:
    """The practice days with the changes applied: cancelled and moved-away days are left out
    (returned by (agreement, day) so the plan can say why), moved-to and extra days within
    first..last are added with the change's times (or the agreement's)."""
    taken = {
        (c.course.agreement_id, c.day): c
        for c in changes
        if c.kind in (PlanChangeKind.CANCEL, PlanChangeKind.MOVE) and c.day is not None
    }
    kept = [p for p in practice if (p.agreement_id, p.day) not in taken]
    # A template per agreement and pedagogist for the days added (its place and usual times).
    model: dict[int, list[PracticeDay]] = defaultdict(list)
    for p in practice:
        if p.pedagogist_id not in {m.pedagogist_id for m in model[p.agreement_id]}:
            model[p.agreement_id].append(p)
    missing = {
        c.course.agreement_id
        for c in changes
        if c.new_day is not None and not model.get(c.course.agreement_id)
    }
    if missing:
        # The added day's agreement has no ordinary day in this window: ask for its plan.
        for p in practice_days(
            agreement_ids=missing, first=first - timedelta(days=60), last=last + timedelta(days=60)
        ):
            if p.pedagogist_id not in {m.pedagogist_id for m in model[p.agreement_id]}:
                model[p.agreement_id].append(p)
    for c in changes:
        if c.new_day is None or not first <= c.new_day <= last:
            continue
        for p in model.get(c.course.agreement_id, []):
            time_from = c.new_time_from or p.time_from
            time_to = c.new_time_to or p.time_to
            hours = _hours_between(time_from, time_to) if time_from and time_to else p.hours
            kept.append(
                replace(
                    p,
                    day=c.new_day,
                    time_from=time_from,
                    time_to=time_to,
                    hours=hours,
                    change_id=c.pk,
                    moved_from=c.day if c.kind == PlanChangeKind.MOVE else None,
                )
            )
    kept.sort(key=lambda p: (p.day, p.time_from or time.min, p.pedagogist_id, p.agreement_id))
    return kept, taken


def planned_days(
    *,
    pedagogist_ids: Iterable[int] | None = None,
    institution_ids: Iterable[int] | None = None,
    first: date,
    last: date,
) -> list[PracticeDay]:
    """The practice days as they will be: the agreements' days with the one-off changes."""
    practice = practice_days(
        pedagogist_ids=pedagogist_ids, institution_ids=institution_ids, first=first, last=last
    )
    agreement_ids = agreements_of(pedagogist_ids, institution_ids)
    changes = plan_changes_between(agreement_ids, first, last)
    days = apply_changes(practice, changes, first, last)[0]
    if pedagogist_ids is None:
        return days
    # A day moved or added where the window has no ordinary day takes its place and times from
    # the agreement's plan, which has a copy for each of its pedagogists: keep only those asked.
    wanted = set(pedagogist_ids)
    return [p for p in days if p.pedagogist_id in wanted]


def agreements_of(pedagogist_ids, institution_ids) -> list[int] | None:
    """The agreements of these pedagogists or institutions; None for all of them."""
    if pedagogist_ids is None and institution_ids is None:
        return None
    allocations = Allocation.objects.all()
    if pedagogist_ids is not None:
        allocations = allocations.filter(pedagogist_id__any=list(pedagogist_ids))
    if institution_ids is not None:
        allocations = allocations.filter(request__institution_id__in=list(institution_ids))
    return list(
        allocations.filter(request__agreement__isnull=False).values_list(
            "request__agreement", flat=True
        )
    )
