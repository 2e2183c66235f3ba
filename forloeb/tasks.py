"""Celery finds an app's tasks in its `tasks` module; the reminder room keeps them."""

from forloeb.reminders.tasks import *  # noqa: F403
