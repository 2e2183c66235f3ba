"""Reads of the request flow that views reuse: scoped lists, the triage queue, capacity."""

from collections import defaultdict
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
from institutioner.models import Assignment, Institution, Pedagogist, format_decimal

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


def allocations_by_request(requests) -> dict[int, list[Allocation]]:
    grouped: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in Allocation.objects.filter(request__in=requests).select_related(
        "pedagogist__user"
    ):
        grouped[allocation.request_id].append(allocation)
    return grouped


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


# --- Samarbejdsaftale ----------------------------------------------------------------------------


def agreement_view(content: dict) -> dict:
    """The content with its codes turned into Danish labels and dates into dates, for pages,
    the PDF and the comparison of versions."""
    from datetime import date as _date

    from indsats.models import FocusLevel, Method, PracticeRole, Weekday

    def day(value):
        return _date.fromisoformat(value) if value else None

    return {
        "institution": content.get("institution", ""),
        "group": content.get("group", ""),
        "background": content.get("background", ""),
        "goals": [
            {
                "text": g.get("text", ""),
                "focus_level": str(FocusLevel(g["focus_level"]).label)
                if g.get("focus_level")
                else "",
                "indicator": g.get("indicator", ""),
            }
            for g in content.get("goals", [])
        ],
        "methods": [str(Method(m).label) for m in content.get("methods", [])],
        "practice_roles": [str(PracticeRole(r).label) for r in content.get("practice_roles", [])],
        "participants": content.get("participants", ""),
        "pedagogists": [p["name"] for p in content.get("pedagogists", [])],
        "days_per_week": content.get("days_per_week"),
        "hours_per_week": Decimal(content.get("hours_per_week") or "0"),
        "weekdays": [str(Weekday(d).label) for d in content.get("weekdays", [])],
        "time_from": content.get("time_from", ""),
        "time_to": content.get("time_to", ""),
        "starts_on": day(content.get("starts_on")),
        "ends_on": day(content.get("ends_on")),
        "midway_evaluation_on": day(content.get("midway_evaluation_on")),
        "final_evaluation_on": day(content.get("final_evaluation_on")),
        "leadership_commitment": content.get("leadership_commitment", ""),
        "parent_meetings": bool(content.get("parent_meetings")),
    }


@dataclass
class SignatureRow:
    slot: str
    role: str
    who: str
    signature: object | None


def signature_rows(version) -> list[SignatureRow]:
    from indsats.services import signer_slots

    by_slot = {s.slot: s for s in version.signatures.all()}
    return [
        SignatureRow(slot=slot, role=str(role.label), who=who, signature=by_slot.get(slot))  # type: ignore[attr-defined]
        for slot, role, who in signer_slots(version)
    ]


@dataclass
class Difference:
    label: str
    before: str
    after: str


def _as_text(value) -> str:
    if isinstance(value, list):
        return "\n".join(
            " – ".join(str(v) for v in item.values() if v) if isinstance(item, dict) else str(item)
            for item in value
        )
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if value is None:
        return "–"
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def version_differences(before: dict, after: dict) -> list[Difference]:
    """What changed between two versions, field by field, in the order of the agreement."""
    from django.utils.translation import gettext as _

    labels = {
        "group": _("Group"),
        "background": _("Background and need"),
        "goals": _("Goals"),
        "methods": _("Methods"),
        "practice_roles": _("The pedagogist's role in practice"),
        "participants": _("Participants from the institution"),
        "pedagogists": _("Pedagogists"),
        "days_per_week": _("Days a week"),
        "hours_per_week": _("Hours a week"),
        "weekdays": _("Weekdays"),
        "time_from": _("From (time of day)"),
        "time_to": _("To (time of day)"),
        "starts_on": _("Start"),
        "ends_on": _("End"),
        "midway_evaluation_on": _("Midway evaluation"),
        "final_evaluation_on": _("Final evaluation"),
        "leadership_commitment": _("What the leadership commits to"),
        "parent_meetings": _("Takes part in parent or interdisciplinary meetings"),
    }
    old, new = agreement_view(before), agreement_view(after)
    return [
        Difference(label=str(label), before=_as_text(old[key]), after=_as_text(new[key]))
        for key, label in labels.items()
        if _as_text(old[key]) != _as_text(new[key])
    ]
