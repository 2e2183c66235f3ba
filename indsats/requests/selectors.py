"""Reads of the request flow that views reuse: scoped lists, the triage queue, capacity."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from indsats import hooks
from indsats.agreements.selectors import agreed_weeks
from indsats.models import (
    SIGNED_STATUSES,
    AgreementVersion,
    Allocation,
    EventKind,
    IntakeMeeting,
    InterventionRequest,
    MeetingStatus,
    RequestEvent,
    RequestStatus,
)
from institutioner.models import Assignment, Institution, Pedagogist
from institutioner.workdays import monday_of, week_indexes

# The norms of the seeds (settings HOURS_*): 1 hour's preparation a week in the institution for
# each intervention, and peer sparring 1.5 hours every 14 days, i.e. 0.75 a week.
PREPARATION_HOURS: Decimal = settings.HOURS_PREPARATION_PER_COURSE


SPARRING_HOURS: Decimal = settings.HOURS_SPARRING_PER_14_DAYS / 2


REPEAT_WINDOW = timedelta(days=365)


# What a copy of a request takes into its new draft: all the leader wrote, not its state.
COPIED_FIELDS = (
    "institution",
    "group",
    "need",
    "age_group",
    "group_size",
    "tried_already",
    "wished_weeks",
    "wished_weekdays",
    "wished_time_from",
    "wished_time_to",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def copy_initial(source: InterventionRequest) -> dict[str, Any]:
    """A new draft's form filled in from `source` (`request_copy`). The wished start only while
    it is still ahead: one that has passed is chosen anew (the form refuses a day in the past)."""
    initial: dict[str, Any] = {field: getattr(source, field) for field in COPIED_FIELDS}
    initial["institution"] = source.institution_id
    initial["group"] = source.group_id
    initial["focus_levels"] = [f.level for f in source.focus_levels.all()]
    initial["themes"] = [t.theme for t in source.themes.all()]
    if source.wished_start >= timezone.localdate():
        initial["wished_start"] = source.wished_start
    return initial


ZERO = Decimal("0")


def fixed_assignments(institution: Institution) -> list[Assignment]:
    return list(
        Assignment.objects.current()
        .filter(institution=institution)
        .select_related("pedagogist__user")
    )


def wished_weeks(req: InterventionRequest) -> tuple[date, date]:
    """The wished period as whole ISO weeks: the wished number of weeks from the week of the
    wished start (Monday to Sunday), so that a request starting the week after another one
    ends does not share a week with it."""
    first = monday_of(req.wished_start)
    return first, first + timedelta(weeks=req.wished_weeks, days=-1)


def _unsigned_allocations(first: date, last: date, pedagogist_ids: list[int]) -> list[Allocation]:
    """Allocations of accepted requests with no signed agreement yet whose wished period may
    touch [first, last]. Once a version is signed, the agreement counts instead. One query."""
    signed = AgreementVersion.objects.signed().filter(agreement__request=OuterRef("request"))
    qs = (
        Allocation.objects.filter(
            pedagogist_id__in=pedagogist_ids,
            request__status=RequestStatus.ACCEPTED,
            request__wished_start__lte=last,
            # A wished period is at most 52 weeks (a database constraint).
            request__wished_start__gte=first - timedelta(weeks=52),
        )
        .filter(~Exists(signed))
        .select_related("request")
    )
    return [a for a in qs if wished_weeks(a.request)[1] >= first]


@dataclass
class Booked:
    """Each pedagogist's booked hours a week (with each intervention's preparation hour) in the
    weeks from `mondays[0]`."""

    mondays: list[date]
    hours: dict[tuple[int, date], Decimal]

    def busiest_week(self, pedagogist_id: int, start: date, end: date) -> tuple[Decimal, date]:
        """The most hours booked in one week of [start, end], and the Monday of that week."""
        weeks = [self.mondays[i] for i in week_indexes(start, end, self.mondays)]
        return max(
            ((self.hours.get((pedagogist_id, monday), ZERO), monday) for monday in weeks),
            key=lambda pair: pair[0],
            default=(ZERO, monday_of(start)),
        )


def _mondays(start: date, end: date) -> list[date]:
    mondays = []
    monday = monday_of(start)
    while monday <= end:
        mondays.append(monday)
        monday += timedelta(weeks=1)
    return mondays


def booked_hours(pedagogist_ids: list[int], *, start: date, end: date) -> Booked:
    """Week by week in [start, end]: the pedagogists' part of the agreements in force that week
    (each version in the weeks it was in force, until the week its agreement ended), and the
    triage hours of accepted requests that have no signed agreement yet, over their wished
    period; each intervention with its preparation hour.

    On PostgreSQL the database sums it, one row per pedagogist and week with hours
    (`_booked_in_sql`, one query); elsewhere the same rules run in Python over the versions and
    allocations (`booked_in_python`, two queries). A test holds the two to the same numbers.

    Planned absence takes a pedagogist's hours too: what a higher app knows of it
    (`hooks.planned_absence`, one query) is added week by week on both paths.
    """
    mondays = _mondays(start, end)
    if connection.vendor == "postgresql" and pedagogist_ids and mondays:
        hours = _booked_in_sql(pedagogist_ids, mondays, end)
        _add_absence(hours, pedagogist_ids, mondays)
        return Booked(mondays=mondays, hours=hours)
    return booked_in_python(pedagogist_ids, start=start, end=end)


def _add_absence(
    hours: dict[tuple[int, date], Decimal], pedagogist_ids: list[int], mondays: list[date]
) -> None:
    absent = hooks.planned_absence(pedagogist_ids=list(pedagogist_ids), mondays=mondays)
    for key, value in absent.items():
        hours[key] += Decimal(value)


def booked_in_python(pedagogist_ids: list[int], *, start: date, end: date) -> Booked:
    """`booked_hours` computed in Python (SQLite, and the reference for the SQL)."""
    mondays = _mondays(start, end)
    agreed = agreed_weeks(pedagogist_ids, mondays)
    hours: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
    for key, value in agreed.hours.items():
        hours[key] += value + PREPARATION_HOURS * agreed.agreements[key]
    for allocation in _unsigned_allocations(mondays[0], end, pedagogist_ids):
        for i in week_indexes(*wished_weeks(allocation.request), mondays):
            hours[(allocation.pedagogist_id, mondays[i])] += (
                allocation.weekly_hours + PREPARATION_HOURS
            )
    _add_absence(hours, pedagogist_ids, mondays)
    return Booked(mondays=mondays, hours=hours)


# The rules of `version_periods` (indsats/agreements/selectors.py) and `wished_weeks` in SQL:
# a version counts from its start (an adjustment from the Monday of the week it came into
# force), until its end, the Sunday before the week it was superseded, and the Sunday of the
# week its agreement ended; an agreement's hours are shared among its pedagogists by their
# allocated hours; an accepted request without a signed version counts its triage hours over
# its wished weeks. Each counts with its preparation hour in every week it touches.
_BOOKED_SQL = """
WITH weeks AS (
    SELECT day::date AS monday
    FROM generate_series(%(first)s::date, %(last_monday)s::date, interval '7 days') AS day
),
mine AS MATERIALIZED (
    SELECT request_id, pedagogist_id, weekly_hours FROM indsats_allocation
    WHERE pedagogist_id = ANY(%(ids)s)
),
versions AS MATERIALIZED (
    -- The signed versions that touch the period, of these pedagogists' requests: after five
    -- years most of their requests ended long ago (index agreement_version_signed_ends).
    SELECT g.request_id, g.ended_on, v.number, v.hours_per_week, v.starts_on, v.ends_on,
           v.in_force_at, v.superseded_at
    FROM indsats_agreementversion v
    JOIN indsats_agreement g ON g.id = v.agreement_id
    WHERE v.status = ANY(%(signed)s)
      AND v.starts_on <= %(last_day)s AND v.ends_on >= %(first)s
      AND g.request_id IN (SELECT request_id FROM mine)
),
shared AS (
    SELECT request_id, SUM(weekly_hours) AS total FROM indsats_allocation
    WHERE request_id IN (SELECT request_id FROM versions)
    GROUP BY request_id
),
signed AS (
    SELECT a.pedagogist_id AS pid,
           COALESCE(v.hours_per_week, 0)
               * CASE WHEN s.total > 0 THEN a.weekly_hours / s.total ELSE 0 END AS hours,
           CASE WHEN v.number <> 1 AND v.in_force_at IS NOT NULL
                THEN GREATEST(
                    v.starts_on, date_trunc('week', v.in_force_at AT TIME ZONE %(tz)s)::date
                )
                ELSE v.starts_on END AS begins,
           LEAST(
               v.ends_on,
               COALESCE(date_trunc('week', v.superseded_at AT TIME ZONE %(tz)s)::date - 1,
                        v.ends_on),
               COALESCE(date_trunc('week', v.ended_on)::date + 6, v.ends_on)
           ) AS ends
    FROM versions v
    JOIN mine a ON a.request_id = v.request_id
    JOIN shared s ON s.request_id = v.request_id
),
unsigned AS (
    SELECT a.pedagogist_id AS pid,
           a.weekly_hours AS hours,
           date_trunc('week', r.wished_start)::date AS begins,
           date_trunc('week', r.wished_start)::date + 7 * r.wished_weeks - 1 AS ends
    FROM mine a
    JOIN indsats_interventionrequest r ON r.id = a.request_id
    WHERE r.status = %(accepted)s
      AND r.wished_start <= %(end)s
      -- A wished period over before the first week touches none of the weeks.
      AND date_trunc('week', r.wished_start)::date + 7 * r.wished_weeks - 1 >= %(first)s
      AND NOT EXISTS (
          SELECT 1 FROM indsats_agreement g
          JOIN indsats_agreementversion v ON v.agreement_id = g.id
          WHERE g.request_id = r.id AND v.status = ANY(%(signed)s)
      )
),
periods AS (
    SELECT pid, hours, begins, ends FROM signed WHERE begins <= ends
    UNION ALL
    SELECT pid, hours, begins, ends FROM unsigned
)
SELECT p.pid, w.monday, SUM(p.hours + %(preparation)s)
FROM periods p
JOIN weeks w ON p.begins <= w.monday + 6 AND p.ends >= w.monday
GROUP BY p.pid, w.monday
"""


def _booked_in_sql(
    pedagogist_ids: list[int], mondays: list[date], end: date
) -> dict[tuple[int, date], Decimal]:
    params: dict[str, Any] = {
        "first": mondays[0],
        "last_monday": mondays[-1],
        "last_day": mondays[-1] + timedelta(days=6),
        "end": end,
        "ids": list(pedagogist_ids),
        "signed": [str(status) for status in SIGNED_STATUSES],
        "accepted": str(RequestStatus.ACCEPTED),
        "tz": settings.TIME_ZONE,
        "preparation": PREPARATION_HOURS,
    }
    with connection.cursor() as cursor:
        cursor.execute(_BOOKED_SQL, params)
        return defaultdict(
            lambda: ZERO, {(pid, monday): hours for pid, monday, hours in cursor.fetchall()}
        )


@dataclass
class Capacity:
    free_hours: Decimal
    busiest_week: date  # the Monday of the week with the most hours booked


def _capacity(pedagogist: Pedagogist, booked: Booked, start: date, end: date) -> Capacity:
    used, monday = booked.busiest_week(pedagogist.pk, start, end)
    # What is left for a new intervention's practice in its busiest week: its own preparation
    # hour is set aside too.
    free = pedagogist.weekly_hours - SPARRING_HOURS - used - PREPARATION_HOURS
    return Capacity(free_hours=free.quantize(Decimal("0.01")), busiest_week=monday)


def free_capacity(pedagogists: list[Pedagogist], *, start: date, end: date) -> dict[int, Capacity]:
    """Hours a week each pedagogist has free for a new intervention in [start, end]: contracted
    hours, minus sparring, minus the hours booked in the busiest week of the period
    (`booked_hours`, summed by the database), minus the new intervention's own preparation.
    Two queries on PostgreSQL (the sum, and the planned absence).

    Planned absence is in `booked_hours`, week by week, so the busiest week and every caller
    see it at once: a week with 7.4 hours' absence has 7.4 hours less free."""
    booked = booked_hours([p.pk for p in pedagogists], start=start, end=end)
    return {p.pk: _capacity(p, booked, start, end) for p in pedagogists}


@dataclass
class FixedPedagogist:
    pedagogist: Pedagogist
    free_hours: Decimal
    busiest_week: date | None = None


@dataclass
class TriageRow:
    req: InterventionRequest
    waiting_days: int
    fixed: list[FixedPedagogist]
    repeat: bool
    # What higher apps say beside the request (indsats/hooks.py), e.g. the place's past.
    notes: list = field(default_factory=list)


def _repeat_subquery():
    """An accepted intervention in the same institution and group in the last 12 months."""
    return Exists(
        InterventionRequest.objects.annotate(g=Coalesce("group_id", Value(0)))
        .filter(
            institution_id=OuterRef("institution_id"),
            g=Coalesce(OuterRef("group_id"), Value(0)),
            status=RequestStatus.ACCEPTED,
            decided_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .exclude(pk=OuterRef("pk"))
    )


def with_list_relations(qs: QuerySet[InterventionRequest]) -> QuerySet[InterventionRequest]:
    return qs.select_related("institution__district", "group", "created_by").prefetch_related(
        "focus_levels", "themes"
    )


def triage_counts(qs: QuerySet[InterventionRequest]) -> dict[str, int]:
    """What the triage queue's list shows (`qs`, filtered), and of those how many wait for
    triage (submitted) and how many for the leader's answer (sent back with a question): the
    start page's and Fordeling's "Venter på visitation" count the submitted ones alone. One
    query; it is also the list's count for its pages."""
    return qs.aggregate(
        shown=Count("pk", distinct=True),
        submitted=Count("pk", distinct=True, filter=Q(status=RequestStatus.SUBMITTED)),
        needs_info=Count("pk", distinct=True, filter=Q(status=RequestStatus.NEEDS_INFO)),
    )


def triage_rows(qs: QuerySet[InterventionRequest]) -> list[TriageRow]:
    """The queue, oldest first, with the fixed pedagogists' free capacity and the repeat flag.

    A fixed number of queries however many requests there are.
    """
    requests = list(
        # What the queue's rows show: not the themes and the author of the request list.
        qs.select_related("institution__district", "group")
        .prefetch_related("focus_levels")
        .annotate(repeat=_repeat_subquery())
        .prefetch_related(
            Prefetch(
                "institution__assignments",
                queryset=Assignment.objects.current().select_related("pedagogist__user"),
                to_attr="current_assignments",
            )
        )
        .order_by("submitted_at", "pk")
    )
    if not requests:
        return []
    start = min(wished_weeks(r)[0] for r in requests)
    end = max(wished_weeks(r)[1] for r in requests)
    pedagogist_ids = {
        a.pedagogist_id
        for req in requests
        for a in getattr(req.institution, "current_assignments", [])
    }
    booked = booked_hours(sorted(pedagogist_ids), start=start, end=end)
    notes = hooks.triage_notes(requests=requests)
    now = timezone.now()
    rows = []
    for req in requests:
        fixed = []
        for a in getattr(req.institution, "current_assignments", []):
            capacity = _capacity(a.pedagogist, booked, *wished_weeks(req))
            fixed.append(
                FixedPedagogist(
                    pedagogist=a.pedagogist,
                    free_hours=capacity.free_hours,
                    busiest_week=capacity.busiest_week,
                )
            )
        waited = (now - req.submitted_at).days if req.submitted_at else 0
        rows.append(
            TriageRow(
                req=req,
                waiting_days=waited,
                fixed=fixed,
                repeat=req.repeat,
                notes=notes.get(req.pk, []),
            )
        )
    return rows


def upcoming_meetings(user, meetings: QuerySet[IntakeMeeting]) -> QuerySet[IntakeMeeting]:
    return (
        meetings.filter(status=MeetingStatus.PLANNED, ends_at__gte=timezone.now())
        .select_related("request__institution", "request__group")
        .order_by("starts_at")
    )


def capacity_by_pedagogist(req: InterventionRequest) -> list[FixedPedagogist]:
    """Every active pedagogist with their free hours in the request's wished period, fixed ones
    first. Someone who has left is not offered."""
    pedagogists = list(
        Pedagogist.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("user__name")
    )
    start, end = wished_weeks(req)
    capacity = free_capacity(pedagogists, start=start, end=end)
    fixed = {a.pedagogist_id for a in fixed_assignments(req.institution)}
    rows = [
        FixedPedagogist(
            pedagogist=p,
            free_hours=capacity[p.pk].free_hours,
            busiest_week=capacity[p.pk].busiest_week,
        )
        for p in pedagogists
    ]
    return sorted(rows, key=lambda row: (row.pedagogist.pk not in fixed, row.pedagogist.user.name))


def recent_interventions(req: InterventionRequest) -> list[InterventionRequest]:
    """Accepted interventions in the same institution and group in the last 12 months."""
    return list(
        InterventionRequest.objects.filter(
            institution_id=req.institution_id,
            group_id=req.group_id,  # type: ignore[misc]
            status=RequestStatus.ACCEPTED,
            decided_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .exclude(pk=req.pk)
        .order_by("-decided_at")
    )


@dataclass(frozen=True)
class QuestionAndAnswer:
    """The administration's last question on a request and the leader's answer to it, if any."""

    question: RequestEvent
    answer: RequestEvent | None


def last_question(req: InterventionRequest) -> QuestionAndAnswer | None:
    question = (
        req.events.filter(kind=EventKind.INFO_REQUESTED)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if question is None:
        return None
    answer = (
        req.events.filter(kind=EventKind.INFO_GIVEN, pk__gt=question.pk)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    return QuestionAndAnswer(question=question, answer=answer)
