"""Celery finds an app's tasks in its `tasks` module; the rooms keep them."""

from forloeb.hours.tasks import builds_interrupted, hour_export_build  # noqa: F401
from forloeb.plan.tasks import plan_area_calendar_refresh  # noqa: F401
from forloeb.reminders.tasks import *  # noqa: F403
from forloeb.yearreport.tasks import year_report_build  # noqa: F401
