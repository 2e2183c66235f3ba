"""The PDF of a version in force is made once, after the signing, kept, and carried by every
e-mail that announces the version; downloads serve the same bytes."""

import io
from dataclasses import replace

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from indsats.agreements import services as agreements_services
from indsats.models import VersionStatus
from institutioner.models import Notification, StoredFile
from institutioner.notifications.sending import notifications_send_pending
from tests.factories import PASSWORD
from tests.indsats.helpers import agreement_in_force


def _text(pdf_bytes: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def test_every_email_carries_the_one_kept_pdf_made_after_the_signing(world, mailoutbox):
    _agreement, version = agreement_in_force(world)
    kept = StoredFile.objects.get()
    assert kept.concerns == version and kept.data is None  # not made in the signing

    notifications_send_pending()

    in_force = [m for m in mailoutbox if m.attachments]
    assert len(in_force) == Notification.objects.filter(template="agreement_in_force").count() >= 2
    attached = {m.attachments[0] for m in in_force}
    assert len(attached) == 1  # the same file, name and type in every e-mail
    name, content, mimetype = attached.pop()
    assert name == f"samarbejdsaftale-{version.agreement.request_id}-v1.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    kept.refresh_from_db()
    assert bytes(kept.data) == content and kept.size == len(content) and kept.sha256
    assert version.content_hash in _text(content)

    # A download of the version in force is the copy the e-mails carried, byte for byte.
    made_at = kept.made_at
    for person in (world.leader, world.administrator):
        client = Client()
        client.force_login(person)
        response = client.get(reverse("agreement_pdf", args=[version.pk]))
        assert response.status_code == 200 and response.content == content
    kept.refresh_from_db()
    assert kept.made_at == made_at  # made once
    assert StoredFile.objects.count() == 1


def test_the_kept_copy_stays_as_it_came_into_force_after_an_adjustment(world, client):
    agreement, version = agreement_in_force(world)
    notifications_send_pending()
    first = bytes(StoredFile.objects.get(object_id=version.pk).data)

    draft = agreements_services.agreement_adjust(
        actor=world.administrator, agreement_id=agreement.pk
    )
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user,
        version_id=draft.pk,
        content=replace(draft.parsed, leadership_commitment="Lederen deltager i alle møder."),
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    for person in (world.leader, world.pedagogist.user):
        agreements_services.agreement_sign(actor=person, version_id=draft.pk, password=PASSWORD)
    version.refresh_from_db()
    assert version.status == VersionStatus.SUPERSEDED

    # The kept copy of version 1 is unchanged; a download of it now carries the mark.
    assert bytes(StoredFile.objects.get(object_id=version.pk).data) == first
    assert "AFLØST" not in _text(first).upper()
    client.force_login(world.leader)
    live = client.get(reverse("agreement_pdf", args=[version.pk])).content
    assert "AFLØST" in _text(live).upper()
