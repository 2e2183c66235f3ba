"""The yearly report: asked for by the administration, built by the worker section by section
(its progress on the row), kept as a StoredFile for download."""

import logging
from collections.abc import Callable
from datetime import datetime

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forloeb import access
from forloeb.models import HourExportStatus, YearReport, YearReportFailure
from forloeb.yearreport import pdf, selectors
from institutioner.errors import StateError
from institutioner.files.services import (
    register_producer,
    stored_file_keep,
    stored_files_delete,
)
from institutioner.models import StoredFile, User, export_kept_since_expression
from institutioner.onejob import stopped_if_started_before, unfinished_or_new

logger = logging.getLogger(__name__)

PRODUCER = "year_report_pdf"
PDF_TYPE = "application/pdf"
FIRST_YEAR = 2000


def _steps() -> int:
    """Each section, and the PDF itself."""
    return len(selectors.SECTIONS) + 1


def _sections(report: YearReport, progress: Callable[[int], None] | None = None) -> dict:
    institutions = access.year_report_institutions_for(report.requested_by)
    with translation.override("da"):  # the labels the sections carry, whoever builds it
        return selectors.report_sections(report.year, institutions, progress=progress)


def _pdf(report: YearReport, sections: dict) -> bytes:
    return pdf.year_report_pdf(report.year, sections, made_on=timezone.localdate())


def _build(report: YearReport, progress: Callable[[int], None] | None = None) -> bytes:
    return _pdf(report, _sections(report, progress))


def _make_report_file(file: StoredFile) -> bytes:
    """The maker registered for the kept file: builds it in one go (the worker's build, with
    progress, normally keeps it first; this answers if anybody asks before)."""
    return _build(YearReport.objects.select_related("requested_by").get(pk=file.object_id))


register_producer(PRODUCER, _make_report_file)


def year_report_start(*, actor: User, year: int) -> YearReport:
    """A yearly report of `year`, built by the worker after the commit."""
    if not access.can_make_year_reports(actor):
        raise StateError(_("Only the administration makes the yearly report."))
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise StateError(
            _("Choose a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year}
        )
    if not selectors.has_data(year, access.year_report_institutions_for(actor)):
        raise StateError(
            _(
                "There is nothing to report for %(year)s: no requests were submitted, no courses "
                "ran and no hours were reported that year."
            )
            % {"year": year}
        )
    # While the same year's report asked for by `actor` is waiting or being built, asking again
    # answers with that one (institutioner/onejob.py); not with one whose build was stopped.
    year_reports_interrupted(requested_by=actor)

    def make() -> YearReport:
        report = YearReport.objects.create(year=year, requested_by=actor, steps_total=_steps())
        report_id = report.pk
        transaction.on_commit(lambda: _enqueue_build(report_id))
        return report

    return unfinished_or_new(
        actor,
        YearReport.objects.filter(
            year=year,
            requested_by=actor,
            status__in=(HourExportStatus.WAITING, HourExportStatus.RUNNING),
        ),
        make,
    )


def _enqueue_build(report_id: int) -> None:
    try:
        current_app.send_task("forloeb.tasks.year_report_build", args=[report_id])
    except Exception:
        # The page says it waits; "Byg igen" (year_report_restart) hands it over once more.
        logger.warning("Could not hand yearly report %s to the broker.", report_id, exc_info=True)


def year_report_build(
    *, report_id: int, after_progress: Callable[[int], None] | None = None
) -> YearReport | None:
    """Builds a waiting report, counting its sections as it goes, and keeps the PDF. Returns
    None when the report is not waiting (built, being built by another worker, or failed), so a
    second run of the task does nothing."""
    with transaction.atomic():
        report = (
            YearReport.objects.select_for_update(skip_locked=True)
            .select_related("requested_by")
            .filter(pk=report_id, status=HourExportStatus.WAITING)
            .first()
        )
        if report is None:
            return None
        report.status = HourExportStatus.RUNNING
        report.started_at = timezone.now()
        report.steps_done = 0
        report.save(update_fields=["status", "started_at", "steps_done"])

    def progress(done: int) -> None:
        YearReport.objects.filter(pk=report_id).update(steps_done=done)
        if after_progress is not None:
            after_progress(done)

    # Where it stands, so that a failure can say in plain words where it stopped.
    stage = YearReportFailure.FIGURES
    try:
        sections = _sections(report, progress)
        stage = YearReportFailure.PDF
        data = _pdf(report, sections)
        stage = YearReportFailure.STORAGE
        with transaction.atomic():
            report.file = stored_file_keep(
                producer=PRODUCER,
                concerns=report,
                name=report.file_name,
                mimetype=PDF_TYPE,
                data=data,
            )
            report.status = HourExportStatus.DONE
            report.steps_done = report.steps_total
            report.finished_at = timezone.now()
            report.save(update_fields=["file", "status", "steps_done", "finished_at"])
    except Exception as error:
        if isinstance(error, SoftTimeLimitExceeded):
            stage = YearReportFailure.INTERRUPTED
        # The traceback goes to the worker's log (the task raises); the page says `stage`.
        try:
            YearReport.objects.filter(pk=report_id, status=HourExportStatus.RUNNING).update(
                status=HourExportStatus.FAILED, finished_at=timezone.now(), failure=stage
            )
        except DatabaseError:
            # The database is gone too: year_reports_interrupted marks it later.
            logger.warning("Could not mark yearly report %s failed.", report_id, exc_info=True)
        raise
    return report


def year_reports_interrupted(
    *, report_ids: list[int] | None = None, requested_by: User | None = None
) -> int:
    """Reports still "being built" whose build has run longer than the task may (its process
    was ended by the time limit, or the worker died or lost the database and could not say):
    failed as interrupted. The beat runs it every few minutes (`builds_interrupted`); a
    report's page and asking for a year again run it for theirs. Returns how many."""
    # The build task has no time limit of its own (forloeb/yearreport/tasks.py): the project's.
    running = YearReport.objects.filter(
        status=HourExportStatus.RUNNING, started_at__lt=stopped_if_started_before()
    )
    if report_ids is not None:
        running = running.filter(pk__in=report_ids)
    if requested_by is not None:
        running = running.filter(requested_by=requested_by)
    return running.update(
        status=HourExportStatus.FAILED,
        finished_at=timezone.now(),
        failure=YearReportFailure.INTERRUPTED,
    )


def year_report_restart(*, actor: User, report: YearReport) -> YearReport:
    """A failed report, or one that waited for a worker in vain, is handed over again."""
    if not access.can_make_year_reports(actor):
        raise StateError(_("Only the administration makes the yearly report."))
    with transaction.atomic():
        report = YearReport.objects.select_for_update().get(pk=report.pk)
        if report.status == HourExportStatus.DONE:
            raise StateError(_("The report is ready already."))
        if report.status == HourExportStatus.RUNNING:
            raise StateError(_("The report is being built."))
        report.status = HourExportStatus.WAITING
        report.steps_done = 0
        report.finished_at = None
        report.failure = ""
        report.save(update_fields=["status", "steps_done", "finished_at", "failure"])
        transaction.on_commit(lambda: _enqueue_build(report.pk))
    return report


def year_reports_old(*, before: datetime) -> QuerySet:
    """The ids of the reports kept since before `before` (asked for, or last built, then:
    `export_kept_since`), oldest first."""
    return (
        YearReport.objects.alias(
            kept_since=export_kept_since_expression("created_at", "started_at", "finished_at")
        )
        .filter(kept_since__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def year_reports_purge(*, before: datetime) -> int:
    """Retention: reports kept since before `before` go, each with its PDF (it quotes the
    leaders' comments, which retention anonymises later in the system itself); a new one can be
    made at any time. Returns how many went."""
    ids = list(year_reports_old(before=before))
    YearReport.objects.filter(pk__in=ids).delete()
    stored_files_delete(model=YearReport, object_ids=ids)
    return len(ids)
