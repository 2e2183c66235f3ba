from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from indsats.agreements.content import Plan
from indsats.models import (
    SIGNED_STATUSES,
    AgreementVersion,
    Allocation,
    SignerRole,
)
from institutioner import access
from institutioner.models import Pedagogist, Role, User
from institutioner.selectors import administration_people
from institutioner.workdays import monday_of, week_indexes

ZERO = Decimal("0")


def newest_signed_methods(courses: QuerySet) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(course id, its methods as Method values) from each course's newest signed version. One
    query that reads only the methods from the documents: no versions built, nothing parsed
    (the effect figures read this for every course of the municipality)."""
    rows = (
        AgreementVersion.objects.signed()
        .filter(agreement__course__in=courses.values("pk"))
        .order_by("agreement__course", F("number").desc(nulls_last=True))
        .values_list("agreement__course", KeyTransform("methods", "content"))
    )
    seen: set[int] = set()
    for course_id, methods in rows:
        if course_id not in seen:
            seen.add(course_id)
            yield course_id, tuple(methods or ())


def signer_slots(version: AgreementVersion) -> list[tuple[str, SignerRole, str]]:
    """(slot, role, who) for every signature the version needs."""
    slots: list[tuple[str, SignerRole, str]] = [
        ("leader", SignerRole.LEADER, str(_("The institution's leader")))
    ]
    for pedagogist in version.parsed.pedagogists:
        slots.append((f"pedagogist:{pedagogist.id}", SignerRole.PEDAGOGIST, pedagogist.name))
    if settings.AGREEMENT_ADMINISTRATION_SIGNS:
        slots.append(("administration", SignerRole.ADMINISTRATION, str(_("The administration"))))
    return slots


def _signers(version: AgreementVersion) -> list[User]:
    req = version.agreement.request
    leaders = list(User.objects.leaders_of(req.institution))
    ids = version.parsed.pedagogist_ids()
    pedagogists = [p.user for p in Pedagogist.objects.filter(pk__in=ids).select_related("user")]
    admins = administration_people() if settings.AGREEMENT_ADMINISTRATION_SIGNS else []
    return leaders + pedagogists + admins


def missing_signers(version: AgreementVersion) -> list[User]:
    """The people who could still sign a slot nobody has signed (every leader of the
    institution while the leader's slot is open)."""
    signed = set(version.signatures.values_list("slot", flat=True))
    leader_of = {version.agreement.request.institution_id}
    missing = []
    for user in _signers(version):
        slot = slot_for(user, version, leader_of=leader_of if user.role == Role.LEADER else None)
        if slot is not None and slot[0] not in signed:
            missing.append(user)
    return missing


def _parties(version: AgreementVersion) -> list[User]:
    return list({u.pk: u for u in _signers(version) + administration_people()}.values())


def slot_for(
    user: User, version: AgreementVersion, *, leader_of: set[int] | None = None
) -> tuple[str, str] | None:
    """The place this person signs in, if any. `leader_of` (the ids of the institutions the
    person leads) saves a query per version when many are checked."""
    req = version.agreement.request
    if user.role == Role.LEADER:
        if leader_of is None:
            leader_of = set(user.memberships.values_list("institution_id", flat=True))
        return ("leader", SignerRole.LEADER) if req.institution_id in leader_of else None
    if (
        user.role == Role.PEDAGOGIST
        and hasattr(user, "pedagogist")
        and user.pedagogist.pk in version.parsed.pedagogist_ids()
    ):
        return f"pedagogist:{user.pedagogist.pk}", SignerRole.PEDAGOGIST
    if settings.AGREEMENT_ADMINISTRATION_SIGNS and access.is_administration(user):
        return "administration", SignerRole.ADMINISTRATION
    return None


@dataclass
class SignatureRow:
    slot: str
    role: str
    who: str
    signature: object | None


def signature_rows(version) -> list[SignatureRow]:
    by_slot = {s.slot: s for s in version.signatures.all()}
    return [
        SignatureRow(slot=slot, role=str(role.label), who=who, signature=by_slot.get(slot))  # type: ignore[attr-defined]
        for slot, role, who in signer_slots(version)
    ]


# --- The agreed hours, week by week --------------------------------------------------------------
# Triage's free capacity and the allocation dashboards both count agreed hours with these.


def version_periods(rows: Iterable[tuple]) -> Iterator[tuple[date, date, tuple]]:
    """For rows (key, number, starts_on, ends_on, in_force_at, superseded_at, ended_on, ...) of
    signed versions, yield (begin, end, row): the days whose weeks the version's hours count in.

    An adjustment changes the plan from the week it comes into force: the version it replaces
    counts until the Monday of that week, the new one from it. The first version counts from
    its start, however late it was signed. A version replaced before its start counts nowhere.
    An agreement that ended early (`Agreement.ended_on`, its course was closed) counts until
    the end of the week it ended in, and from the Monday after on nowhere.
    """
    for row in rows:
        _key, number, starts_on, ends_on, in_force_at, superseded_at, ended_on = row[:7]
        begin = starts_on
        if number != 1 and in_force_at is not None:
            begin = max(starts_on, monday_of(timezone.localdate(in_force_at)))
        end = ends_on
        if superseded_at is not None:
            end = min(end, monday_of(timezone.localdate(superseded_at)) - timedelta(days=1))
        if ended_on is not None:
            end = min(end, monday_of(ended_on) + timedelta(days=6))
        if begin <= end:
            yield begin, end, row


@dataclass
class AgreedWeeks:
    hours: dict[tuple[int, date], Decimal]  # (pedagogist, Monday) → their part of the agreed hours
    agreements: dict[tuple[int, date], int]  # (pedagogist, Monday) → agreements counted that week


def agreed_weeks(pedagogist_ids: Iterable[int], mondays: list[date]) -> AgreedWeeks:
    """Each pedagogist's part of the signed agreements, week by week: every signed version
    counts its hours a week in the weeks it was the one in force (`version_periods`), shared
    among the agreement's pedagogists by their allocated hours. One query."""
    ids = list(pedagogist_ids)
    wanted = set(ids)
    first, last = mondays[0], mondays[-1] + timedelta(days=6)
    allocations = "agreement__request__allocations__"
    # From the versions: the agreement's request id is a column of the agreement, so the
    # requests are joined only by their key (from the allocations, PostgreSQL scanned them all).
    rows = list(
        AgreementVersion.objects.filter(
            agreement__request_id__in=Allocation.objects.filter(pedagogist_id__in=ids).values(
                "request_id"
            ),
            status__in=SIGNED_STATUSES,
            starts_on__lte=last,
            ends_on__gte=first,
        )
        .order_by()
        .values_list(
            "agreement__request_id",
            "number",
            "starts_on",
            "ends_on",
            "in_force_at",
            "superseded_at",
            "agreement__ended_on",
            "hours_per_week",
            f"{allocations}pedagogist_id",
            f"{allocations}weekly_hours",
        )
    )
    # One row per allocation and signed version: an agreement's hours are shared among its
    # pedagogists by their allocated hours.
    allocated: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (request_id, _pid), weekly in {(row[0], row[8]): row[9] for row in rows}.items():
        allocated[request_id] += weekly
    hours: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
    agreements: dict[tuple[int, date], int] = defaultdict(int)
    for begin, end, row in version_periods(rows):
        request_id, per_week, pid, weekly = row[0], row[7] or ZERO, row[8], row[9]
        if pid not in wanted:
            continue
        share = weekly / allocated[request_id] if allocated[request_id] else ZERO
        part = per_week * share
        for i in week_indexes(begin, end, mondays):
            key = (pid, mondays[i])
            hours[key] += part
            agreements[key] += 1
    return AgreedWeeks(hours=hours, agreements=agreements)


def with_plan(versions: QuerySet[AgreementVersion]) -> QuerySet[AgreementVersion]:
    """The versions with their plan's keys (weekdays and times) read by the database, for a
    reader of hundreds of plans that needs nothing else of the document (`plan_of` reads
    them): the whole document is ten times as much to fetch and parse."""
    return versions.annotate(**{f"plan_{key}": KeyTransform(key, "content") for key in Plan.KEYS})


def plan_of(version: AgreementVersion) -> Plan:
    """The plan of a version read `with_plan`."""
    return Plan.from_json({key: getattr(version, f"plan_{key}") for key in Plan.KEYS})
