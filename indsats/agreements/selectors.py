from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from indsats.models import (
    AgreementVersion,
    SignerRole,
)
from institutioner import access
from institutioner.models import Pedagogist, Role, User, format_decimal
from institutioner.selectors import administration_people


def signer_slots(version: AgreementVersion) -> list[tuple[str, SignerRole, str]]:
    """(slot, role, who) for every signature the version needs."""
    slots: list[tuple[str, SignerRole, str]] = [
        ("leader", SignerRole.LEADER, str(_("The institution's leader")))
    ]
    for pedagogist in version.content.get("pedagogists", []):
        slots.append((f"pedagogist:{pedagogist['id']}", SignerRole.PEDAGOGIST, pedagogist["name"]))
    if settings.AGREEMENT_ADMINISTRATION_SIGNS:
        slots.append(("administration", SignerRole.ADMINISTRATION, str(_("The administration"))))
    return slots


def _signers(version: AgreementVersion) -> list[User]:
    req = version.agreement.request
    leaders = list(
        User.objects.filter(
            role=Role.LEADER, is_active=True, memberships__institution=req.institution
        )
    )
    ids = [p["id"] for p in version.content.get("pedagogists", [])]
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
    if user.role == Role.PEDAGOGIST and hasattr(user, "pedagogist"):
        ids = {p["id"] for p in version.content.get("pedagogists", [])}
        if user.pedagogist.pk in ids:
            return f"pedagogist:{user.pedagogist.pk}", SignerRole.PEDAGOGIST
    if settings.AGREEMENT_ADMINISTRATION_SIGNS and access.is_administration(user):
        return "administration", SignerRole.ADMINISTRATION
    return None


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
    from indsats.agreements.selectors import signer_slots

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
