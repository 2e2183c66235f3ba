"""A kept access request (its ZIP) is deleted `RETENTION_EXPORT_DAYS` after it was asked for: it
holds texts and access-log rows that retention anonymises or deletes in the system itself."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from institutioner.models import AccessRequest, StoredFile
from institutioner.retention import services as retention
from tests.institutioner.accessrequests.test_services import make


def test_an_access_request_and_its_zip_go_after_the_export_period(client, world, settings):
    settings.RETENTION_EXPORT_DAYS = 30
    old = make(world, world.leader)
    young = make(world, world.pedagogist.user)
    AccessRequest.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=31))
    AccessRequest.objects.filter(pk=young.pk).update(
        requested_at=timezone.now() - timedelta(days=29)
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
