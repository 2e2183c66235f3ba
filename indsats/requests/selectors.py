"""Reads of the request flow that views reuse: scoped lists, the triage queue, capacity."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from indsats.models import (
    Allocation,
    IntakeMeeting,
    InterventionRequest,
    MeetingStatus,
    RequestStatus,
)
from institutioner.models import Assignment, Institution, Pedagogist

# The norms of the seeds (settings HOURS_*): 1 hour's preparation a week in the institution for
# each intervention, and peer sparring 1.5 hours every 14 days, i.e. 0.75 a week.
PREPARATION_HOURS: Decimal = settings.HOURS_PREPARATION_PER_COURSE


SPARRING_HOURS: Decimal = settings.HOURS_SPARRING_PER_14_DAYS / 2


REPEAT_WINDOW = timedelta(days=365)


def fixed_assignments(institution: Institution) -> list[Assignment]:
    return list(
        Assignment.objects.current()
        .filter(institution=institution)
        .select_related("pedagogist__user")
    )


def _accepted_allocations(start: date, end: date, pedagogist_ids=None) -> list[Allocation]:
    """Allocations of accepted requests whose wished period may overlap [start, end]."""
    qs = Allocation.objects.filter(
        request__status=RequestStatus.ACCEPTED,
        request__wished_start__lte=end,
        request__wished_start__gte=start - timedelta(weeks=52),
    ).select_related("request")
    if pedagogist_ids is not None:
        qs = qs.filter(pedagogist_id__in=pedagogist_ids)
    return [a for a in qs if a.request.wished_end >= start]


def _capacity(pedagogist: Pedagogist, allocations: list[Allocation], start: date, end: date):
    used = sum(
        (
            a.weekly_hours + PREPARATION_HOURS
            for a in allocations
            if a.pedagogist_id == pedagogist.pk
            and a.request.wished_start <= end
            and a.request.wished_end >= start
        ),
        Decimal("0"),
    )
    # What is left for a new intervention's practice: its own preparation hour is set aside too.
    return pedagogist.weekly_hours - SPARRING_HOURS - used - PREPARATION_HOURS


def free_capacity(pedagogists: list[Pedagogist], *, start: date, end: date) -> dict[int, Decimal]:
    """Hours a week each pedagogist has free for a new intervention in [start, end]: contracted
    hours, minus sparring, minus the hours and preparation of every accepted intervention in the
    period, minus the new intervention's own preparation. One query."""
    allocations = _accepted_allocations(start, end, [p.pk for p in pedagogists])
    return {p.pk: _capacity(p, allocations, start, end) for p in pedagogists}


@dataclass
class FixedPedagogist:
    pedagogist: Pedagogist
    free_hours: Decimal


@dataclass
class TriageRow:
    req: InterventionRequest
    waiting_days: int
    fixed: list[FixedPedagogist]
    repeat: bool


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


def triage_rows(qs: QuerySet[InterventionRequest]) -> list[TriageRow]:
    """The queue, oldest first, with the fixed pedagogists' free capacity and the repeat flag.

    A fixed number of queries however many requests there are.
    """
    requests = list(
        with_list_relations(qs)
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
    start = min(r.wished_start for r in requests)
    end = max(r.wished_end for r in requests)
    allocations = _accepted_allocations(start, end)
    now = timezone.now()
    rows = []
    for req in requests:
        fixed = [
            FixedPedagogist(
                pedagogist=a.pedagogist,
                free_hours=_capacity(a.pedagogist, allocations, req.wished_start, req.wished_end),
            )
            for a in getattr(req.institution, "current_assignments", [])
        ]
        waited = (now - req.submitted_at).days if req.submitted_at else 0
        rows.append(TriageRow(req=req, waiting_days=waited, fixed=fixed, repeat=req.repeat))
    return rows


def upcoming_meetings(user, meetings: QuerySet[IntakeMeeting]) -> QuerySet[IntakeMeeting]:
    return (
        meetings.filter(status=MeetingStatus.PLANNED, ends_at__gte=timezone.now())
        .select_related("request__institution", "request__group")
        .order_by("starts_at")
    )


def capacity_by_pedagogist(req: InterventionRequest) -> list[FixedPedagogist]:
    """Every pedagogist with their free hours in the request's wished period, fixed ones first."""
    pedagogists = list(Pedagogist.objects.select_related("user").order_by("user__name"))
    capacity = free_capacity(pedagogists, start=req.wished_start, end=req.wished_end)
    fixed = {a.pedagogist_id for a in fixed_assignments(req.institution)}
    rows = [FixedPedagogist(pedagogist=p, free_hours=capacity[p.pk]) for p in pedagogists]
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
