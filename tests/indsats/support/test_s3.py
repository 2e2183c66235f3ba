"""The documents through a real S3-compatible server (moto's, started as a subprocess), as in
production with SUPPORT_STORAGE=s3; and an S3 endpoint that hangs gives a Danish message within
seconds instead of a hanging page."""

import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.urls import reverse
from storages.backends.s3 import S3Storage

from indsats.models import AssessmentKind, SupportDocument
from tests.indsats.support.helpers import make_application, pdf_bytes

pytestmark = pytest.mark.django_db

KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """A real S3-compatible server on a free port for the test session."""
    port = free_port()
    server = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("moto_server did not start")
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def s3_options(endpoint: str, bucket: str, timeout: float = 2.0) -> dict:
    """The options config/settings.py gives with SUPPORT_STORAGE=s3 (bounded waits)."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        **KEYS,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "addressing_style": "path",
        "client_config": Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"total_max_attempts": 1, "mode": "standard"},
            s3={"addressing_style": "path"},
        ),
    }


def use_s3(settings, monkeypatch, options: dict) -> None:
    from tests.conftest import support_storage_use

    settings.STORAGES = {
        **settings.STORAGES,
        "support": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    support_storage_use(monkeypatch)


@pytest.fixture
def s3_bucket(moto_endpoint, settings, monkeypatch):
    bucket = f"support-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_endpoint, **_boto_keys()).create_bucket(Bucket=bucket)
    use_s3(settings, monkeypatch, s3_options(moto_endpoint, bucket))
    return bucket


def _boto_keys() -> dict:
    return {
        "aws_access_key_id": KEYS["access_key"],
        "aws_secret_access_key": KEYS["secret_key"],
        "region_name": KEYS["region_name"],
    }


def test_upload_and_download_through_s3(
    client, world, moto_endpoint, s3_bucket, django_capture_on_commit_callbacks
):
    application = make_application(world, attach=False)
    assert isinstance(SupportDocument._meta.get_field("file").storage, S3Storage)
    client.force_login(world.leader)
    response = client.post(
        reverse("support_document_create", args=[application.pk]),
        {"kind": AssessmentKind.PPV, "file": _upload("ppv.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    document = SupportDocument.objects.get()
    # The object is in the bucket under its random name.
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, **_boto_keys())
    stored = s3.get_object(Bucket=s3_bucket, Key=document.file.name)["Body"].read()
    assert stored == pdf_bytes()
    response = client.get(reverse("support_document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    # Removing it (while a draft) deletes the object after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("support_document_delete", args=[document.pk]))
    assert response.status_code == 302
    listed = s3.list_objects_v2(Bucket=s3_bucket).get("Contents", [])
    assert listed == []


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.fixture
def hanging_endpoint():
    """A socket that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    server.close()


def test_a_hanging_s3_gives_a_danish_message_within_seconds(
    client, world, settings, monkeypatch, hanging_endpoint
):
    application = make_application(world, attach=False)
    # The production defaults: SUPPORT_S3_TIMEOUT, 2 s to connect and for each read.
    use_s3(settings, monkeypatch, s3_options(hanging_endpoint, "support"))
    client.force_login(world.leader)
    started = time.monotonic()
    response = client.post(
        reverse("support_document_create", args=[application.pk]),
        {"kind": AssessmentKind.PPV, "file": _upload("ppv.pdf", pdf_bytes())},
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert "Filen kunne ikke gemmes lige nu. Prøv igen." in response.content.decode()
    assert response.context["form"]["kind"].value() == AssessmentKind.PPV
    # Two seconds of waiting, and the upload's own work on a busy machine.
    assert elapsed < 4.5, f"waited {elapsed:.1f} s"
    assert not SupportDocument.objects.exists()
