"""A kept yearly report (its PDF quotes the leaders' comments) is deleted with its file
`RETENTION_EXPORT_DAYS` after it was asked for."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from forloeb.models import YearReport
from forloeb.yearreport import services
from institutioner.models import StoredFile
from institutioner.retention import services as retention
from tests.forloeb.yearreport.test_year_report import _world_with_comments


def _age(report: YearReport, days: int) -> None:
    YearReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_a_year_report_and_its_pdf_go_after_the_export_period(client, world, settings):
    settings.RETENTION_EXPORT_DAYS = 30
    _world_with_comments(world)
    report = services.year_report_start(actor=world.administrator, year=timezone.localdate().year)
    services.year_report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.file_id
    client.force_login(world.administrator)
    url = reverse("year_report_download", args=[report.pk])

    _age(report, 29)
    assert {r.step.name: r for r in retention.retention_run(now=timezone.now())}[
        "year-reports"
    ].done == 0
    assert client.get(url).status_code == 200

    _age(report, 31)
    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert reports["year-reports"].done == 1
    assert not YearReport.objects.exists()
    assert not StoredFile.objects.filter(pk=report.file_id).exists()
    assert client.get(url).status_code == 404
