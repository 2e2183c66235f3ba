"""The nightly retention run: a thin task; its result shows on the health page."""

from celery import shared_task
from django.utils import timezone, translation

from institutioner.operations.services import heartbeat_beat
from institutioner.retention import services


@shared_task(name="institutioner.tasks.retention_run", ignore_result=True)
def retention_run() -> int:
    reports = services.retention_run(now=timezone.now())
    with translation.override("da"):
        heartbeat_beat(name="schedule:retention", detail=services.summary(reports))
    return sum(report.done for report in reports)
