"""A background Excel export of hours (pedagogists' hours by name) is deleted with its file
`RETENTION_EXPORT_DAYS` after it was made ready."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from forloeb.hours import services
from forloeb.models import HourExport, HourExportStatus
from institutioner.models import StoredFile
from institutioner.retention import services as retention

pytestmark = pytest.mark.django_db


def test_an_hour_export_and_its_file_go_after_the_export_period(client, world, logged, settings):
    settings.RETENTION_EXPORT_DAYS = 30
    made = []
    for days in (31, 29):
        export = services.hour_export_start(
            actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
        )
        services.hour_export_build(export_id=export.pk)
        then = timezone.now() - timedelta(days=days)
        HourExport.objects.filter(pk=export.pk).update(
            created_at=then, started_at=then, finished_at=then
        )
        export.refresh_from_db()
        made.append(export)
    old, young = made
    assert old.file_id and young.file_id

    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["hour-exports"].done == 1
    assert list(HourExport.objects.values_list("pk", flat=True)) == [young.pk]
    assert not StoredFile.objects.filter(pk=old.file_id).exists()
    assert StoredFile.objects.filter(pk=young.file_id).exists()
    client.force_login(world.administrator)
    assert client.get(reverse("hours_export_download", args=[old.pk])).status_code == 404
    assert client.get(reverse("hours_export_download", args=[young.pk])).status_code == 200


def _step(name: str, now) -> retention.StepReport:
    [report] = [r for r in retention.retention_report(now=now) if r.step.name == name]
    return report


def test_an_export_built_again_is_kept_from_when_it_was_built(client, world, logged, settings):
    """Asked for and failed 29 days ago, built again ("Byg den igen") today: the page and the
    retention run count the 30 days from today, not from when it was asked for."""
    settings.RETENTION_EXPORT_DAYS = 30
    export = services.hour_export_start(
        actor=world.administrator, start=logged - timedelta(weeks=1), end=logged
    )
    long_ago = timezone.now() - timedelta(days=29)
    HourExport.objects.filter(pk=export.pk).update(
        status=HourExportStatus.FAILED,
        created_at=long_ago,
        started_at=long_ago,
        finished_at=long_ago,
    )
    client.force_login(world.administrator)
    client.post(reverse("hours_export_status", args=[export.pk]))
    services.hour_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == HourExportStatus.DONE
    now = timezone.now()

    assert export.deleted_after == timezone.localdate(now + timedelta(days=30))
    page = client.get(reverse("hours_export_status", args=[export.pk])).content.decode()
    gone = date_format(export.deleted_after, "j. F Y")
    assert f"Filen slettes natten efter {gone}, 30 dage efter den blev lavet." in page
    # Tonight and in 29 days it stays (31 and 58 days after it was asked for), after 30 it goes.
    for later in (timedelta(hours=12), timedelta(days=29, hours=23)):
        assert _step("hour-exports", now + later).count == 0
    assert _step("hour-exports", now + timedelta(days=30, minutes=1)).ids == [export.pk]
    reports = {r.step.name: r for r in retention.retention_run(now=now + timedelta(days=2))}
    assert reports["hour-exports"].done == 0 and HourExport.objects.filter(pk=export.pk).exists()
