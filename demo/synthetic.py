"""A synthetic municipality: years of requests, agreements, courses and week sheets, made
deterministically from a seed, for the dashboards, their benchmark and the demo's history.

`organisation_create` builds districts, institutions, groups, leaders and pedagogists with
their attachments for each school year (some institutions change pedagogist at 1 August);
`history_create` fills a span of weeks with interventions in every outcome (accepted with an
agreement and a course, some adjusted to a second version; rejected with a reason; withdrawn;
waiting now) and the pedagogists' week sheets, approved up to the current month.
`absences_create` gives the pedagogists their planned absence over the same years and the
half year ahead: the summer and Christmas holidays, sick days, courses and a fortnightly
training afternoon, a few of them cancelled; `plan_changes_create` cancels and moves some of
the courses' practice days; `support_create` gives the institutions' children kompenserende
støtte, applied for and decided at fortnightly visitation meetings, some extended and some
ended at their re-visitation. `municipality_create` does them all, as `generate_municipality` and
the benchmarks load it.

Dates are compared with `today`, never the clock, so a seed gives the same data all day.
The rows are written with `bulk_create` in their final state (timestamps in the past, no
notifications, no history rows), so the large scale (400 institutions, 120 pedagogists, 6,000
agreements, five years of weeks: several hundred thousand rows) loads in minutes. The data keeps
every rule the database enforces: attachments never above 100 % a day, signed versions frozen,
hours only on sheets not yet approved when inserted (sheets are approved afterwards).
"""

import bisect
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone

from demo.organisation import FIRST_NAMES, GROUP_NAMES, LAST_NAMES, PLACE_NAMES
from forloeb.followup.selectors import add_months as follow_up_add_months
from forloeb.hours.weeks import monday_of, month_of_week
from forloeb.models import (
    CHECKLIST,
    PHASE_ORDER,
    Absence,
    AbsenceKind,
    AbsenceRepeat,
    ChecklistItem,
    Course,
    CourseEvent,
    Decision,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    FollowUp,
    FollowUpGoal,
    GoalAssessment,
    HourCategory,
    HourEntry,
    InstitutionRating,
    Phase,
    PlanChange,
    PlanChangeKind,
    PlanChangeStatus,
    RatingArea,
    SheetStatus,
    WeekSheet,
)
from forloeb.plan.selectors import absence_hours_by_week, practice_days
from indsats.agreements.content import AgreementContent, Goal, NamedPedagogist, version_hash
from indsats.agreements.selectors import version_periods
from indsats.models import (
    GRANTING_OUTCOMES,
    SUPPORT_IN_FORCE,
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    Agreement,
    AgreementVersion,
    Allocation,
    CustodyConsent,
    EventKind,
    FocusLevel,
    InterventionRequest,
    LearningTheme,
    Method,
    PracticeRole,
    RequestEvent,
    RequestFocusLevel,
    RequestStatus,
    RequestTheme,
    Signature,
    SignerRole,
    SupportApplication,
    SupportDecision,
    SupportEvent,
    SupportEventKind,
    SupportKind,
    SupportOutcome,
    SupportStatus,
    VersionStatus,
    VisitationMeeting,
    VisitationMeetingStatus,
)
from institutioner import workdays
from institutioner.models import (
    AgeGroup,
    Assignment,
    AssignmentFunction,
    District,
    Group,
    Institution,
    InstitutionKind,
    InstitutionOwner,
    Membership,
    Pedagogist,
    PedagogistTitle,
    Role,
    User,
)

SYNTHETIC_PASSWORD = "demo-indsats-2026"
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    districts: tuple[tuple[str, int, int], ...]  # name, institutions, pedagogists
    years: int
    agreements: int


# Seed 001: Ullerup Bæk 9 institutions / 3 pedagogists, Fjordbakke 4 / 1, Kirstinebjerg 9 / 3,
# Erritsø 6 / 1, De Private 7 / 1.
SEED_DISTRICTS = (
    ("Ullerup Bæk", 9, 3),
    ("Fjordbakke", 4, 1),
    ("Kirstinebjerg", 9, 3),
    ("Erritsø", 6, 1),
    ("De Private", 7, 1),
)
LARGE_DISTRICT_NAMES = (
    "Ådalen",
    "Bakkely",
    "Egeskov",
    "Fjordsiden",
    "Granhøj",
    "Havnen",
    "Højmarken",
    "Kildebakken",
    "Lyngby Mark",
    "Møllevang",
    "Nørreskov",
    "Engvang",
    "Rosenhøj",
    "Sandager",
    "Skovbrynet",
    "Stationsbyen",
    "Strandparken",
    "Vestervang",
    "Østerbro Syd",
    "Åsen",
)
SCALES = {
    "demo": Scale(districts=SEED_DISTRICTS, years=2, agreements=180),
    "large": Scale(
        districts=tuple((name, 20, 6) for name in LARGE_DISTRICT_NAMES),
        years=5,
        agreements=6000,
    ),
}

PREFIXES = ("Børnehuset", "Vuggestuen", "Børnehaven", "Dagtilbuddet", "Børnegården")
# The demo's fictional names.
PLACES, GROUPS, FIRST, LAST = PLACE_NAMES, GROUP_NAMES, FIRST_NAMES, LAST_NAMES
NEEDS = (
    "Mange konflikter i overgangene, og børnene venter længe ved garderoben.",
    "Sprogmiljøet er fattigt; de voksne taler meget til og lidt med børnene.",
    "Legen går i stå om eftermiddagen, og få børn er med i fællesskabet.",
    "Nyt personale, der ønsker fælles sprog om inkluderende læringsmiljøer.",
    "Uro ved samlinger; personalet vil arbejde med mindre grupper.",
)
GOALS = (
    ("Børnene oplever rolige overgange fra leg til frokost.", FocusLevel.CHILDREN_GROUP),
    ("Personalet organiserer legen i mindre grupper om formiddagen.", FocusLevel.STAFF),
    ("Flere børn deltager i fælles lege på legepladsen.", FocusLevel.LEARNING_ENVIRONMENT),
    ("Ledelsen sætter faste rammer for refleksion i personalegruppen.", FocusLevel.LEADERSHIP),
)
REJECTIONS = (
    "Behovet dækkes bedre af institutionens faste tilknytning; kontakt jeres pædagog.",
    "Anmodningen handler om ét barn; søg kompenserende støtte i stedet.",
    "Der er ingen ledig kapacitet i den ønskede periode; søg igen efter sommerferien.",
    "Institutionen har et igangværende forløb i samme gruppe.",
)


@cache
def _password_hash() -> str:
    return make_password(SYNTHETIC_PASSWORD)


def _at(day: date, hour: int = 9) -> datetime:
    return workdays.at_local(day, time(hour, 0))


@contextmanager
def _keep_timestamps(*models) -> Iterator[None]:
    """Let bulk_create store the past timestamps we give instead of now()."""
    fields = [
        f
        for m in models
        for f in m._meta.fields
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- The organisation ---------------------------------------------------------------------------


@dataclass
class Org:
    admin: User
    institutions: list[Institution]
    groups: dict[int, list[Group]]
    leaders: dict[int, User]
    pedagogists: dict[int, Pedagogist]
    district_pedagogists: dict[int, list[int]]
    # institution → [(valid_from, valid_to, pedagogist id)]
    attached: dict[int, list[tuple[date, date | None, int]]] = field(default_factory=dict)

    def attached_on(self, institution_id: int, day: date) -> int | None:
        for valid_from, valid_to, pid in self.attached.get(institution_id, []):
            if valid_from <= day and (valid_to is None or day <= valid_to):
                return pid
        return None


def school_year_start(day: date) -> date:
    return date(day.year if day.month >= 8 else day.year - 1, 8, 1)


def _user(email: str, name: str, role: str) -> User:
    return User(email=email, name=name, role=role, password=_password_hash())


def organisation_create(*, scale: Scale, rng: random.Random, today: date) -> Org:
    """Districts, institutions with groups and a leader each, pedagogists, and their
    attachments from the first school year of the history to now."""
    admin = _user("forvaltning@syntetisk.dk", "Hanne Kjær", Role.ADMINISTRATION)
    admin.save()
    institutions: list[Institution] = []
    district_of: list[int] = []
    names: set[str] = set()
    pedagogist_users: list[tuple[int, User, str]] = []
    for d, (district_name, n_institutions, n_pedagogists) in enumerate(scale.districts):
        district = District.objects.create(name=district_name)
        for i in range(n_institutions):
            place = PLACES[(d * 7 + i) % len(PLACES)]
            kind = (
                InstitutionKind.INTEGRATED,
                InstitutionKind.KINDERGARTEN,
                InstitutionKind.NURSERY,
                InstitutionKind.INTEGRATED,
            )[i % 4]
            name = f"{PREFIXES[(d + i) % len(PREFIXES)]} {place}"
            while name in names:
                name += " " + district_name.split()[0]
            names.add(name)
            institutions.append(
                Institution(
                    name=name,
                    kind=kind,
                    owner=InstitutionOwner.PRIVATE
                    if district_name == "De Private"
                    else (InstitutionOwner.MUNICIPAL if i % 5 else InstitutionOwner.SELF_GOVERNING),
                    district=district,
                    street=f"{place.rstrip('n').rstrip('e')}vej {rng.randint(1, 80)}",
                    postal_code=f"{7000 + d * 10 + i % 10}",
                    city=district_name,
                    opens_at=time(6, 30),
                    closes_at=time(17, 0),
                )
            )
            district_of.append(district.pk)
        for p in range(n_pedagogists):
            title = (PedagogistTitle.LEARNING_ENVIRONMENT, PedagogistTitle.INTERVENTION)[p % 2]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            email = f"paedagog.{d + 1}.{p + 1}@syntetisk.dk"
            pedagogist_users.append((district.pk, _user(email, name, Role.PEDAGOGIST), title))
    institutions = Institution.objects.bulk_create(institutions, batch_size=BATCH)
    groups = Group.objects.bulk_create(
        [
            Group(
                institution=inst,
                name=name,
                age_group=AgeGroup.NURSERY if g % 2 else AgeGroup.KINDERGARTEN,
            )
            for inst in institutions
            for g, name in enumerate(rng.sample(GROUPS, rng.randint(2, 4)))
        ],
        batch_size=BATCH,
    )
    leaders = User.objects.bulk_create(
        [
            _user(
                f"leder.{n + 1}@syntetisk.dk",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                Role.LEADER,
            )
            for n in range(len(institutions))
        ],
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        [Membership(user=u, institution=i) for u, i in zip(leaders, institutions, strict=True)],
        batch_size=BATCH,
    )
    users = User.objects.bulk_create([u for _d, u, _t in pedagogist_users], batch_size=BATCH)
    pedagogists = Pedagogist.objects.bulk_create(
        [
            Pedagogist(
                user=user, title=title, weekly_hours=Decimal(rng.choice(["37", "37", "37", "32"]))
            )
            for user, (_d, _u, title) in zip(users, pedagogist_users, strict=True)
        ],
        batch_size=BATCH,
    )
    district_pedagogists: dict[int, list[int]] = defaultdict(list)
    for pedagogist, (district_id, _u, _t) in zip(pedagogists, pedagogist_users, strict=True):
        district_pedagogists[district_id].append(pedagogist.pk)
    by_institution: dict[int, list[Group]] = defaultdict(list)
    for group in groups:
        by_institution[group.institution_id].append(group)
    org = Org(
        admin=admin,
        institutions=institutions,
        groups=dict(by_institution),
        leaders={i.pk: u for i, u in zip(institutions, leaders, strict=True)},
        pedagogists={p.pk: p for p in pedagogists},
        district_pedagogists=dict(district_pedagogists),
    )
    current = {}
    for district_id, pids in org.district_pedagogists.items():
        mine = [i for i in institutions if i.district_id == district_id]
        for n, institution in enumerate(mine):
            current[institution.pk] = pids[n % len(pids)]
    first_year = school_year_start(today - timedelta(days=365 * scale.years + 7))
    attachments_create(org=org, rng=rng, current=current, first_year=first_year, today=today)
    return org


def attachments_create(
    *,
    org: Org,
    rng: random.Random,
    current: dict[int, int],
    first_year: date,
    today: date,
    existing_from: date | None = None,
) -> None:
    """One attachment per institution and school year, from `first_year` to now. Going back a
    year, about one institution in five swaps pedagogist with another in its district (so each
    pedagogist keeps the same number of institutions, and their shares never pass 100 %).
    With `existing_from`, the attachments from that date exist already and only earlier
    years are written."""
    this_year = school_year_start(today)
    counts: dict[int, int] = defaultdict(int)
    for pid in current.values():
        counts[pid] += 1
    share = {pid: min(Decimal("30"), Decimal(100 // n)) for pid, n in counts.items()}
    district_of = {i.pk: i.district_id for i in org.institutions}
    rows = []
    mapping = dict(current)
    year = this_year
    while year >= first_year:
        if existing_from is None or year < existing_from:
            valid_to = None if year == this_year else date(year.year + 1, 7, 31)
            if existing_from is not None:
                valid_to = min(date(year.year + 1, 7, 31), existing_from - timedelta(days=1))
            for institution_id, pid in sorted(mapping.items()):
                rows.append(
                    Assignment(
                        pedagogist_id=pid,
                        institution_id=institution_id,
                        function=AssignmentFunction.RESOURCE,
                        share=share[pid],
                        valid_from=year,
                        valid_to=valid_to,
                    )
                )
                org.attached.setdefault(institution_id, []).append((year, valid_to, pid))
        # The year before: swap some pairs within each district.
        by_district: dict[int, list[int]] = defaultdict(list)
        for institution_id in sorted(mapping):
            by_district[district_of[institution_id]].append(institution_id)
        for ids in by_district.values():
            for _ in range(len(ids) // 5):
                a, b = rng.sample(ids, 2) if len(ids) > 1 else (ids[0], ids[0])
                if mapping[a] != mapping[b]:
                    mapping[a], mapping[b] = mapping[b], mapping[a]
        year = date(year.year - 1, 8, 1)
    Assignment.objects.bulk_create(rows, batch_size=BATCH)


def organisation_from_database(*, admin: User) -> Org:
    """The organisation as it is (the demo's), with its current attachments."""
    institutions = list(Institution.objects.order_by("pk"))
    groups: dict[int, list[Group]] = defaultdict(list)
    for group in Group.objects.order_by("pk"):
        groups[group.institution_id].append(group)
    leaders: dict[int, User] = {}
    for membership in (
        Membership.objects.filter(user__role=Role.LEADER).select_related("user").order_by("pk")
    ):
        leaders.setdefault(membership.institution_id, membership.user)
    pedagogists = {p.pk: p for p in Pedagogist.objects.select_related("user").order_by("pk")}
    org = Org(
        admin=admin,
        institutions=institutions,
        groups=dict(groups),
        leaders=leaders,
        pedagogists=pedagogists,
        district_pedagogists={},
    )
    district_of = {i.pk: i.district_id for i in institutions}
    for a in Assignment.objects.order_by("valid_from", "pk"):
        org.attached.setdefault(a.institution_id, []).append(
            (a.valid_from, a.valid_to, a.pedagogist_id)
        )
        pids = org.district_pedagogists.setdefault(district_of[a.institution_id], [])
        if a.pedagogist_id not in pids:
            pids.append(a.pedagogist_id)
    return org


# --- Interventions and hours --------------------------------------------------------------------


@dataclass
class _Version:
    number: int
    starts_on: date
    ends_on: date
    hours: Decimal
    in_force_at: datetime
    superseded_at: datetime | None = None
    pk: int | None = None


@dataclass
class _Plan:
    institution: Institution
    group: Group | None
    leader: User
    status: str
    start: date
    weeks: int
    submitted_at: datetime
    decided_at: datetime | None = None
    reason: str = ""
    allocations: list[tuple[int, Decimal]] = field(default_factory=list)
    versions: list[_Version] = field(default_factory=list)
    phase: str = ""
    closed_at: datetime | None = None
    request: InterventionRequest | None = None
    course: Course | None = None
    # When the pedagogists come (the agreement's plan): weekdays (0 = Monday) and one window.
    weekdays: tuple[int, ...] = (1, 3)
    window: tuple[time, time] = (time(9, 0), time(12, 0))


# The practice windows of a day. A pedagogist is at one course at a time: the agreements that
# run at once take different weekdays or windows (`PracticeSlots`).
WINDOWS = ((time(9, 0), time(12, 0)), (time(12, 30), time(15, 30)))


class PracticeSlots:
    """Who is booked when: per pedagogist, the (first day, last day, weekday, window) of the
    agreements given so far, the database's included (the demo's own agreements are made
    before its generated past)."""

    def __init__(self) -> None:
        self.booked: dict[int, list[tuple[date, date, int, tuple[time, time]]]] = defaultdict(list)

    def load(self, *, exclude_agreement: int | None = None) -> None:
        versions = AgreementVersion.objects.exclude(status=VersionStatus.SUPERSEDED)
        if exclude_agreement is not None:
            versions = versions.exclude(agreement_id=exclude_agreement)
        for version in (
            versions.exclude(starts_on=None)
            .exclude(ends_on=None)
            .select_related("agreement__request")
        ):
            plan = version.parsed
            if not plan.time_from or not plan.time_to:
                continue
            assert version.starts_on is not None and version.ends_on is not None
            for pedagogist_id in version.agreement.request.allocations.values_list(
                "pedagogist_id", flat=True
            ):
                for weekday in plan.weekdays:
                    self.booked[pedagogist_id].append(
                        (
                            version.starts_on,
                            version.ends_on,
                            weekday,
                            (plan.time_from, plan.time_to),
                        )
                    )

    def free(self, pedagogist_id: int, first: date, last: date, weekday: int, window) -> bool:
        return not any(
            b_first <= last
            and first <= b_last
            and b_weekday == weekday
            and b_window[0] < window[1]
            and window[0] < b_window[1]
            for b_first, b_last, b_weekday, b_window in self.booked[pedagogist_id]
        )

    def find(self, pedagogist_ids, first: date, last: date, rng: random.Random):
        """Two weekdays (else one) in one window where all of `pedagogist_ids` are free; None
        if there is none. Tuesday and Thursday mornings first, as before, then the others."""
        pairs = [(1, 3), (0, 2), (2, 4), (0, 3), (1, 4), (0, 4)]
        for window in WINDOWS:
            free_days = [
                d
                for d in range(5)
                if all(self.free(p, first, last, d, window) for p in pedagogist_ids)
            ]
            for pair in pairs:
                if all(d in free_days for d in pair):
                    return pair, window
            if len(free_days) >= 2:
                return tuple(sorted(rng.sample(free_days, 2))), window
        for window in WINDOWS:
            for d in (1, 3, 0, 2, 4):
                if all(self.free(p, first, last, d, window) for p in pedagogist_ids):
                    return (d,), window
        return None

    def book(self, pedagogist_ids, first: date, last: date, weekdays, window) -> None:
        for pedagogist_id in pedagogist_ids:
            for weekday in weekdays:
                self.booked[pedagogist_id].append((first, last, weekday, window))


def _hours_within_plan(plan: _Plan) -> None:
    """The agreed hours a week fit the days and the window the plan gives them (what the
    agreement itself warns of, `hours_beyond_plan`): two mornings of three hours hold six hours a
    week, not eight. Drawn before the days are found, the hours are lowered to fit; no draw is
    added, so the rest of the generated municipality stays as it was."""
    begin, end = plan.window
    window = Decimal((end.hour * 60 + end.minute) - (begin.hour * 60 + begin.minute)) / 60
    most = window * len(plan.weekdays)
    for version in plan.versions:
        version.hours = min(version.hours, most)
    total = sum((hours for _p, hours in plan.allocations), Decimal(0))
    if total > most:
        plan.allocations = [
            (pedagogist_id, _hours(float(hours * most / total)))
            for pedagogist_id, hours in plan.allocations
        ]


def _hours(value: float) -> Decimal:
    """Half hours, never below half an hour."""
    return max(Decimal("0.5"), Decimal(round(value * 2)) / 2)


class _Planner:
    def __init__(
        self,
        *,
        org: Org,
        rng: random.Random,
        first_monday: date,
        today: date,
        closed_by: date | None = None,
    ):
        self.org, self.rng, self.first_monday, self.today = org, rng, first_monday, today
        self.closed_by = closed_by
        self.slots = PracticeSlots()
        self.slots.load()
        # Its own generator: choosing the times leaves the rest of the history as it was.
        self.slot_rng = random.Random(f"slots-{first_monday.isoformat()}")  # noqa: S311
        self.weights = [rng.choice([1, 1, 2, 3]) for _ in org.institutions]
        self.all_pedagogists = sorted(org.pedagogists)

    def _place(self) -> tuple[Institution, Group | None, User]:
        institution = self.rng.choices(self.org.institutions, weights=self.weights)[0]
        groups = self.org.groups.get(institution.pk) or []
        group = None if not groups or self.rng.random() < 0.08 else self.rng.choice(groups)
        return institution, group, self.org.leaders[institution.pk]

    def _pedagogist(self, institution: Institution, day: date, *, other_than=()) -> int:
        attached = self.org.attached_on(institution.pk, day)
        district = (
            self.org.district_pedagogists.get(institution.district_id) or self.all_pedagogists
        )
        if attached is not None and attached not in other_than and self.rng.random() < 0.85:
            return attached
        choices = [p for p in district if p not in other_than and p != attached] or [
            p for p in self.all_pedagogists if p not in other_than
        ]
        return self.rng.choice(choices)

    def _day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def accepted(self) -> _Plan:
        rng, today = self.rng, self.today
        institution, group, leader = self._place()
        weeks = rng.randint(8, 24)
        latest = today + timedelta(weeks=4)
        if self.closed_by is not None:
            # Ended and closed by then: a history with nothing still running.
            latest = self.closed_by - timedelta(weeks=weeks + 6)
        start = monday_of(self._day(self.first_monday + timedelta(weeks=4), latest))
        in_force_day = start - timedelta(days=rng.randint(0, 10))
        if in_force_day >= today:
            # A course about to start: its agreement was signed in the last weeks.
            in_force_day = today - timedelta(days=rng.randint(1, 28))
        wait = int(rng.triangular(12, 90, 30))
        submitted = in_force_day - timedelta(days=wait)
        decided = submitted + timedelta(days=rng.randint(1, 10))
        first = self._pedagogist(institution, start)
        hours = Decimal(rng.choice(["2", "3", "4", "4", "5", "6", "6", "8"]))
        plan = _Plan(
            institution=institution,
            group=group,
            leader=leader,
            status=RequestStatus.ACCEPTED,
            start=start,
            weeks=weeks,
            submitted_at=_at(submitted, 10),
            decided_at=_at(decided, 13),
        )
        if rng.random() < 0.05:
            second = self._pedagogist(institution, start, other_than=(first,))
            plan.allocations = [
                (first, _hours(float(hours) / 2)),
                (second, _hours(float(hours) / 2)),
            ]
        else:
            plan.allocations = [(first, hours)]
        end = start + timedelta(weeks=weeks) - timedelta(days=1)
        v1 = _Version(1, start, end, hours, _at(in_force_day, rng.randint(10, 15)))
        plan.versions = [v1]
        if weeks >= 10 and rng.random() < 0.12:
            switch = start + timedelta(weeks=rng.randint(4, weeks - 3), days=2)
            if switch < today:
                longer = self.closed_by is None and rng.random() < 0.3
                new_end = end + timedelta(weeks=4) if longer else end
                new_hours = max(Decimal("1"), hours + Decimal(rng.choice([-2, -1, 1, 2])))
                v1.superseded_at = _at(switch, 11)
                plan.versions.append(_Version(2, start, new_end, new_hours, _at(switch, 11)))
        final_end = plan.versions[-1].ends_on
        self._practice_times(plan, start, max(v.ends_on for v in plan.versions))
        _hours_within_plan(plan)
        if final_end + timedelta(days=7) < today:
            plan.phase = Phase.CLOSED
            plan.closed_at = _at(final_end + timedelta(days=rng.randint(1, 6)), 14)
        elif today < start + timedelta(weeks=2):
            plan.phase = Phase.STARTUP
        elif today > final_end - timedelta(weeks=3):
            plan.phase = Phase.FOLLOW_UP
        else:
            plan.phase = Phase.PRACTICE
        return plan

    def _practice_times(self, plan: _Plan, first: date, last: date) -> None:
        """The weekdays and window of the plan, where its pedagogists have no other course at
        that time; when they are booked, another pedagogist who is free takes it."""
        chosen = [pid for pid, _h in plan.allocations]
        found = self.slots.find(chosen, first, last, self.slot_rng)
        if found is None:
            district = self.org.district_pedagogists.get(plan.institution.district_id) or []
            others = [p for p in district if p not in chosen] + [
                p for p in self.all_pedagogists if p not in chosen and p not in district
            ]
            for other in others:
                found = self.slots.find([other], first, last, self.slot_rng)
                if found is not None:
                    # One pedagogist instead, with all the hours.
                    total = sum((h for _p, h in plan.allocations), Decimal(0))
                    plan.allocations = [(other, total)]
                    chosen = [other]
                    break
        if found is None:
            # The whole team is booked then (only a municipality far busier than the seeds'):
            # the plan keeps Tuesday and Thursday mornings.
            found = ((1, 3), WINDOWS[0])
        plan.weekdays, plan.window = found
        self.slots.book(chosen, first, last, plan.weekdays, plan.window)

    def decided(self, status: str) -> _Plan | None:
        """A rejected or withdrawn request, decided in the past."""
        rng = self.rng
        institution, group, leader = self._place()
        submitted = self._day(self.first_monday, self.today - timedelta(days=14))
        decided = submitted + timedelta(days=rng.randint(2, 12))
        reason = (
            rng.choice(REJECTIONS)
            if status == RequestStatus.REJECTED
            else ("Vi har fundet en løsning i personalegruppen.")
        )
        return _Plan(
            institution=institution,
            group=group,
            leader=leader,
            status=status,
            start=monday_of(submitted + timedelta(weeks=5)),
            weeks=rng.randint(8, 16),
            submitted_at=_at(submitted, 10),
            decided_at=_at(decided, 12),
            reason=reason,
        )

    def waiting(self, status: str) -> _Plan:
        """A request waiting now: for triage, for the leader's answer, or accepted and waiting
        for its agreement."""
        rng = self.rng
        institution, group, leader = self._place()
        submitted = self.today - timedelta(days=rng.randint(1, 24))
        plan = _Plan(
            institution=institution,
            group=group,
            leader=leader,
            status=status,
            start=monday_of(self.today + timedelta(weeks=rng.randint(3, 10))),
            weeks=rng.randint(8, 16),
            submitted_at=_at(submitted, 9),
        )
        if status == RequestStatus.ACCEPTED:
            plan.decided_at = _at(
                min(submitted + timedelta(days=2), self.today - timedelta(days=1)), 12
            )
            plan.allocations = [
                (self._pedagogist(institution, plan.start), Decimal(rng.choice(["3", "4", "6"])))
            ]
        return plan


def _content(plan: _Plan, version: _Version, org: Org, rng: random.Random) -> dict:
    goal, level = GOALS[rng.randrange(len(GOALS))]
    return AgreementContent(
        institution=plan.institution.name,
        group=plan.group.name if plan.group else "",
        background=NEEDS[rng.randrange(len(NEEDS))],
        goals=(Goal(text=goal, focus_level=level.value, indicator="Ses ved observation."),),
        methods=(Method.CO_PRACTICE.value, Method.OBSERVATION.value),
        practice_roles=(PracticeRole.FRONT.value, PracticeRole.BESIDE.value),
        participants=plan.leader.name,
        pedagogists=tuple(
            NamedPedagogist(id=pid, name=org.pedagogists[pid].user.name)
            for pid, _h in plan.allocations
        ),
        days_per_week=len(plan.weekdays),
        hours_per_week=version.hours,
        weekdays=plan.weekdays,
        time_from=plan.window[0],
        time_to=plan.window[1],
        starts_on=version.starts_on,
        ends_on=version.ends_on,
        midway_evaluation_on=None,
        final_evaluation_on=workdays.working_day_on_or_before(version.ends_on),
        leadership_commitment="Lederen deltager i opstart og slutevaluering.",
        parent_meetings=False,
    ).to_json()


@transaction.atomic
def _danish(text) -> str:
    """A message of the app as it reads in Danish (the course's history is stored in Danish)."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("da"):
        return gettext(str(text))


def history_create(
    *,
    org: Org,
    rng: random.Random,
    first_monday: date,
    last_monday: date,
    today: date,
    agreements: int,
    waiting: bool = True,
    closed_by: date | None = None,
) -> dict[str, int]:
    """Interventions from `first_monday` on (`agreements` of them accepted and in force or
    closed, and about a quarter as many rejected or withdrawn), requests waiting now (unless
    `waiting` is false), and every pedagogist's week sheets from `first_monday` to
    `last_monday`: approved before the current month, submitted in it. With `closed_by`, every
    course has ended and closed before that day (a past to put before other data). Returns
    row counts."""
    planner = _Planner(
        org=org, rng=rng, first_monday=first_monday, today=today, closed_by=closed_by
    )
    plans: list[_Plan] = []
    accepted = 0
    while accepted < agreements:
        draw = rng.random()
        if draw < 0.8:
            plans.append(planner.accepted())
            accepted += 1
        else:
            status = RequestStatus.REJECTED if draw < 0.93 else RequestStatus.WITHDRAWN
            plan = planner.decided(status)
            if plan is not None:
                plans.append(plan)
    if waiting:
        for n in range(max(4, agreements // 80)):
            plans.append(
                planner.waiting(
                    (
                        RequestStatus.SUBMITTED,
                        RequestStatus.SUBMITTED,
                        RequestStatus.NEEDS_INFO,
                        RequestStatus.ACCEPTED,
                    )[n % 4]
                )
            )
    counts: dict[str, int] = {}
    with _keep_timestamps(
        InterventionRequest,
        RequestEvent,
        Allocation,
        Agreement,
        AgreementVersion,
        Course,
        CourseEvent,
        WeekSheet,
    ):
        _requests_create(plans, counts, rng)
        _agreements_create(plans, org, counts, rng)
        _sheets_create(plans, org, counts, rng, first_monday, last_monday, today)
    return counts


def _requests_create(plans: list[_Plan], counts: dict[str, int], rng: random.Random) -> None:
    requests = []
    for plan in plans:
        requests.append(
            InterventionRequest(
                institution=plan.institution,
                group=plan.group,
                need=NEEDS[rng.randrange(len(NEEDS))],
                age_group=plan.group.age_group if plan.group else AgeGroup.KINDERGARTEN,
                group_size=rng.randint(10, 24),
                # A Monday may be a holiday (Easter, Whit Monday): the wished start is a
                # working day, as the request form asks.
                wished_start=workdays.working_day_on_or_after(plan.start),
                wished_weeks=plan.weeks,
                wished_weekdays=sorted(rng.sample(range(5), 2)),
                wished_time_from=time(9, 0),
                wished_time_to=time(12, 0),
                contact_name=plan.leader.name,
                status=plan.status,
                created_by=plan.leader,
                created_at=plan.submitted_at - timedelta(days=1),
                updated_at=plan.decided_at or plan.submitted_at,
                submitted_at=plan.submitted_at,
                decided_at=plan.decided_at,
            )
        )
    requests = InterventionRequest.objects.bulk_create(requests, batch_size=BATCH)
    levels, themes, events, allocations = [], [], [], []
    admin_event: dict[str, str] = {
        RequestStatus.ACCEPTED: EventKind.ACCEPTED,
        RequestStatus.REJECTED: EventKind.REJECTED,
        RequestStatus.WITHDRAWN: EventKind.WITHDRAWN,
        RequestStatus.NEEDS_INFO: EventKind.INFO_REQUESTED,
    }
    for plan, req in zip(plans, requests, strict=True):
        plan.request = req
        levels.append(RequestFocusLevel(request=req, level=rng.choice(FocusLevel.values)))
        themes.append(RequestTheme(request=req, theme=rng.choice(LearningTheme.values)))
        events.append(
            RequestEvent(
                request=req,
                kind=EventKind.SUBMITTED,
                actor=plan.leader,
                from_status=RequestStatus.DRAFT,
                to_status=RequestStatus.SUBMITTED,
                created_at=plan.submitted_at,
            )
        )
        if plan.status in admin_event:
            events.append(
                RequestEvent(
                    request=req,
                    kind=admin_event[plan.status],
                    actor=plan.leader if plan.status == RequestStatus.WITHDRAWN else None,
                    from_status=RequestStatus.SUBMITTED,
                    to_status=plan.status,
                    message=plan.reason
                    or (
                        "Hvor mange voksne er på stuen om formiddagen?"
                        if plan.status == RequestStatus.NEEDS_INFO
                        else ""
                    ),
                    created_at=plan.decided_at or plan.submitted_at + timedelta(days=1),
                )
            )
        for pid, weekly in plan.allocations:
            allocations.append(
                Allocation(
                    request=req,
                    pedagogist_id=pid,
                    weekly_hours=weekly,
                    created_at=plan.decided_at or plan.submitted_at,
                )
            )
    RequestFocusLevel.objects.bulk_create(levels, batch_size=BATCH)
    RequestTheme.objects.bulk_create(themes, batch_size=BATCH)
    RequestEvent.objects.bulk_create(events, batch_size=BATCH)
    Allocation.objects.bulk_create(allocations, batch_size=BATCH)
    counts["requests"] = len(requests)
    counts["allocations"] = len(allocations)


def _agreements_create(
    plans: list[_Plan], org: Org, counts: dict[str, int], rng: random.Random
) -> None:
    with_agreement = [p for p in plans if p.versions]
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(
                request=p.request,
                created_by=org.pedagogists[p.allocations[0][0]].user,
                created_at=p.decided_at or p.submitted_at,
                # Closing a course ends its agreement (as `course_advance` does).
                ended_on=timezone.localdate(p.closed_at) if p.closed_at else None,
            )
            for p in with_agreement
        ],
        batch_size=BATCH,
    )
    versions, signatures_for = [], []
    for plan, agreement in zip(with_agreement, agreements, strict=True):
        author = org.pedagogists[plan.allocations[0][0]].user
        for v in plan.versions:
            content = _content(plan, v, org, rng)
            sent_at = v.in_force_at - timedelta(days=2)
            versions.append(
                AgreementVersion(
                    agreement=agreement,
                    number=v.number,
                    # Sent first: the database takes signatures on a version only before it
                    # is signed by everyone; the statuses are set after the signatures.
                    status=VersionStatus.SENT,
                    content=content,
                    content_hash=version_hash(
                        agreement_id=agreement.pk, number=v.number, content=content
                    ),
                    starts_on=v.starts_on,
                    ends_on=v.ends_on,
                    hours_per_week=v.hours,
                    created_by=author,
                    created_at=sent_at - timedelta(days=3),
                    updated_at=v.superseded_at or v.in_force_at,
                    sent_at=sent_at,
                    in_force_at=v.in_force_at,
                    superseded_at=v.superseded_at,
                )
            )
            signatures_for.append((plan, v, sent_at))
    # One version number at a time (an agreement has one open version at most): each is
    # created as sent, signed, and then given its status, since the database takes signatures
    # only on a version not yet signed by everyone. One transaction: the database checks at its
    # commit that each superseded version has a signed successor.
    signed = 0
    with transaction.atomic():
        for number in sorted({v.number for _plan, v, _sent in signatures_for}):
            chosen = [i for i, (_plan, v, _sent) in enumerate(signatures_for) if v.number == number]
            signed += _versions_signed(
                AgreementVersion.objects.bulk_create(
                    [versions[i] for i in chosen], batch_size=BATCH
                ),
                [signatures_for[i] for i in chosen],
                org,
            )
    courses = Course.objects.bulk_create(
        [
            Course(
                agreement=agreement,
                phase=plan.phase,
                started_at=plan.versions[0].in_force_at,
                closed_at=plan.closed_at,
            )
            for plan, agreement in zip(with_agreement, agreements, strict=True)
        ],
        batch_size=BATCH,
    )
    items, evaluations, events = [], [], []
    for plan, course in zip(with_agreement, courses, strict=True):
        plan.course = course
        pedagogist_user = org.pedagogists[plan.allocations[0][0]].user
        reached = PHASE_ORDER.index(Phase(plan.phase))
        for index, (phase, keys) in enumerate(CHECKLIST.items()):
            done = index < reached
            done_at = course.started_at + timedelta(weeks=index + 1)
            for key, label in keys:
                items.append(
                    ChecklistItem(
                        course=course,
                        phase=phase,
                        key=key,
                        done_by=pedagogist_user if done else None,
                        done_at=done_at if done else None,
                    )
                )
                if done:
                    # The course's history says what the services would have said.
                    events.append(
                        CourseEvent(
                            course=course,
                            actor=pedagogist_user,
                            message=_danish("Ticked: %(item)s") % {"item": _danish(label)},
                            created_at=done_at,
                        )
                    )
            following = PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None
            if done and following is not None and following != Phase.CLOSED:
                events.append(
                    CourseEvent(
                        course=course,
                        actor=pedagogist_user,
                        from_phase=phase,
                        to_phase=following,
                        message=_danish("Phase changed to %(phase)s.")
                        % {"phase": _danish(following.label).lower()},
                        created_at=done_at + timedelta(minutes=5),
                    )
                )
        final = workdays.working_day_on_or_before(plan.versions[-1].ends_on)
        closed = plan.phase == Phase.CLOSED
        evaluations.append(
            Evaluation(
                course=course,
                kind=EvaluationKind.FINAL,
                due_on=final,
                status=EvaluationStatus.COMPLETED if closed else EvaluationStatus.PLANNED,
                participants=f"{plan.leader.name}, {pedagogist_user.name}, personalet"
                if closed
                else "",
                leadership_took_part=closed,
                decision=Decision.CLOSE if closed else "",
                summary="Målene er nået; praksis fortsætter i personalegruppen." if closed else "",
                completed_at=plan.closed_at - timedelta(hours=2)
                if closed and plan.closed_at
                else None,
                # Held on its planned day, unless the course closed before it.
                held_on=min(final, timezone.localdate(plan.closed_at - timedelta(hours=2)))
                if closed and plan.closed_at
                else None,
                completed_by=pedagogist_user if closed else None,
            )
        )
        events.append(
            CourseEvent(
                course=course,
                actor=pedagogist_user,
                to_phase=Phase.STARTUP,
                message="Forløbet startede, da aftalen trådte i kraft.",
                created_at=course.started_at,
            )
        )
        if closed:
            events.append(
                CourseEvent(
                    course=course,
                    actor=pedagogist_user,
                    from_phase=Phase.FOLLOW_UP,
                    to_phase=Phase.CLOSED,
                    message="Forløbet er afsluttet.",
                    created_at=plan.closed_at or course.started_at,
                )
            )
    ChecklistItem.objects.bulk_create(items, batch_size=BATCH)
    Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
    CourseEvent.objects.bulk_create(events, batch_size=BATCH)
    _voices_create(with_agreement, evaluations, counts)
    counts["agreements"] = len(agreements)
    counts["agreement_versions"] = len(versions)
    counts["signatures"] = signed
    counts["courses"] = len(courses)
    counts["checklist_items"] = len(items)
    counts["evaluations"] = len(evaluations)


def _voices_create(plans: list[_Plan], evaluations: list[Evaluation], counts: dict) -> None:
    """What the closed courses gave: each final evaluation's goal on the 1-4 scale, the leader's
    answer on seed 004's five areas for most, and the follow-ups 3 and 6 months after closing
    (most answered). Its own random numbers, so the rest of the municipality stays the same."""
    rng = random.Random(len(plans))  # noqa: S311 - demo data, not secrets
    assessments, ratings, follow_ups = [], [], []
    now = timezone.now()
    for plan, evaluation in zip(plans, evaluations, strict=True):
        if evaluation.status != EvaluationStatus.COMPLETED or plan.closed_at is None:
            continue
        scale = rng.choices([1, 2, 3, 4], weights=[1, 2, 4, 5])[0]
        assessments.append(
            GoalAssessment(evaluation=evaluation, goal="Målet i aftalen", scale=scale)
        )
        if rng.random() < 0.8:
            base = rng.choice([3, 4, 4, 5])
            ratings.append(
                InstitutionRating(
                    evaluation=evaluation,
                    respondent=plan.leader,
                    meeting_hours=Decimal(rng.choice(["2", "4", "6", "8", "12"])),
                    **{
                        area: max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
                        for area in RatingArea.values
                    },
                )
            )
        closed_on = timezone.localtime(plan.closed_at).date()
        for months in (3, 6):
            due_on = follow_up_add_months(closed_on, months)
            if due_on > timezone.localdate(now):
                continue
            answered = rng.random() < 0.7
            follow_ups.append(
                (
                    FollowUp(
                        course=evaluation.course,
                        months=months,
                        closed_on=closed_on,
                        due_on=due_on,
                        answered_at=now if answered else None,
                        answered_by=plan.leader if answered else None,
                        would_ask_again=rng.choice(["yes", "yes", "maybe", "no"])
                        if answered
                        else "",
                    ),
                    rng.choice(["yes", "yes", "partly", "no"]) if answered else None,
                )
            )
    GoalAssessment.objects.bulk_create(assessments, batch_size=BATCH)
    InstitutionRating.objects.bulk_create(ratings, batch_size=BATCH)
    FollowUp.objects.bulk_create([f for f, _in_use in follow_ups], batch_size=BATCH)
    FollowUpGoal.objects.bulk_create(
        [
            FollowUpGoal(follow_up=f, goal="Målet i aftalen", in_use=in_use)
            for f, in_use in follow_ups
            if in_use
        ],
        batch_size=BATCH,
    )
    counts["institution_ratings"] = len(ratings)
    counts["follow_ups"] = len(follow_ups)


HOLIDAY_WEEKS = {29, 30, 31, 52}


def _sheets_create(
    plans: list[_Plan],
    org: Org,
    counts: dict[str, int],
    rng: random.Random,
    first_monday: date,
    last_monday: date,
    today: date,
) -> None:
    """Each pedagogist's week from `first_monday` to `last_monday`: the hours on each course
    whose agreement counts that week (as the dashboards count it), preparation, sparring every
    other week, meetings, transport, and the rest of the contracted week as practice in the
    attached institutions. Summer and Christmas weeks are holidays: submitted and empty. A week
    with planned absence (sick days, a course, a training afternoon; `absences_create` is run
    first) logs that much less, its courses' practice in proportion."""
    per_week: dict[tuple[int, date], list[tuple[int, Decimal]]] = defaultdict(list)
    for plan in plans:
        if plan.course is None:
            continue
        total = sum((h for _p, h in plan.allocations), Decimal("0"))
        ended_on = timezone.localdate(plan.closed_at) if plan.closed_at else None
        rows = [
            (
                plan.course.pk,
                v.number,
                v.starts_on,
                v.ends_on,
                v.in_force_at,
                v.superseded_at,
                ended_on,
                v.hours,
            )
            for v in plan.versions
        ]
        for begin, end, row in version_periods(rows):
            monday = max(monday_of(begin), first_monday)
            stop = min(end, last_monday + timedelta(days=6))
            while monday <= stop:
                for pid, weekly in plan.allocations:
                    per_week[(pid, monday)].append((plan.course.pk, row[-1] * weekly / total))
                monday += timedelta(weeks=1)
    this_month = month_of_week(monday_of(today))
    sheets_made = entries_made = 0
    pids = sorted(org.pedagogists)
    weeks = (last_monday - first_monday).days // 7 + 1
    absent = absence_hours_by_week(pids, [first_monday + timedelta(weeks=n) for n in range(weeks)])
    for chunk in range(0, len(pids), 10):
        sheets, values = [], []
        for pid in pids[chunk : chunk + 10]:
            contracted = org.pedagogists[pid].weekly_hours
            monday = first_monday
            while monday <= last_monday:
                holiday = monday.isocalendar()[1] in HOLIDAY_WEEKS
                sheets.append(
                    WeekSheet(
                        pedagogist_id=pid,
                        week_start=monday,
                        status=SheetStatus.SUBMITTED,
                        note="Ferie" if holiday else "",
                        created_at=_at(monday, 8),
                        updated_at=_at(monday + timedelta(days=4), 14),
                        submitted_at=_at(monday + timedelta(days=4), 14),
                    )
                )
                values.append(
                    {}
                    if holiday
                    else _week(
                        per_week.get((pid, monday), []),
                        monday,
                        contracted,
                        rng,
                        away=absent.get((pid, monday), Decimal("0")),
                    )
                )
                monday += timedelta(weeks=1)
        sheets = WeekSheet.objects.bulk_create(sheets, batch_size=BATCH)
        entries = [
            HourEntry(sheet=sheet, course_id=course_id, category=category, hours=hours)
            for sheet, week in zip(sheets, values, strict=True)
            for (course_id, category), hours in week.items()
        ]
        HourEntry.objects.bulk_create(entries, batch_size=BATCH)
        sheets_made += len(sheets)
        entries_made += len(entries)
    # A week belongs to the month of its Thursday; the months before this one are approved.
    first_of_month = date(this_month[0], this_month[1], 1)
    approved = WeekSheet.objects.filter(
        pedagogist_id__in=pids,
        week_start__gte=first_monday,
        week_start__lte=last_monday,
        week_start__lt=first_of_month - timedelta(days=3),
        status=SheetStatus.SUBMITTED,
    ).update(
        status=SheetStatus.APPROVED,
        approved_by=org.admin,
        approved_at=Least(F("submitted_at") + timedelta(days=7), Value(timezone.now())),
    )
    counts["week_sheets"] = sheets_made
    counts["week_sheets_approved"] = approved
    counts["hour_entries"] = entries_made


def _week(
    courses: list[tuple[int, Decimal]],
    monday: date,
    contracted: Decimal,
    rng: random.Random,
    *,
    away: Decimal = Decimal("0"),
) -> dict:
    """A week's hours; `away` is the planned absence that week, in hours. The draws are the
    same with or without absence, so the rest of the data does not move."""
    values: dict[tuple[int | None, str], Decimal] = {}
    used = Decimal("0")
    present = max(Decimal("0"), 1 - away / contracted) if contracted else Decimal("1")
    for course_id, agreed in courses:
        practice = _hours(float(agreed * present) * rng.choice([0.75, 0.9, 1, 1, 1, 1.1]))
        preparation = Decimal(rng.choice(["1", "1", "1", "0.5"]))
        key = (course_id, HourCategory.PRACTICE)
        values[key] = values.get(key, Decimal("0")) + practice
        key = (course_id, HourCategory.PREPARATION)
        values[key] = values.get(key, Decimal("0")) + preparation
        used += practice + preparation
    if monday.isocalendar()[1] % 2 == 0:
        values[(None, HourCategory.SPARRING)] = Decimal("1.5")
    values[(None, HourCategory.MEETING)] = Decimal(rng.choice(["1.5", "2", "3", "3.5", "5"]))
    values[(None, HourCategory.TRANSPORT)] = Decimal(rng.choice(["1", "1.5", "2", "2.5", "4"]))
    # Mostly the contracted week or a little under; now and then a long week (the dashboard
    # flags weeks logged above the contracted hours).
    week = (
        contracted
        - away
        + Decimal(rng.choice(["0", "0", "-0.5", "-1", "-2", "0", "-1", "2"] * 3 + ["3"]))
    )
    rest = week - used - sum((v for k, v in values.items() if k[0] is None), Decimal("0"))
    if rest > 0:
        values[(None, HourCategory.PRACTICE)] = rest
    return values


def _versions_signed(versions: list[AgreementVersion], signatures_for: list, org: Org) -> int:
    """Sign freshly created (sent) versions as their plans say, then give them their status;
    returns how many signatures."""
    signatures = []
    for version, (plan, v, sent_at) in zip(versions, signatures_for, strict=True):
        v.pk = version.pk
        for pid, _h in plan.allocations:
            signatures.append(
                Signature(
                    version=version,
                    slot=f"pedagogist:{pid}",
                    role=SignerRole.PEDAGOGIST,
                    user=org.pedagogists[pid].user,
                    signed_at=sent_at + timedelta(hours=1),
                    content_hash=version.content_hash,
                )
            )
        signatures.append(
            Signature(
                version=version,
                slot="leader",
                role=SignerRole.LEADER,
                user=plan.leader,
                signed_at=v.in_force_at,
                content_hash=version.content_hash,
            )
        )
    Signature.objects.bulk_create(signatures, batch_size=BATCH)
    created = list(zip(versions, signatures_for, strict=True))
    for status, ids in (
        (VersionStatus.IN_FORCE, [ver.pk for ver, (_p, v, _s) in created if not v.superseded_at]),
        (VersionStatus.SUPERSEDED, [ver.pk for ver, (_p, v, _s) in created if v.superseded_at]),
    ):
        for start in range(0, len(ids), BATCH):
            AgreementVersion.objects.filter(pk__in=ids[start : start + BATCH]).update(status=status)
    return len(signatures)


# --- Planned absence ----------------------------------------------------------------------------


def _weekdays_of(monday: date, first: int, last: int) -> list[date]:
    return [monday + timedelta(days=n) for n in range(first, last + 1)]


def absences_create(
    *, org: Org, rng: random.Random, first_monday: date, today: date, weeks_ahead: int = 26
) -> int:
    """Each pedagogist's planned absence from `first_monday` to `weeks_ahead` weeks after
    today, as the plan records it (forloeb/plan), never two on one day (the plan refuses an
    overlap): the summer holiday (weeks 29-31) and Christmas week, which the week sheets keep
    empty; in the past a few sick days a year (one in ten later cancelled, as a mistake is);
    a two-day course a year; and for every third pedagogist a fortnightly training afternoon
    (Thursday 12-15) through each spring. Written in bulk (no notifications); returns how
    many."""
    last_monday = monday_of(today) + timedelta(weeks=weeks_ahead)
    rows: list[Absence] = []
    for n, pid in enumerate(sorted(org.pedagogists)):
        rows += _absences_of(
            org.pedagogists[pid],
            rng,
            first_monday=first_monday,
            last_monday=last_monday,
            this_monday=monday_of(today),
            training=n % 3 == 0,
        )
    with _keep_timestamps(Absence):
        Absence.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _absences_of(
    pedagogist: Pedagogist,
    rng: random.Random,
    *,
    first_monday: date,
    last_monday: date,
    this_monday: date,
    training: bool,
) -> list[Absence]:
    rows: list[Absence] = []
    taken: set[date] = set()

    def add(kind: str, days: list[date], **extra) -> None:
        if taken & set(days):
            return
        taken.update(days)
        rows.append(
            Absence(
                pedagogist=pedagogist,
                kind=kind,
                starts_on=days[0],
                ends_on=extra.pop("ends_on", days[-1]),
                created_by=pedagogist.user,
                created_at=_at(days[0] - timedelta(days=30)),
                **extra,
            )
        )

    monday = first_monday
    while monday <= last_monday:
        week = monday.isocalendar()[1]
        if week in (29, 52):
            weeks = 3 if week == 29 else 1
            days = [
                day for w in range(weeks) for day in _weekdays_of(monday + timedelta(weeks=w), 0, 4)
            ]
            add(AbsenceKind.HOLIDAY, days)
        elif monday < this_monday and week not in HOLIDAY_WEEKS and rng.random() < 0.08:
            # About four sick spells a year, of one to three days.
            first = rng.randint(0, 4)
            days = _weekdays_of(monday, first, min(4, first + rng.choice([0, 0, 1, 2])))
            cancelled = {}
            if rng.random() < 0.1:
                cancelled = {"cancelled_at": _at(days[0]), "cancelled_by": pedagogist.user}
            add(AbsenceKind.ILLNESS, days, **cancelled)
        if week == 40:
            add(AbsenceKind.COURSE, _weekdays_of(monday, 1, 2), note="Kursus i sprogarbejde")
        if week == 6 and training:
            # Thursdays 12-15, every other week for ten weeks.
            thursdays = [monday + timedelta(days=3 + 14 * k) for k in range(5)]
            add(
                AbsenceKind.TRAINING_DAY,
                thursdays,
                ends_on=thursdays[0],
                time_from=time(12, 0),
                time_to=time(15, 0),
                repeat=AbsenceRepeat.FORTNIGHTLY,
                repeat_until=thursdays[-1],
                note="Netværk for læringsmiljøpædagoger",
            )
        monday += timedelta(weeks=1)
    return rows


# --- One-off changes to the plan ----------------------------------------------------------------

CHANGE_REASONS = (
    "Personalemøde i institutionen.",
    "Mange syge børn i gruppen.",
    "Gruppen er på udflugt.",
    "Forældremøde om eftermiddagen; praksis flyttes.",
)
# Why the pedagogist declined (chosen by the course, not drawn: the other draws stay as they were).
DECLINE_REASONS = (
    "Jeg er i et andet forløb den dag; lad os tage det på næste praksisdag.",
    "Stuen har brug for den faste rytme lige nu.",
    "Den dag er min eneste ledige til evaluering; foreslå gerne en anden.",
)


def plan_changes_create(
    *, org: Org, rng: random.Random, first: date, last: date, chunk: int = 500
) -> int:
    """One-off changes to the courses' practice days between `first` and `last`, as the plan
    records them (forloeb/plan): about a quarter of the courses have a day cancelled and a
    sixth a day moved to the Wednesday after; one in ten was declined. The leader proposed,
    the pedagogist decided. The days are the plan's own (`practice_days`). Returns how many."""
    agreement_ids = sorted(Course.objects.values_list("agreement_id", flat=True))
    leader_of = {
        a: org.leaders[i] for a, i in Agreement.objects.values_list("pk", "request__institution_id")
    }
    rows: list[PlanChange] = []
    for start in range(0, len(agreement_ids), chunk):
        by_course: dict[int, list] = defaultdict(list)
        for p in practice_days(
            agreement_ids=agreement_ids[start : start + chunk], first=first, last=last
        ):
            if p.course_id is not None and p.pedagogist_id:
                by_course[p.course_id].append(p)
        for course_id in sorted(by_course):
            days = sorted({p.day: p for p in by_course[course_id]}.values(), key=lambda p: p.day)
            draws = [(PlanChangeKind.CANCEL, 0.25), (PlanChangeKind.MOVE, 0.17)]
            taken: set[date] = set()
            for kind, chance in draws:
                if rng.random() >= chance:
                    continue
                practice = rng.choice(days)
                new_day = practice.day + timedelta(days=1)
                if practice.day in taken or (
                    kind == PlanChangeKind.MOVE and not workdays.is_working_day(new_day)
                ):
                    continue
                taken.add(practice.day)
                made_at = _at(practice.day - timedelta(days=7), 10)
                declined = rng.random() < 0.1
                rows.append(
                    PlanChange(
                        course_id=course_id,
                        kind=kind,
                        day=practice.day,
                        new_day=new_day if kind == PlanChangeKind.MOVE else None,
                        reason=rng.choice(CHANGE_REASONS),
                        status=PlanChangeStatus.DECLINED if declined else PlanChangeStatus.ACCEPTED,
                        decline_reason=DECLINE_REASONS[course_id % len(DECLINE_REASONS)]
                        if declined
                        else "",
                        made_by=leader_of[practice.agreement_id],
                        made_at=made_at,
                        decided_by=org.pedagogists[practice.pedagogist_id].user,
                        decided_at=made_at + timedelta(days=1),
                    )
                )
    with _keep_timestamps(PlanChange):
        PlanChange.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- Kompenserende støtte -----------------------------------------------------------------------

CHILD_NEEDS = (
    "Har brug for en voksen tæt på i overgange og ved af- og påklædning.",
    "Har svært ved at regulere sig i større grupper og har brug for støtte til leg.",
    "Har brug for støtte til kommunikation og til at indgå i fællesskabet.",
    "Har brug for hjælp til at komme i gang med aktiviteter og til spisesituationer.",
    "Har brug for en fast voksen i hverdagens skift.",
)
SUPPORT_REASONS = {
    SupportOutcome.GRANTED: "Behovet er dokumenteret i vurderingerne; støtten bevilges som søgt.",
    SupportOutcome.PARTLY_GRANTED: "Behovet er dokumenteret, men dækkes delvist af gruppens "
    "voksne; færre timer bevilges.",
    SupportOutcome.REJECTED: "Behovet kan mødes af institutionens almene praksis; "
    "kontakt jeres læringsmiljøpædagog.",
    SupportOutcome.MORE_INFO: "Udvalget mangler en beskrivelse af, hvad der allerede er prøvet.",
    SupportOutcome.EXTENDED: "Barnet har fortsat brug for støtten; den forlænges.",
    SupportOutcome.ENDED: "Barnet klarer sig nu med gruppens almindelige voksne; støtten ophører.",
}
SUPPORT_GRANT_WEEKS = 26


def support_create(
    *, org: Org, rng: random.Random, first_monday: date, today: date, weeks_ahead: int = 4
) -> dict[str, int]:
    """Kompenserende støtte over the years: a visitation meeting every other Tuesday (none in
    the summer and Christmas holidays), held in the past and planned for `weeks_ahead` weeks;
    each institution's leader applies for about one and a half children a year (mostly support
    hours, some special places), and the application goes on the first meeting whose deadline
    it made. There it is granted (about six in ten), partly granted, rejected, or sent back for
    more information (answered and decided at the next meeting); a grant runs half a year and
    is re-visited at a meeting before it runs out, where half are extended and half ended (the
    support stops from that day, as the meeting's decision has it).
    A few are withdrawn before their meeting. Applications after the last meeting wait on the
    next one's agenda. Every step has its event, as the case's history shows it. The children
    are fictional, with a name and birth date only. Written in bulk; returns row counts."""
    admin = org.admin
    meetings: list[VisitationMeeting] = []
    day = first_monday + timedelta(days=1)
    while day <= today + timedelta(weeks=weeks_ahead):
        if workdays.is_working_day(day) and day.isocalendar()[1] not in (*HOLIDAY_WEEKS, 52):
            past = day < today
            meetings.append(
                VisitationMeeting(
                    starts_at=_at(day, 9),
                    ends_at=_at(day, 12),
                    place="Rådhuset, mødelokale 3",
                    application_deadline=day - timedelta(days=7),
                    status=VisitationMeetingStatus.HELD
                    if past
                    else VisitationMeetingStatus.PLANNED,
                    minutes="Udvalget gennemgik dagsordenen; afgørelserne er sendt."
                    if past
                    else "",
                    created_by=admin,
                    created_at=_at(day - timedelta(days=90)),
                )
            )
        day += timedelta(weeks=2)
    with _keep_timestamps(VisitationMeeting):
        VisitationMeeting.objects.bulk_create(meetings, batch_size=BATCH)
    deadlines = [m.application_deadline for m in meetings]
    members = VisitationMeeting.members.through
    members.objects.bulk_create(
        [members(visitationmeeting_id=m.pk, user_id=admin.pk) for m in meetings],
        batch_size=BATCH,
    )

    def meeting_after(day: date) -> VisitationMeeting | None:
        """The first meeting whose application deadline is on or after `day`."""
        index = bisect.bisect_left(deadlines, day)
        return meetings[index] if index < len(meetings) else None

    def revisit_meeting(end: date) -> VisitationMeeting | None:
        """The meeting that re-visits a grant ending on `end`: the first held four weeks before
        or later, but never after the grant has run out (the summer break has no meetings):
        then the last one before."""
        index = bisect.bisect_left(deadlines, end - timedelta(days=28 + 7))
        if index < len(meetings) and timezone.localdate(meetings[index].starts_at) >= end:
            index -= 1
        return meetings[index] if 0 <= index < len(meetings) else None

    applications: list[SupportApplication] = []
    # Per application, its steps: (kind, when, agenda (meeting, purpose, status) or None,
    # decision fields or None, to_status).
    steps: list[list[tuple]] = []
    years = max(1, (today - first_monday).days // 365)
    for institution in org.institutions:
        leader = org.leaders[institution.pk]
        groups = org.groups[institution.pk]
        for _n in range(sum(rng.choice((0, 1, 1, 2, 2, 3)) for _year in range(years))):
            submitted_day = first_monday + timedelta(
                days=rng.randrange((today - first_monday).days)
            )
            if not workdays.is_working_day(submitted_day):
                submitted_day = workdays.working_day_on_or_before(submitted_day)
            kind = rng.choices(
                [
                    SupportKind.SUPPORT_HOURS,
                    SupportKind.STENDALEN,
                    SupportKind.I_PLACE,
                    SupportKind.DOUBLE_PLACE,
                ],
                weights=[85, 5, 5, 5],
            )[0]
            asked = (
                Decimal(rng.choice((5, 8, 10, 12, 15, 20)))
                if kind == SupportKind.SUPPORT_HOURS
                else None
            )
            start = submitted_day + timedelta(days=30)
            submitted_at = _at(submitted_day, 14)
            app = SupportApplication(
                kind=kind,
                institution=institution,
                group=rng.choice(groups) if groups else None,
                child_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                child_birth_date=submitted_day - timedelta(days=rng.randint(400, 1900)),
                everyday_needs=rng.choice(CHILD_NEEDS),
                tried_already="Faste voksne i overgangene, billedstøtte og små grupper.",
                hours_per_week=asked,
                period_start=start,
                period_end=start + timedelta(weeks=SUPPORT_GRANT_WEEKS),
                custody_consent=CustodyConsent.BOTH,
                status=SupportStatus.SUBMITTED,
                created_by=leader,
                created_at=submitted_at - timedelta(days=3),
                updated_at=submitted_at,
                submitted_at=submitted_at,
            )
            history: list[tuple] = [
                (SupportEventKind.CREATED, app.created_at, None, None, SupportStatus.DRAFT),
                (SupportEventKind.SUBMITTED, submitted_at, None, None, SupportStatus.SUBMITTED),
            ]
            held = meeting_after(submitted_day)
            purpose = AgendaPurpose.NEW
            status = SupportStatus.SUBMITTED
            grant: tuple[Decimal | None, date, date] | None = None
            # Put on the agenda when submitted (or answered); a re-visitation when the
            # administration places it, in the days before the meeting.
            placed = submitted_at + timedelta(minutes=1)
            while held is not None:
                added = placed
                if held.status == VisitationMeetingStatus.PLANNED:
                    history.append(
                        (
                            SupportEventKind.ON_AGENDA,
                            added,
                            (held, purpose, AgendaItemStatus.WAITING),
                            None,
                            status,
                        )
                    )
                    break
                if purpose == AgendaPurpose.NEW and rng.random() < 0.03:
                    history.append(
                        (
                            SupportEventKind.ON_AGENDA,
                            added,
                            (held, purpose, AgendaItemStatus.REMOVED),
                            None,
                            status,
                        )
                    )
                    status = SupportStatus.WITHDRAWN
                    history.append(
                        (SupportEventKind.WITHDRAWN, added + timedelta(days=1), None, None, status)
                    )
                    break
                history.append(
                    (
                        SupportEventKind.ON_AGENDA,
                        added,
                        (held, purpose, AgendaItemStatus.DECIDED),
                        None,
                        status,
                    )
                )
                meeting_day = timezone.localdate(held.starts_at)
                decided_at = held.starts_at + timedelta(hours=1)
                if grant is None:
                    draw = rng.random()
                    if draw < 0.1:
                        outcome = SupportOutcome.REJECTED
                    elif draw < 0.17 and purpose == AgendaPurpose.NEW:
                        outcome = SupportOutcome.MORE_INFO
                    elif draw < 0.35:
                        outcome = SupportOutcome.PARTLY_GRANTED
                    else:
                        outcome = SupportOutcome.GRANTED
                else:
                    outcome = (
                        SupportOutcome.EXTENDED if rng.random() < 0.5 else SupportOutcome.ENDED
                    )
                decision: dict = {"outcome": outcome, "decided_at": decided_at}
                if outcome in (SupportOutcome.GRANTED, SupportOutcome.PARTLY_GRANTED):
                    hours = asked
                    if hours is not None and outcome == SupportOutcome.PARTLY_GRANTED:
                        hours = max(Decimal(2), (hours * Decimal("0.6")).quantize(Decimal("1")))
                    begin = max(start, meeting_day + timedelta(days=14))
                    grant = (hours, begin, begin + timedelta(weeks=SUPPORT_GRANT_WEEKS))
                elif outcome == SupportOutcome.EXTENDED and grant is not None:
                    hours, _begin, end = grant
                    grant = (
                        hours,
                        end + timedelta(days=1),
                        end + timedelta(weeks=SUPPORT_GRANT_WEEKS),
                    )
                if outcome in GRANTING_OUTCOMES and grant is not None:
                    hours, begin, end = grant
                    decision |= {
                        "hours_per_week": hours,
                        "period_start": begin,
                        "period_end": end,
                        "revisit_on": end - timedelta(days=28),
                    }
                    if outcome != SupportOutcome.EXTENDED:
                        status = SupportStatus(outcome)
                elif outcome == SupportOutcome.ENDED and grant is not None:
                    # As the meeting's decision stores it: no period, the support stops from
                    # the day of the decision (before the grant's own end).
                    status = SupportStatus.ENDED
                elif outcome == SupportOutcome.REJECTED:
                    status = SupportStatus.REJECTED
                else:
                    status = SupportStatus.NEEDS_INFO
                history.append((SupportEventKind.DECIDED, decided_at, None, decision, status))
                if status == SupportStatus.NEEDS_INFO:
                    answered = min(
                        today - timedelta(days=1), meeting_day + timedelta(days=rng.randint(3, 20))
                    )
                    status = SupportStatus.SUBMITTED
                    history.append(
                        (SupportEventKind.ANSWERED, _at(answered, 10), None, None, status)
                    )
                    held, purpose = meeting_after(answered), AgendaPurpose.ANSWERED
                    placed = _at(answered, 10) + timedelta(minutes=1)
                elif grant is not None and status in SUPPORT_IN_FORCE:
                    deciding = held
                    held, purpose = revisit_meeting(grant[2]), AgendaPurpose.REVISIT
                    if held is not None and held.starts_at <= deciding.starts_at:
                        held = None  # no meeting between the grant and its end
                    if held is not None:
                        placed = min(
                            _at(held.application_deadline, 15),
                            _at(today - timedelta(days=1), 15),
                        )
                else:
                    break
            app.status = status
            decided = [h for h in history if h[3] is not None]
            if decided:
                app.decided_at = decided[-1][1]
            if grant is not None and status in SUPPORT_IN_FORCE:
                app.revisit_on = grant[2] - timedelta(days=28)
            app.updated_at = history[-1][1]
            applications.append(app)
            steps.append(history)
    with _keep_timestamps(SupportApplication):
        SupportApplication.objects.bulk_create(applications, batch_size=BATCH)
    items: list[AgendaItem] = []
    for app, history in zip(applications, steps, strict=True):
        for _kind, when, agenda, _decision, _status in history:
            if agenda is not None:
                held, purpose, item_status = agenda
                items.append(
                    AgendaItem(
                        meeting=held,
                        application=app,
                        purpose=purpose,
                        status=item_status,
                        added_at=when,
                    )
                )
    AgendaItem.objects.bulk_create(items, batch_size=BATCH)
    decided_items = iter(i for i in items if i.status == AgendaItemStatus.DECIDED)
    decisions: list[SupportDecision] = []
    events: list[SupportEvent] = []
    for app, history in zip(applications, steps, strict=True):
        previous = ""
        for kind, when, agenda, decision, status in history:
            message = ""
            if agenda is not None:
                message = str(agenda[0])
            if decision is not None:
                decisions.append(
                    SupportDecision(
                        application=app,
                        agenda_item=next(decided_items),
                        reasons=SUPPORT_REASONS[decision["outcome"]],
                        decided_by=admin,
                        **decision,
                    )
                )
                message = SUPPORT_REASONS[decision["outcome"]]
            events.append(
                SupportEvent(
                    application=app,
                    kind=kind,
                    actor=admin
                    if kind in (SupportEventKind.ON_AGENDA, SupportEventKind.DECIDED)
                    else app.created_by,
                    from_status=previous if previous != status else "",
                    to_status=status if previous != status else "",
                    message=message,
                    created_at=when,
                )
            )
            previous = status
    SupportDecision.objects.bulk_create(decisions, batch_size=BATCH)
    with _keep_timestamps(SupportEvent):
        SupportEvent.objects.bulk_create(events, batch_size=BATCH)
    return {
        "visitation_meetings": len(meetings),
        "support_applications": len(applications),
        "support_decisions": len(decisions),
        "agenda_items": len(items),
        "support_events": len(events),
    }


# --- The whole municipality ---------------------------------------------------------------------


def municipality_create(*, scale: Scale, seed: int, today: date) -> dict[str, int]:
    """The synthetic municipality at a scale, from a seed: the organisation, `scale.years` of
    history up to last week, and the planned absence and one-off changes to the plan over the
    same years and the half year ahead. Returns row counts."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    first_monday = monday_of(today - timedelta(days=365 * scale.years))
    with transaction.atomic():
        org = organisation_create(scale=scale, rng=rng, today=today)
        # A generator of its own, so the absence leaves the rest of the data as it was; made
        # before the history, whose week sheets log less in a week with absence.
        absences = absences_create(
            org=org,
            rng=random.Random(f"absence-{seed}"),  # noqa: S311
            first_monday=first_monday,
            today=today,
        )
        counts = history_create(
            org=org,
            rng=rng,
            first_monday=first_monday,
            last_monday=monday_of(today) - timedelta(weeks=1),
            today=today,
            agreements=scale.agreements,
        )
        counts["absences"] = absences
        # Generators of their own, so the changes and the support leave the rest as it was.
        counts["plan_changes"] = plan_changes_create(
            org=org,
            rng=random.Random(f"changes-{seed}"),  # noqa: S311
            first=first_monday,
            last=monday_of(today) + timedelta(weeks=26),
        )
        counts |= support_create(
            org=org,
            rng=random.Random(f"support-{seed}"),  # noqa: S311
            first_monday=first_monday,
            today=today,
        )
    return counts
