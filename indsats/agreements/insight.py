"""The agreements' part of an access request (indsigt), registered from IndsatsConfig.ready().

A person's agreements are those of their requests (indsats/requests/insight.py), those they were
assigned to as a pedagogist, and those they signed. Signatures are the person's own: who else
signed a version is not theirs to receive here (the version's content names the pedagogists, as
the signed document does).
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from indsats.agreements.content import content_rows
from indsats.models import Agreement, AgreementVersion, Signature
from indsats.requests.insight import requests_of
from institutioner.accessrequests.sections import Section, register
from institutioner.models import User

CHUNK = 500


def agreements_of(person: User) -> QuerySet[Agreement]:
    mine = (
        Q(request__in=requests_of(person))
        | Q(request__allocations__pedagogist__user=person)
        | Q(versions__signatures__user=person)
    )
    return Agreement.objects.filter(pk__in=Agreement.objects.filter(mine).values("pk"))


def _versions(person: User):
    rows = AgreementVersion.objects.filter(agreement__in=agreements_of(person))
    for version in rows.order_by("agreement_id", "pk").iterator(chunk_size=CHUNK):
        yield {
            "agreement": version.agreement_id,
            "version": version.number,
            "status": str(version.get_status_display()),
            "created": version.created_at,
            "sent": version.sent_at,
            "in_force": version.in_force_at,
            "superseded": version.superseded_at,
            "sha256": version.content_hash,
            # The document as stored, whole: what was agreed, in its own (machine) form.
            "content": version.content,
        }


def _signatures(person: User):
    rows = Signature.objects.filter(user=person).select_related("version")
    for signature in rows.order_by("signed_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "agreement": signature.version.agreement_id,
            "version": signature.version.number,
            "role": str(signature.get_role_display()),
            "signed": signature.signed_at,
            "sha256": signature.content_hash,
        }


register(
    Section(
        key="agreement_versions",
        title=_("Collaboration agreements"),
        columns=(
            ("agreement", _("Agreement")),
            ("version", _("Version")),
            ("status", _("Status")),
            ("created", _("Created")),
            ("sent", _("Sent for signature")),
            ("in_force", _("In force from")),
            ("superseded", _("Superseded")),
            ("sha256", _("SHA-256 of the content")),
            ("content", _("Content")),
        ),
        rows=_versions,
        count=lambda person: AgreementVersion.objects.filter(
            agreement__in=agreements_of(person)
        ).count(),
        order=30,
        # The summary shows the content in Danish; data/agreement_versions.json keeps it as stored.
        readable={"content": content_rows},
    ),
    Section(
        key="signatures",
        title=_("The person's signatures"),
        columns=(
            ("agreement", _("Agreement")),
            ("version", _("Version")),
            ("role", _("Role")),
            ("signed", _("Signed")),
            ("sha256", _("SHA-256 of the content")),
        ),
        rows=_signatures,
        count=lambda person: Signature.objects.filter(user=person).count(),
        order=31,
    ),
)
