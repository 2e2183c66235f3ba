"""The hours room's tasks: building a large Excel export in the background, and noticing builds
(of the exports and of the yearly report) that were stopped mid-way."""

from celery import shared_task

from forloeb.hours import services
from forloeb.yearreport import services as year_reports
from institutioner.operations.services import heartbeat_beat

BUILDS_INTERRUPTED = "builds-interrupted"


@shared_task(name="forloeb.tasks.hour_export_build", ignore_result=True)
def hour_export_build(export_id: int) -> None:
    services.hour_export_build(export_id=export_id)


@shared_task(name="forloeb.tasks.builds_interrupted", ignore_result=True)
def builds_interrupted() -> int:
    """Hour exports and yearly reports still "being built" past their task's time limit are
    failed (the person who asked for an export is told)."""
    marked = services.hour_exports_interrupted() + year_reports.year_reports_interrupted()
    heartbeat_beat(name=f"schedule:{BUILDS_INTERRUPTED}", detail=str(marked))
    return marked
