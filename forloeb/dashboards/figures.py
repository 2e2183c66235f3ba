"""The administration's allocation dashboards: aggregates for a period of whole weeks.

Each function takes the institutions the person may see (a leader's own, or the whole
municipality) and a list of Mondays, and runs a fixed number of queries whatever the size of
the municipality: the rows are summed in the database or, where a value changes from week to
week (an attachment or an agreement that starts or ends), over the weeks in Python from one
query's rows.
"""

import itertools
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Count,
    FilteredRelation,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate

from forloeb.models import HourCategory, HourEntry, PlanChange, PlanChangeKind, PlanChangeStatus
from forloeb.plan.selectors import absence_hours_by_week
from indsats.agreements.selectors import agreed_weeks, version_periods
from indsats.models import (
    AgreementVersion,
    EventKind,
    InterventionRequest,
    RequestEvent,
    RequestStatus,
    VersionStatus,
    request_label,
)
from indsats.supportstats.selectors import granted_hours_on
from institutioner import workdays
from institutioner.access import covers_every_institution, within
from institutioner.models import Assignment, District, Institution, Pedagogist
from institutioner.workdays import week_indexes

ZERO = Decimal("0")
REJECTIONS_SHOWN = 20  # the latest; the month table counts them all
HUNDRED = Decimal("100")


def _per_week(total: Decimal, weeks: int) -> Decimal:
    return (total / weeks).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if weeks else ZERO


def percent(part: Decimal, whole: Decimal) -> int | None:
    """Whole per cent, rounded half up; None when there is nothing to compare with."""
    if not whole:
        return None
    return int((part * HUNDRED / whole).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class DistrictRow:
    district: District
    institutions: int
    pedagogists: int
    capacity: Decimal  # contracted hours a week attached to the district, average over the weeks
    agreed: Decimal  # hours a week in the agreements in force, average over the weeks
    logged: Decimal  # reported hours a week on the district's courses, average over the weeks
    # Support hours a week granted to the district's institutions and in force on the day asked
    # (kompenserende støtte, delivered by the institutions' own staff); None when not asked.
    granted_support: Decimal | None = None

    @property
    def agreed_share(self) -> int | None:
        return percent(self.agreed, self.capacity)

    @property
    def utilisation(self) -> int | None:
        """Logged hours in per cent of the capacity."""
        return percent(self.logged, self.capacity)


def _signed_versions(**filters) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.signed().filter(**filters)


def _agreed_by(
    key: str, *, institutions: QuerySet[Institution] | list[int], mondays: list[date]
) -> dict[int, Decimal]:
    """Hours agreed in the weeks, summed by `key` (a path from the agreement's request): every
    signed version counts its hours a week in each week it was the one in force, until the
    week its agreement ended (`version_periods`). One query."""
    first, last = mondays[0], mondays[-1] + timedelta(days=6)
    agreed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = within(
        _signed_versions(starts_on__lte=last, ends_on__gte=first),
        "agreement__request__institution",
        institutions,
    ).values_list(
        f"agreement__request__{key}",
        "number",
        "starts_on",
        "ends_on",
        "in_force_at",
        "superseded_at",
        "agreement__ended_on",
        "hours_per_week",
    )
    for begin, end, row in version_periods(rows):
        agreed[row[0]] += (row[7] or ZERO) * len(week_indexes(begin, end, mondays))
    return agreed


def _reported_by(
    key: str,
    *,
    institutions: QuerySet[Institution] | list[int],
    mondays: list[date],
    practice_only: bool = False,
) -> dict[int, Decimal]:
    """Submitted and approved hours on the institutions' courses in the weeks, by `key`: all
    categories (the time the courses took), or with `practice_only` the practice (what the
    institution received, to hold against the agreed hours)."""
    path = f"course__agreement__request__{key}"
    entries = HourEntry.objects.all()
    if practice_only:
        entries = entries.filter(category=HourCategory.PRACTICE)
    return dict(
        within(entries.reported(), "course__agreement__request__institution", institutions)
        .filter(sheet__week_start__gte=mondays[0], sheet__week_start__lte=mondays[-1])
        # Without the entries' default ordering (by sheet), whose joins to the pedagogist and
        # her user stayed in the aggregate though it sorts nothing.
        .order_by()
        .values(path)
        .annotate(total=Sum("hours"))
        .values_list(path, "total")
    )


def by_district(
    *, institutions: QuerySet[Institution], mondays: list[date], support_on: date | None = None
) -> list[DistrictRow]:
    """Per district: institutions, pedagogists attached, and capacity, agreed and logged hours a
    week (averages over the weeks). Five queries. With `support_on`, also the support hours a
    week granted to the district's institutions and in force that day (a sixth).

    - Capacity: each permanent attachment gives its share of the pedagogist's contracted hours
      in every week it is valid, less the same share of her planned absence that week.
    - Agreed: the hours a week of every agreement in force, in the weeks of its period.
    - Logged: the submitted and approved hours (all categories) on the district's courses.
    """
    first, last = mondays[0], mondays[-1] + timedelta(days=6)
    weeks = len(mondays)
    if covers_every_institution(institutions):
        districts_query = District.objects.annotate(n=Count("institutions")).filter(n__gt=0)
    else:
        districts_query = District.objects.filter(institutions__in=institutions).annotate(
            n=Count("institutions", filter=Q(institutions__in=institutions), distinct=True)
        )
    districts = list(districts_query.order_by("name"))
    support = (
        granted_hours_on(support_on, by="district", institutions=institutions)
        if support_on is not None
        else {}
    )
    capacity: dict[int, Decimal] = defaultdict(lambda: ZERO)
    pedagogists: dict[int, set[int]] = defaultdict(set)
    attachments = (
        within(Assignment.objects.filter(valid_from__lte=last), "institution", institutions)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .values_list(
            "institution__district_id",
            "pedagogist_id",
            "pedagogist__weekly_hours",
            "share",
            "valid_from",
            "valid_to",
        )
    )
    attached = list(attachments)
    absent = absence_hours_by_week({row[1] for row in attached}, mondays)
    for district_id, pedagogist_id, weekly, share, valid_from, valid_to in attached:
        pedagogists[district_id].add(pedagogist_id)
        hours = Decimal(weekly) * Decimal(share) / HUNDRED
        indexes = week_indexes(valid_from, valid_to, mondays)
        capacity[district_id] += hours * len(indexes)
        away = sum((absent.get((pedagogist_id, mondays[i]), ZERO) for i in indexes), ZERO)
        capacity[district_id] -= (
            min(away, Decimal(weekly) * len(indexes)) * Decimal(share) / HUNDRED
        )
    agreed = _agreed_by("institution__district_id", institutions=institutions, mondays=mondays)
    logged = _reported_by("institution__district_id", institutions=institutions, mondays=mondays)
    return [
        DistrictRow(
            district=district,
            institutions=district.n,  # type: ignore[attr-defined]
            pedagogists=len(pedagogists[district.pk]),
            capacity=_per_week(capacity[district.pk], weeks),
            agreed=_per_week(agreed[district.pk], weeks),
            logged=_per_week(logged.get(district.pk) or ZERO, weeks),
            granted_support=None if support_on is None else support.get(district.pk, ZERO),
        )
        for district in districts
    ]


def totals(rows: list[DistrictRow]) -> dict:
    capacity = sum((r.capacity for r in rows), ZERO)
    agreed = sum((r.agreed for r in rows), ZERO)
    logged = sum((r.logged for r in rows), ZERO)
    support = [r.granted_support for r in rows if r.granted_support is not None]
    return {
        "institutions": sum(r.institutions for r in rows),
        "granted_support": sum(support, ZERO) if support else None,
        "capacity": capacity,
        "agreed": agreed,
        "logged": logged,
        "agreed_share": percent(agreed, capacity),
        "utilisation": percent(logged, capacity),
    }


# --- By pedagogist ------------------------------------------------------------------------------


@dataclass(slots=True)
class PedagogistWeek:
    monday: date
    capacity: Decimal  # the contracted hours
    agreed: Decimal  # this pedagogist's part of the agreements in force that week
    courses: int
    logged: Decimal | None  # None: nothing reported (yet)
    practice: Decimal
    preparation: Decimal = field(default_factory=lambda: settings.HOURS_PREPARATION_PER_COURSE)
    absence: Decimal = ZERO  # planned absence that week (forloeb/plan), in hours
    # Worked out once, when the week is made: a heat map page has 625 weeks, and asks each of
    # them these several times.
    available: Decimal = field(init=False, repr=False)
    demand: Decimal = field(init=False, repr=False)
    over_allocated: bool = field(init=False, repr=False)
    load: int | None = field(init=False, repr=False)
    heat: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # What the week can hold: the contracted hours less the planned absence.
        available = self.available = max(ZERO, self.capacity - self.absence)
        # Agreed hours plus the preparation each course needs (the week sheet's norm).
        demand = self.demand = self.agreed + self.preparation * self.courses
        over = self.over_allocated = demand > available
        # Agreed hours and preparation in per cent of the contracted hours less the planned
        # absence (the heat). A week wholly away with nothing agreed has no load.
        load = self.load = percent(demand, available) if available else (100 if demand else None)
        if load is None or load == 0:
            self.heat = "0"
        elif over:
            self.heat = "over"
        elif load >= 90:
            self.heat = "full"
        elif load >= 50:
            self.heat = "half"
        else:
            self.heat = "low"


@dataclass
class PedagogistRow:
    pedagogist: Pedagogist
    weeks: list[PedagogistWeek]
    practice_share: int | None  # practice in per cent of the reported hours, past weeks
    over_weeks: int
    over_contracted_weeks: int
    flags: list[str]
    # Practice days of the pedagogist's courses in the weeks cancelled or moved by a one-off
    # change (how stable is the plan she gets and gives? seed 004), and her planned absence.
    cancelled_days: int = 0
    moved_days: int = 0

    @property
    def absence(self) -> Decimal:
        return sum((w.absence for w in self.weeks), ZERO)


def changed_days_by_pedagogist(mondays: list[date]) -> dict[int, tuple[int, int]]:
    """Each pedagogist's practice days in the weeks cancelled and moved by an accepted one-off
    change to a course she is on: {pedagogist: (cancelled, moved)}, those with none left out.
    One grouped query over the weeks' changes (a few hundred at a large municipality), not a
    subquery per pedagogist through all her allocations."""
    counted: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    path = "course__agreement__request__allocations__pedagogist"
    for pedagogist_id, kind, n in (
        PlanChange.objects.filter(
            status=PlanChangeStatus.ACCEPTED,
            kind__in=[PlanChangeKind.CANCEL, PlanChangeKind.MOVE],
            day__range=(mondays[0], mondays[-1] + timedelta(days=6)),
            **{f"{path}__isnull": False},
        )
        .order_by()
        .values(path, "kind")
        .annotate(n=Count("pk"))
        .values_list(path, "kind", "n")
    ):
        counted[pedagogist_id][0 if kind == PlanChangeKind.CANCEL else 1] += n
    return {pid: (c, m) for pid, (c, m) in counted.items()}


def by_pedagogist(
    *, pedagogists: QuerySet[Pedagogist] | list[Pedagogist], mondays: list[date], today: date
) -> list[PedagogistRow]:
    """Per pedagogist and week: contracted hours, their part of the agreements in force, and
    the reported hours, and the planned absence; over-allocation (agreed plus preparation above
    the contracted hours less the absence), practice share and the week sheet's norms as flags.
    Three queries, and one for the absence (`absence_hours_by_week`). The cancelled and moved
    practice days come from `changed_days_by_pedagogist`, set on the pedagogists given.

    An agreement's hours a week are shared among its pedagogists by their allocated hours.
    """
    first = mondays[0]
    if isinstance(pedagogists, QuerySet):
        pedagogists = pedagogists.select_related("user").order_by("user__name", "pk")
    people = list(pedagogists)
    ids = [p.pk for p in people]
    agreed = agreed_weeks(ids, mondays)
    absent = absence_hours_by_week(ids, mondays)
    logged: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
    practice: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
    for pid, monday, total, in_practice in (
        HourEntry.objects.reported()
        .filter(
            sheet__pedagogist_id__in=ids,
            sheet__week_start__gte=first,
            sheet__week_start__lte=mondays[-1],
        )
        .values("sheet__pedagogist_id", "sheet__week_start")
        .annotate(
            total=Sum("hours"),
            in_practice=Sum("hours", filter=Q(category=HourCategory.PRACTICE)),
        )
        .values_list("sheet__pedagogist_id", "sheet__week_start", "total", "in_practice")
    ):
        logged[(pid, monday)] = total
        practice[(pid, monday)] = in_practice or ZERO
    minimum = settings.HOURS_PRACTICE_SHARE_MIN_PERCENT
    preparation = settings.HOURS_PREPARATION_PER_COURSE
    rows = []
    cent = Decimal("0.01")
    agreed_hours, agreements = agreed.hours, agreed.agreements
    for person in people:
        pid, capacity = person.pk, person.weekly_hours
        weeks = [
            PedagogistWeek(
                monday,
                capacity,
                agreed_hours.get((pid, monday), ZERO).quantize(cent, rounding=ROUND_HALF_UP),
                agreements.get((pid, monday), 0),
                logged.get((pid, monday)),
                practice.get((pid, monday), ZERO),
                preparation,
                absent.get((pid, monday), ZERO),
            )
            for monday in mondays
        ]
        past = [w for w in weeks if w.monday <= today and w.logged]
        total = sum((w.logged or ZERO for w in past), ZERO)
        practice_share = percent(sum((w.practice for w in past), ZERO), total)
        over = sum(1 for w in weeks if w.over_allocated)
        flags = []
        if over:
            flags.append("over_allocated")
        if practice_share is not None and practice_share < minimum:
            flags.append("practice_share")
        over_contracted = sum(1 for w in past if w.logged is not None and w.logged > w.capacity)
        if over_contracted:
            flags.append("over_contracted")
        rows.append(
            PedagogistRow(
                pedagogist=person,
                weeks=weeks,
                practice_share=practice_share,
                over_weeks=over,
                over_contracted_weeks=over_contracted,
                flags=flags,
                cancelled_days=getattr(person, "cancelled_days", None) or 0,
                moved_days=getattr(person, "moved_days", None) or 0,
            )
        )
    return rows


# --- By institution -----------------------------------------------------------------------------


@dataclass
class InstitutionRow:
    institution: Institution
    open_courses: int
    courses: int  # every course the institution has had
    agreed: Decimal  # hours a week agreed in the period, on average
    received: Decimal  # practice hours a week reported on its courses in the period, on average
    pedagogists_24_months: int  # different pedagogists on its interventions in 24 months
    repeats_12_months: int  # interventions in a group that had one within the 12 months before
    # Practice days of its courses in the period cancelled or moved by a one-off change (how
    # stable is the plan the institution gets? seed 004).
    cancelled_days: int = 0
    moved_days: int = 0
    # Support hours a week granted to the institution and in force on the day asked
    # (kompenserende støtte); None when not asked.
    granted_support: Decimal | None = None

    @property
    def received_share(self) -> int | None:
        return percent(self.received, self.agreed)


def by_institution(
    *,
    institutions: list[Institution],
    mondays: list[date],
    today: date,
    support_on: date | None = None,
) -> list[InstitutionRow]:
    """Per institution (already loaded, in the order to show): its courses (open and in all),
    hours received against agreed in the period, how many different pedagogists its
    interventions had in the last 24 months, and repeated interventions in the same group
    within 12 months (seeds 001 and 004), and the practice days in the period cancelled or moved
    (counted inside the requests' query). Three queries; with `support_on` a fourth gives the
    support hours a week granted to each and in force that day (indsats/supportstats).

    An intervention is an accepted request; its date is its wished start. A request for the
    whole institution (no group) is never counted as a repeat.
    """
    from forloeb.models import Phase

    weeks = len(mondays)
    ids = [i.pk for i in institutions]
    agreed = _agreed_by("institution_id", institutions=ids, mondays=mondays)
    received = _reported_by("institution_id", institutions=ids, mondays=mondays, practice_only=True)
    support = (
        granted_hours_on(support_on, by="institution", institutions=ids)
        if support_on is not None
        else {}
    )
    since = today - timedelta(days=730)
    courses: dict[int, dict[int, str]] = defaultdict(dict)
    pedagogists: dict[int, set[int]] = defaultdict(set)
    interventions: dict[int, dict[int, tuple]] = defaultdict(dict)
    recent = Q(status=RequestStatus.ACCEPTED, wished_start__gte=since, wished_start__lte=today)
    changed = Q(
        agreement__course__plan_changes__status=PlanChangeStatus.ACCEPTED,
        agreement__course__plan_changes__day__range=(mondays[0], mondays[-1] + timedelta(days=6)),
    )
    cancelled = Count(
        "agreement__course__plan_changes",
        filter=changed & Q(agreement__course__plan_changes__kind=PlanChangeKind.CANCEL),
        distinct=True,
    )
    moved = Count(
        "agreement__course__plan_changes",
        filter=changed & Q(agreement__course__plan_changes__kind=PlanChangeKind.MOVE),
        distinct=True,
    )
    changed_days: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    # One row per request and pedagogist: the requests with a course, and the recent
    # interventions.
    for (
        institution_id,
        request_id,
        status,
        group_id,
        start,
        phase,
        pedagogist_id,
        n_cancelled,
        n_moved,
    ) in (
        InterventionRequest.objects.filter(institution_id__in=ids)
        .filter(Q(agreement__course__isnull=False) | recent)
        .annotate(n_cancelled=cancelled, n_moved=moved)
        .order_by()
        .values_list(
            "institution_id",
            "pk",
            "status",
            "group_id",
            "wished_start",
            "agreement__course__phase",
            "allocations__pedagogist_id",
            "n_cancelled",
            "n_moved",
        )
    ):
        if phase is not None:
            courses[institution_id][request_id] = phase
            changed_days[institution_id][request_id] = (n_cancelled or 0, n_moved or 0)
        if status == RequestStatus.ACCEPTED and since <= start <= today:
            if pedagogist_id is not None:
                pedagogists[institution_id].add(pedagogist_id)
            interventions[institution_id][request_id] = (group_id, start)
    repeats: dict[int, int] = defaultdict(int)
    for institution_id, by_request in interventions.items():
        starts_by_group: dict[int | None, list[date]] = defaultdict(list)
        for group, start in by_request.values():
            starts_by_group[group].append(start)
        for group, starts in starts_by_group.items():
            if group is None:
                continue  # a request for the whole institution is not "the same group"
            starts.sort()
            repeats[institution_id] += sum(
                1
                for earlier, later in itertools.pairwise(starts)
                if later - earlier <= timedelta(days=365)
            )
    return [
        InstitutionRow(
            institution=institution,
            open_courses=sum(1 for p in courses[institution.pk].values() if p != Phase.CLOSED),
            courses=len(courses[institution.pk]),
            agreed=_per_week(agreed[institution.pk], weeks),
            received=_per_week(received.get(institution.pk) or ZERO, weeks),
            pedagogists_24_months=len(pedagogists[institution.pk]),
            repeats_12_months=repeats[institution.pk],
            cancelled_days=sum(c for c, _m in changed_days[institution.pk].values()),
            moved_days=sum(m for _c, m in changed_days[institution.pk].values()),
            granted_support=support.get(institution.pk, ZERO) if support_on else None,
        )
        for institution in institutions
    ]


# --- Flow ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejection:
    """A rejection as the page lists it: read as a row of columns, not as an event with its
    request, institution and group built as model instances (four objects for one line)."""

    pk: int
    request_id: int
    request_label: str
    created_at: datetime
    message: str


@dataclass
class Flow:
    months: list[tuple[date, dict[str, int]]]  # first of the month → {status: requests}
    waits: list[int]  # days from submission to the first agreement in force, in the period
    # As the administration's start page counts them: submitted and waiting for triage, and
    # sent back to the leader with a question (waiting for the leader's answer, not for triage);
    # neither those retention anonymised while they waited (nothing left in them to do).
    waiting_for_triage: int
    oldest_waiting: datetime | None  # the oldest of those waiting for triage
    waiting_for_leader: int
    accepted_without_agreement: int
    rejections: list[Rejection]  # the latest REJECTIONS_SHOWN
    more_rejections: bool  # there were more in the period

    @property
    def median_wait(self) -> Decimal | None:
        if not self.waits:
            return None
        return Decimal(str(statistics.median(self.waits)))

    @property
    def p90_wait(self) -> int | None:
        """The 90th percentile by nearest rank: the smallest wait that at least 90 % of the
        interventions did not exceed."""
        if not self.waits:
            return None
        ordered = sorted(self.waits)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _month_starts(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def flow(*, institutions: QuerySet[Institution], first: date, last: date) -> Flow:
    """Requests per month of submission by their status now; the waiting time from submission
    to the first agreement in force (for agreements that came into force in the period); the
    waiting list now; and the rejections in the period with their reasons. Three queries."""
    zone = workdays.local_zone()
    start = workdays.at_local(first, time(0, 0))
    end = workdays.at_local(last + timedelta(days=1), time(0, 0))
    requests = within(InterventionRequest.objects.all(), "institution", institutions)
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    waits = []
    # One query: the requests submitted in the period (counted by month and status now) and
    # those whose first agreement came into force in it (their waits). The first version in
    # force is always version 1: a number is given when a version is sent, and a declined one
    # gives its number back. Days are calendar days on the Copenhagen wall clock.
    for status, submitted, in_force in (
        requests.filter(submitted_at__isnull=False)
        .annotate(
            first_version=FilteredRelation(
                "agreement__versions", condition=Q(agreement__versions__number=1)
            )
        )
        .filter(
            Q(submitted_at__gte=start, submitted_at__lt=end)
            | Q(first_version__in_force_at__gte=start, first_version__in_force_at__lt=end)
        )
        .annotate(
            submitted_day=TruncDate("submitted_at", tzinfo=zone),
            in_force_day=TruncDate("first_version__in_force_at", tzinfo=zone),
        )
        .values_list("status", "submitted_day", "in_force_day")
    ):
        if first <= submitted <= last:
            counts[submitted.replace(day=1)][status] += 1
        if in_force is not None and first <= in_force <= last:
            waits.append((in_force - submitted).days)
    months = [(m, dict(counts[m])) for m in _month_starts(first, last)]
    # One pass: each request joined to its version in force, if any (an agreement has at most
    # one, the database makes sure), rather than a subquery per request. The waiting counts are
    # work counts, as the start page's and the triage queue's (`in_work`): a waiting request
    # retention emptied is left out of them; the months above count it by its status as before.
    in_work = Q(anonymised_at__isnull=True)
    now = requests.annotate(
        version_in_force=FilteredRelation(
            "agreement__versions",
            condition=Q(agreement__versions__status=VersionStatus.IN_FORCE),
        )
    ).aggregate(
        waiting=Count("pk", filter=Q(status=RequestStatus.SUBMITTED) & in_work),
        oldest=Min("submitted_at", filter=Q(status=RequestStatus.SUBMITTED) & in_work),
        with_leader=Count("pk", filter=Q(status=RequestStatus.NEEDS_INFO) & in_work),
        accepted=Count(
            "pk", filter=Q(status=RequestStatus.ACCEPTED, version_in_force__isnull=True)
        ),
    )
    # Scoped through the join the rows need anyway (for the request's name), not a subquery.
    rejections = [
        Rejection(pk, request_id, request_label(request_id, institution, group or ""), at, text)
        for pk, request_id, at, text, institution, group in within(
            RequestEvent.objects.filter(
                kind=EventKind.REJECTED, created_at__gte=start, created_at__lt=end
            ),
            "request__institution",
            institutions,
        )
        .order_by("-created_at", "-pk")
        .values_list(
            "pk",
            "request_id",
            "created_at",
            "message",
            "request__institution__name",
            "request__group__name",
        )[: REJECTIONS_SHOWN + 1]
    ]
    return Flow(
        months=months,
        waits=waits,
        waiting_for_triage=now["waiting"],
        oldest_waiting=now["oldest"],
        waiting_for_leader=now["with_leader"],
        accepted_without_agreement=now["accepted"],
        rejections=rejections[:REJECTIONS_SHOWN],
        more_rejections=len(rejections) > REJECTIONS_SHOWN,
    )
