"""The yearly report's task: building the PDF in the background."""

from celery import shared_task

from forloeb.yearreport import services


@shared_task(name="forloeb.tasks.year_report_build", ignore_result=True)
def year_report_build(report_id: int) -> None:
    services.year_report_build(report_id=report_id)
