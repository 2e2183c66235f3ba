"""Access requests in the browser's terms: who may ask, progress, the download, and a real
Celery worker that makes the ZIP from Redis."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from config.celery import app
from institutioner.models import AccessAction, AccessLogEntry, AccessRequest, AccessRequestStatus
from tests.conftest import require_service
from tests.institutioner.accessrequests.conftest import OTTO_NEED, section, unzip

LIST = reverse("access_request_list")
CREATE = reverse("access_request_create")


@pytest.fixture
def eager():
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def test_the_administration_asks_and_downloads(
    client, people, eager, django_capture_on_commit_callbacks
):
    w = people
    client.force_login(w.administrator)
    page = client.get(LIST).content.decode()
    assert "Otto Udenfor (otto@example.dk)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, {"person": w.leader.pk})
    made = AccessRequest.objects.get()
    assert response.status_code == 302 and response.url == made.get_absolute_url()
    detail = client.get(made.get_absolute_url())
    assert "Klar" in detail.content.decode()
    assert "Hent indsigten (ZIP)" in detail.content.decode()
    page = detail.content.decode()

    # When the kept file goes (RETENTION_EXPORT_DAYS after it was made) is said beside it.
    gone = date_format(timezone.localdate(made.finished_at + timedelta(days=30)), "j. F Y")
    assert f"Filen slettes natten efter {gone}, 30 dage efter den blev lavet." in page
    download = client.get(reverse("access_request_download", args=[made.pk]))
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="indsigt-lene-leder-')
    files = unzip(download.content)
    assert section(files, "profile")[0]["name"] == "Lene Leder"
    assert OTTO_NEED not in "".join(files.values())
    rows = AccessLogEntry.objects.filter(
        object_id=made.pk, url_name__startswith="access_request"
    ).order_by("pk")
    assert [(row.url_name, row.action, row.concerns) for row in rows] == [
        ("access_request_create", AccessAction.EXPORT, [w.leader.pk]),
        ("access_request_detail", AccessAction.VIEW, [w.leader.pk]),
        ("access_request_download", AccessAction.DOWNLOAD, [w.leader.pk]),
    ]
    # The requester is told in the app (and by e-mail).
    inbox = client.get(reverse("notifications")).content.decode()
    assert inbox.count(f"Indsigt nr. {made.pk} er klar") == 1


def test_a_bad_choice_is_a_danish_message(client, world):
    client.force_login(world.administrator)
    for value in ["", "9" * 40, "abc", "x" * 50_000]:
        response = client.post(CREATE, {"person": value})
        assert response.status_code == 400
        assert "invalid-feedback" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_not_ready_yet_sends_back_to_the_progress(client, world):
    made = AccessRequest.objects.create(subject=world.leader, requested_by=world.administrator)
    client.force_login(world.administrator)
    response = client.get(reverse("access_request_download", args=[made.pk]))
    assert response.status_code == 302 and response.url == made.get_absolute_url()
    page = client.get(made.get_absolute_url()).content.decode()
    assert "data-refresh-seconds" in page and "Venter" in page


@pytest.mark.parametrize("role", ["leader", "staff", "pedagogist", "outsider"])
def test_others_get_404(client, world, role):
    made = AccessRequest.objects.create(subject=world.leader, requested_by=world.administrator)
    client.force_login(world.user_for(role))
    assert client.get(LIST).status_code == 404
    assert client.post(CREATE, {"person": world.leader.pk}).status_code == 404
    for name in ["access_request_detail", "access_request_download"]:
        assert client.get(reverse(name, args=[made.pk])).status_code == 404
    assert client.post(reverse("access_request_restart", args=[made.pk])).status_code == 404
    assert AccessRequest.objects.count() == 1


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def redis_worker(transactional_db, postgres):
    require_service(settings.CELERY_BROKER_URL.startswith("redis://"), "Redis (REDIS_URL)")
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def test_a_real_worker_makes_it_and_the_page_shows_progress(client, redis_worker, people):
    w = people
    client.force_login(w.administrator)
    response = client.post(CREATE, {"person": w.pedagogist.user_id})
    made = AccessRequest.objects.get()
    assert response.status_code == 302
    done = _wait_for(
        lambda: AccessRequest.objects.filter(pk=made.pk, status=AccessRequestStatus.DONE).first(),
        60,
        "the worker to make the access request",
    )
    assert done.rows_done == done.rows_total > 0 and done.percent == 100
    assert done.started_at <= done.finished_at
    page = client.get(done.get_absolute_url()).content.decode()
    assert 'value="100"' in page and "data-refresh-seconds" not in page
    files = unzip(client.get(reverse("access_request_download", args=[made.pk])).content)
    assert [s["note"] for s in section(files, "week_sheets")] == ["Paulas uge"]
