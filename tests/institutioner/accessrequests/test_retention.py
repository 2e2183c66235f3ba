"""A kept access request (its ZIP) is deleted `RETENTION_EXPORT_DAYS` after it was made: it
holds texts and access-log rows that retention anonymises or deletes in the system itself."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from institutioner.accessrequests import services
from institutioner.models import AccessRequest, AccessRequestStatus, StoredFile
from institutioner.retention import services as retention
from tests.institutioner.accessrequests.test_services import make


def test_an_access_request_and_its_zip_go_after_the_export_period(client, world, settings):
    settings.RETENTION_EXPORT_DAYS = 30
    old = make(world, world.leader)
    young = make(world, world.pedagogist.user)
    for made, days in ((old, 31), (young, 29)):
        then = timezone.now() - timedelta(days=days)
        AccessRequest.objects.filter(pk=made.pk).update(
            requested_at=then, started_at=then, finished_at=then
        )
    client.force_login(world.administrator)
    assert client.get(reverse("access_request_download", args=[old.pk])).status_code == 200

    [report] = [
        r
        for r in retention.retention_report(now=timezone.now())
        if r.step.name == "access-requests"
    ]
    assert (report.count, report.ids) == (1, [old.pk])
    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["access-requests"].done == 1 and not reports["access-requests"].failed_all
    assert list(AccessRequest.objects.values_list("pk", flat=True)) == [young.pk]
    assert not StoredFile.objects.filter(pk=old.file_id).exists()
    assert StoredFile.objects.filter(pk=young.file_id).exists()
    assert client.get(reverse("access_request_download", args=[old.pk])).status_code == 404
    assert client.get(reverse("access_request_download", args=[young.pk])).status_code == 200
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["access-requests"].count == 0


def test_an_access_request_made_again_is_kept_from_when_it_was_made(client, world, settings):
    """Asked for and failed 29 days ago, started again today: the page and the retention run
    count the 30 days from when the ZIP was made, not from when it was asked for."""
    settings.RETENTION_EXPORT_DAYS = 30
    made = services.access_request_create(actor=world.administrator, subject=world.leader)
    long_ago = timezone.now() - timedelta(days=29)
    AccessRequest.objects.filter(pk=made.pk).update(
        status=AccessRequestStatus.FAILED,
        requested_at=long_ago,
        started_at=long_ago,
        error="OSError: disk full",
    )
    client.force_login(world.administrator)
    client.post(reverse("access_request_restart", args=[made.pk]))
    made.refresh_from_db()
    assert made.status == AccessRequestStatus.QUEUED
    assert services.access_request_build(request_id=made.pk)
    made.refresh_from_db()
    now = timezone.now()

    assert made.deleted_after == timezone.localdate(now + timedelta(days=30))
    page = client.get(made.get_absolute_url()).content.decode()
    assert f"natten efter {date_format(made.deleted_after, 'j. F Y')}, 30 dage efter" in page
    found = {r.step.name: r for r in retention.retention_report(now=now + timedelta(hours=12))}
    assert found["access-requests"].count == 0
    found = {r.step.name: r for r in retention.retention_report(now=now + timedelta(days=31))}
    assert found["access-requests"].ids == [made.pk]
    reports = {r.step.name: r for r in retention.retention_run(now=now + timedelta(days=2))}
    assert reports["access-requests"].done == 0
    assert AccessRequest.objects.filter(pk=made.pk).exists()
