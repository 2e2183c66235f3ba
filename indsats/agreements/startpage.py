from indsats import access
from institutioner.startpage import StartSection, register


@register
def awaiting_my_signature(request):
    """Agreements sent for signature where this person's place is still empty."""
    from indsats.agreements.selectors import slot_for
    from indsats.models import AgreementVersion, VersionStatus

    user = request.user
    if not access.may_sign_agreements(user):
        return None
    pending = list(
        AgreementVersion.objects.filter(
            status=VersionStatus.SENT, agreement__in=access.agreements_for(user)
        )
        .select_related("agreement__request__institution", "agreement__request__group")
        .prefetch_related("signatures")
    )
    if not pending:
        return None
    leader_of = set(user.memberships.values_list("institution_id", flat=True))
    versions = [
        version
        for version in pending
        if (slot := slot_for(user, version, leader_of=leader_of))
        and slot[0] not in {s.slot for s in version.signatures.all()}
    ]
    if not versions:
        return None
    return StartSection("indsats/agreements/start_signatures.html", {"versions": versions}, order=5)
