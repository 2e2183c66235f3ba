"""The decision letter of a grant, a rejection or an ending: made once, after the deciding
transaction, and kept (institutioner/files/); every download serves the same bytes."""

from indsats.models import SupportDecision
from indsats.supportmeetings import pdf
from institutioner.files.services import register_producer, stored_file_bytes, stored_file_expect
from institutioner.models import StoredFile

PRODUCER = "support_decision_letter"


def _make(file: StoredFile) -> bytes:
    decision = SupportDecision.objects.select_related(
        "application__institution", "application__group", "agenda_item__meeting"
    ).get(pk=file.object_id)
    return pdf.decision_letter_pdf(decision)


register_producer(PRODUCER, _make)


def file_name(decision: SupportDecision) -> str:
    return f"afgoerelse-{decision.application_id}-{decision.pk}.pdf"


def decision_letter(decision: SupportDecision) -> StoredFile:
    return stored_file_expect(
        producer=PRODUCER, concerns=decision, name=file_name(decision), mimetype="application/pdf"
    )


def decision_letter_bytes(decision: SupportDecision) -> bytes:
    return stored_file_bytes(file_id=decision_letter(decision).pk)


def has_letter(decision: SupportDecision) -> bool:
    return decision.has_letter
