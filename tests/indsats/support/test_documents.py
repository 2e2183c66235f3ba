import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indsats.models import AssessmentKind, SupportDocument, SupportEventKind
from indsats.support import services
from institutioner.models import AccessAction, AccessLogEntry
from tests.indsats.support.helpers import EXE, PNG, make_application, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

SAVE_FAILED = "Filen kunne ikke gemmes lige nu. Prøv igen."


def stored_files(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def upload(client, application, name, content, kind=AssessmentKind.MEDICAL, **extra):
    return client.post(
        reverse("support_document_create", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        **extra,
    )


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "mimetype"),
    [
        ("vurdering.pdf", pdf_bytes(), "application/pdf"),
        (
            "udtalelse.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("udtalelse.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("tegning.png", PNG, "image/png"),
        ("billede.heic", HEIC, "image/heic"),
        # The name says nothing: a PDF called .png is a PDF (and its name gets .pdf).
        ("scan.png", pdf_bytes(), "application/pdf"),
    ],
)
def test_allowed_types_are_told_by_content(world, tmp_path, name, content, mimetype):
    import hashlib

    application = make_application(world, attach=False)
    document = services.support_document_add(
        actor=world.leader,
        application_id=application.pk,
        kind=AssessmentKind.PPV,
        upload=SimpleUploadedFile(name, content),
    )
    assert document.mimetype == mimetype and document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.name == (name if name != "scan.png" else "scan.png.pdf")
    # A random stored name that says nothing about the child or the file.
    assert name not in document.file.name and document.file.name.startswith(
        f"support/{application.pk}/"
    )
    assert document.file.storage.open(document.file.name).read() == content
    assert application.events.filter(kind=SupportEventKind.DOCUMENT_ADDED).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vurdering.pdf", EXE, "ikke en PDF-, Word- eller billedfil"),
        ("vurdering.pdf", b"", "Filen er tom"),
        ("noter.txt", b"Bare tekst", "ikke en PDF-, Word- eller billedfil"),
    ],
)
def test_wrong_files_get_a_danish_message_and_keep_the_kind(
    client, world, tmp_path, name, content, message
):
    application = make_application(world, attach=False)
    client.force_login(world.leader)
    response = upload(client, application, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"]["kind"].value() == AssessmentKind.MEDICAL
    assert not SupportDocument.objects.exists() and stored_files(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("evil.html", "evil.html.pdf"),
        ("vurdering.PDF", "vurdering.PDF"),
        ("a" * 246 + ".pdf", "a" * 196 + ".pdf"),
        ("b" * 250, "b" * 196 + ".pdf"),
    ],
)
def test_the_name_ends_in_the_type_of_the_content(client, world, name, kept):
    application = make_application(world, attach=False)
    document = services.support_document_add(
        actor=world.leader,
        application_id=application.pk,
        kind=AssessmentKind.PPV,
        upload=SimpleUploadedFile(name, pdf_bytes()),
    )
    assert document.name == kept and len(document.name) <= 200
    client.force_login(world.leader)
    response = client.get(reverse("support_document_download", args=[document.pk]))
    assert f'filename="{kept}"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"


def test_a_document_kept_under_a_wrong_name_is_served_with_its_types_ending(client, world):
    application = make_application(world, attach=False)
    document = services.support_document_add(
        actor=world.leader,
        application_id=application.pk,
        kind=AssessmentKind.PPV,
        upload=SimpleUploadedFile("ppv.pdf", pdf_bytes()),
    )
    SupportDocument.objects.filter(pk=document.pk).update(name="evil.html")
    client.force_login(world.leader)
    response = client.get(reverse("support_document_download", args=[document.pk]))
    assert 'filename="evil.html.pdf"' in response["Content-Disposition"]


def test_a_file_over_the_limit_is_refused(client, world, tmp_path, settings):
    settings.SUPPORT_DOCUMENT_MAX_BYTES = 2000
    application = make_application(world, attach=False)
    client.force_login(world.leader)
    response = upload(client, application, "stor.pdf", pdf_bytes() + b"\0" * 3000)
    assert response.status_code == 200
    assert "Filen er for stor" in response.content.decode()
    assert not SupportDocument.objects.exists() and stored_files(tmp_path) == []


def test_a_200_mb_upload_is_refused_before_the_body_is_read(client, world, tmp_path, monkeypatch):
    from django.http import request as http_request

    application = make_application(world, attach=False)
    client.force_login(world.leader)

    def read_body(*args, **kwargs):
        raise AssertionError("the body was read")

    monkeypatch.setattr(http_request.HttpRequest, "_load_post_and_files", read_body)
    started = time.monotonic()
    response = upload(client, application, "stor.pdf", pdf_bytes(), CONTENT_LENGTH=200 * 2**20)
    assert time.monotonic() - started < 2
    assert response.status_code == 413
    assert "Filen er for stor" in response.content.decode()
    assert not SupportDocument.objects.exists() and stored_files(tmp_path) == []


def test_a_cpr_number_in_the_file_name_is_refused(world):
    application = make_application(world, attach=False)
    with pytest.raises(ValidationError) as error:
        services.support_document_add(
            actor=world.leader,
            application_id=application.pk,
            kind=AssessmentKind.PPV,
            upload=pdf_upload("010203-1234.pdf"),
        )
    assert "file" in error.value.message_dict


def test_a_cpr_number_in_the_file_name_is_told_as_the_files_name(client, world, tmp_path):
    """A scan named by the child's CPR number: the message said the person had written a CPR
    number in "the text", though they typed nothing; it names the file and says to rename it."""
    from django.utils.translation import gettext

    application = make_application(world, attach=False)
    client.force_login(world.leader)
    response = upload(client, application, "PPV 010203-1234.pdf", pdf_bytes())
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        gettext(
            "The file's name contains something that looks like a CPR number. Rename the file "
            "without it (the child's birth date has its own field) and attach it again."
        )
    ]
    assert "010203-1234" not in response.content.decode()
    assert not SupportDocument.objects.exists() and stored_files(tmp_path) == []


def test_a_storage_failure_is_a_message_and_keeps_nothing(client, world, tmp_path, monkeypatch):
    application = make_application(world, attach=False)

    def broken(self, name, content):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "_save", broken)
    client.force_login(world.leader)
    response = upload(client, application, "vurdering.pdf", pdf_bytes())
    assert response.status_code == 200
    assert SAVE_FAILED in response.content.decode()
    assert response.context["form"]["kind"].value() == AssessmentKind.MEDICAL
    assert not SupportDocument.objects.exists()
    assert not application.events.filter(kind=SupportEventKind.DOCUMENT_ADDED).exists()
    monkeypatch.undo()
    # Tried again once the storage is back: it works.
    from tests.conftest import support_storage_use

    support_storage_use(monkeypatch)
    response = upload(client, application, "vurdering.pdf", pdf_bytes())
    assert response.status_code == 302 and SupportDocument.objects.count() == 1


def test_no_orphan_file_when_the_row_cannot_be_written(world, tmp_path, monkeypatch):
    application = make_application(world, attach=False)

    def broken_event(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "_event", broken_event)
    with pytest.raises(RuntimeError):
        services.support_document_add(
            actor=world.leader,
            application_id=application.pk,
            kind=AssessmentKind.PPV,
            upload=pdf_upload(),
        )
    assert not SupportDocument.objects.exists()
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 200),
        ("consultant", 200),
        ("administrator", 200),
        ("outsider", 404),
        ("staff", 404),
        ("pedagogist", 404),
        ("added_pedagogist", 200),
    ],
)
def test_download_is_scoped_logged_and_never_cached(client, world, consultant, who, status):
    application = make_application(world, submit=True)
    document = application.documents.first()
    if who == "added_pedagogist":
        services.support_person_add(
            actor=world.administrator, application_id=application.pk, person=world.pedagogist.user
        )
    user = {
        "consultant": consultant,
        "pedagogist": world.pedagogist.user,
        "added_pedagogist": world.pedagogist.user,
    }.get(who) or getattr(world, who)
    client.force_login(user)
    response = client.get(reverse("support_document_download", args=[document.pk]))
    assert response.status_code == status
    rows = AccessLogEntry.objects.filter(url_name="support_document_download")
    if status != 200:
        assert not rows.exists()
        return
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Disposition"].startswith("attachment;")
    assert document.name in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    row = rows.get()
    assert row.action == AccessAction.DOWNLOAD and row.object_id == document.pk
    assert row.user == user and row.concerns == [world.leader.pk]


def test_the_files_have_no_public_address(client, world):
    application = make_application(world)
    document = application.documents.first()
    client.force_login(world.leader)
    for path in (f"/{document.file.name}", f"/media/{document.file.name}"):
        assert client.get(path).status_code == 404


def test_remove_by_view_only_while_editable(client, world, tmp_path):
    application = make_application(world)
    document = application.documents.first()
    client.force_login(world.staff)
    assert client.post(reverse("support_document_delete", args=[document.pk])).status_code == 404
    client.force_login(world.leader)
    response = client.post(reverse("support_document_delete", args=[document.pk]))
    assert response.status_code == 302
    assert not SupportDocument.objects.filter(pk=document.pk).exists()


def test_a_storage_failure_on_download_is_a_message(client, world, monkeypatch):
    application = make_application(world)
    document = application.documents.first()

    def broken(self, name, mode="rb"):
        raise OSError("store gone")

    monkeypatch.setattr(FileSystemStorage, "_open", broken)
    client.force_login(world.leader)
    response = client.get(reverse("support_document_download", args=[document.pk]), follow=True)
    assert "Filen kunne ikke hentes lige nu" in response.content.decode()
    assert not AccessLogEntry.objects.filter(url_name="support_document_download").exists()


def test_the_upload_still_checks_the_csrf_token(world):
    from django.test import Client

    application = make_application(world, attach=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader)
    response = upload(client, application, "vurdering.pdf", pdf_bytes())
    assert response.status_code == 403
    assert not SupportDocument.objects.exists()
