"""The PDF of a version as it came into force: made once, after the signing transaction, and
kept (institutioner/files/). The e-mails that announce the version carry it, and downloads of a
version in force serve the same bytes."""

from indsats.agreements import pdf
from indsats.models import AgreementVersion
from institutioner.files.services import register_producer, stored_file_bytes, stored_file_expect
from institutioner.models import StoredFile

PRODUCER = "agreement_pdf"


def _make(file: StoredFile) -> bytes:
    version = AgreementVersion.objects.select_related("agreement__request").get(pk=file.object_id)
    return pdf.agreement_pdf(version, as_in_force=True)


register_producer(PRODUCER, _make)


def file_name(version: AgreementVersion) -> str:
    return f"samarbejdsaftale-{version.agreement.request_id}-v{version.number}.pdf"


def signed_pdf(version: AgreementVersion) -> StoredFile:
    """The kept PDF of a version that is (or was) in force; made when first asked for."""
    return stored_file_expect(
        producer=PRODUCER, concerns=version, name=file_name(version), mimetype="application/pdf"
    )


def signed_pdf_bytes(version: AgreementVersion) -> bytes:
    return stored_file_bytes(file_id=signed_pdf(version).pk)
