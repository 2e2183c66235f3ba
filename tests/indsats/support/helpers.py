"""Support applications made through the services, as the app makes them."""

import io
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from indsats.models import AssessmentKind, CustodyConsent, SupportKind
from indsats.support import services

CHILD = "Emil Andersen"


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def pdf_upload(name="ppv.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def support_data(world, **overrides):
    today = timezone.localdate()
    data = {
        "kind": SupportKind.SUPPORT_HOURS,
        "institution": world.institution,
        "group": world.institution.groups.get(name="Sommerfuglen"),
        "child_name": CHILD,
        "child_birth_date": date(today.year - 4, 3, 14),
        "everyday_needs": "Har brug for en voksen ved overgange og i samling.",
        "tried_already": "Små grupper om formiddagen.",
        "earlier_interventions": [],
        "hours_per_week": Decimal("10"),
        "period_start": today + timedelta(days=30),
        "period_end": today + timedelta(days=210),
        "custody_consent": CustodyConsent.BOTH,
        "single_consent_reason": "",
    }
    data.update(overrides)
    return data


def make_application(world, *, attach=True, submit=False, **overrides):
    application, _created = services.support_create(
        actor=world.leader, data=support_data(world, **overrides), client_token=uuid.uuid4()
    )
    if attach:
        for kind in application.required_assessments:
            services.support_document_add(
                actor=world.leader,
                application_id=application.pk,
                kind=kind,
                upload=pdf_upload(f"{kind}.pdf"),
            )
    if submit:
        application = services.support_submit(actor=world.leader, application_id=application.pk)
    return application


def ask(world, application, question="Hvor mange timer er barnet i institutionen?"):
    return services.support_ask(
        actor=world.administrator, application_id=application.pk, question=question
    )


__all__ = ["AssessmentKind", "make_application", "support_data"]
