"""The plan's scheduled job: the area's shared calendar rebuilt into the cache."""

from celery import shared_task

from forloeb.plan.calendar import area_feed_refresh
from institutioner.operations.services import heartbeat_beat


@shared_task(name="forloeb.tasks.plan_area_calendar_refresh", ignore_result=True)
def plan_area_calendar_refresh() -> int:
    size = area_feed_refresh()
    heartbeat_beat(name="schedule:plan-area-calendar", detail=str(size))
    return size
