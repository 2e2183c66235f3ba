from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from indsats.models import (
    AgreementVersion,
    SignerRole,
)
from institutioner import access
from institutioner.models import Pedagogist, Role, User
from institutioner.selectors import administration_people


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
