"""A background Excel export of hours (pedagogists' hours by name) is deleted with its file
`RETENTION_EXPORT_DAYS` after it was asked for."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forloeb.hours import services
from forloeb.models import HourExport
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
        HourExport.objects.filter(pk=export.pk).update(
            created_at=timezone.now() - timedelta(days=days)
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
