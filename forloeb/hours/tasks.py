"""The hours room's task: building a large Excel export in the background."""

from celery import shared_task

from forloeb.hours import services


@shared_task(name="forloeb.tasks.hour_export_build", ignore_result=True)
def hour_export_build(export_id: int) -> None:
    services.hour_export_build(export_id=export_id)
