"""A kept yearly report (its PDF quotes the leaders' comments) is deleted with its file
`RETENTION_EXPORT_DAYS` after it was made ready."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from forloeb.models import HourExportStatus, YearReport
from forloeb.yearreport import services
from institutioner.models import StoredFile
from institutioner.retention import services as retention
from tests.forloeb.yearreport.test_year_report import _world_with_comments


def _age(report: YearReport, days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    YearReport.objects.filter(pk=report.pk).update(
        created_at=then, started_at=then, finished_at=then
    )


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


def test_a_report_built_again_is_kept_from_when_it_was_built(client, world, settings):
    """Asked for and failed 29 days ago, built again ("Byg igen") today: the page and the
    retention run count the 30 days from today, not from when it was asked for."""
    settings.RETENTION_EXPORT_DAYS = 30
    _world_with_comments(world)
    report = services.year_report_start(actor=world.administrator, year=timezone.localdate().year)
    _age(report, 29)
    YearReport.objects.filter(pk=report.pk).update(status=HourExportStatus.FAILED)
    client.force_login(world.administrator)
    client.post(reverse("year_report_status", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == HourExportStatus.WAITING
    services.year_report_build(report_id=report.pk)
    report.refresh_from_db()
    now = timezone.now()

    assert report.deleted_after == timezone.localdate(now + timedelta(days=30))
    page = client.get(reverse("year_report_status", args=[report.pk])).content.decode()
    assert f"natten efter {date_format(report.deleted_after, 'j. F Y')}, 30 dage efter" in page
    found = {r.step.name: r for r in retention.retention_report(now=now + timedelta(hours=12))}
    assert found["year-reports"].count == 0
    found = {r.step.name: r for r in retention.retention_report(now=now + timedelta(days=31))}
    assert found["year-reports"].ids == [report.pk]
    reports = {r.step.name: r for r in retention.retention_run(now=now + timedelta(days=2))}
    assert reports["year-reports"].done == 0 and YearReport.objects.filter(pk=report.pk).exists()
