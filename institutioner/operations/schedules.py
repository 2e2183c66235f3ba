"""The beat's schedules: defaults installed in the database, times changed by the administration.

django-celery-beat's DatabaseScheduler reads `PeriodicTask` rows. Each app registers its default
schedules here from its AppConfig.ready() (this app its technical jobs, higher apps their
reminders), so this module names no task of theirs. `schedules_install` runs after every `migrate`
(when every app is ready) and creates a missing row for each registered schedule; an existing row
is left as it is, so a time the administration changed survives upgrades and restarts. Crontab
times are wall-clock times in Europe/Copenhagen, so 14:00 stays 14:00 across the daylight-saving
changes.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

WEEKDAYS_ALL = "*"
WEEKDAYS_WORK = "1-5"


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    label: object  # lazy Danish text
    help: object
    # A crontab (hour, minute, day_of_week) or an interval in seconds.
    hour: str = ""
    minute: str = ""
    day_of_week: str = WEEKDAYS_ALL
    every_seconds: int = 0
    # A run still queued when the next is due is redundant (a worker that was away).
    expire_seconds: int | None = None
    # The Heartbeat row its task writes when it has run.
    heartbeat: str = ""
    # Where it stands on the health page, lowest first; equal ones in the order registered.
    order: int = 50

    @property
    def heartbeat_name(self) -> str:
        return self.heartbeat or f"schedule:{self.name}"

    @property
    def editable(self) -> bool:
        """Reminders run at a time of day the administration may change; the technical
        every-minute jobs are shown but not edited."""
        return not self.every_seconds


_registered: dict[str, Schedule] = {}


def register(*schedules: Schedule) -> None:
    """Add an app's schedules, from its AppConfig.ready(); installed after the next `migrate`."""
    for schedule in schedules:
        _registered[schedule.name] = schedule


def all_schedules() -> list[Schedule]:
    """Every registered schedule in the order the health page shows them."""
    return sorted(_registered.values(), key=lambda schedule: schedule.order)


def by_name(name: str) -> Schedule:
    return _registered[name]


# This app's own technical jobs: they run every minute or hour and come last on the health page.
register(
    Schedule(
        name="send-pending-notifications",
        task="institutioner.tasks.notifications_send_pending",
        label=_("Send waiting e-mails"),
        help=_("Sends what could not be sent at once, and the retries after a failure."),
        every_seconds=60,
        expire_seconds=55,
        order=90,
    ),
    Schedule(
        name="worker-heartbeat",
        task="institutioner.tasks.worker_heartbeat",
        label=_("Sign of life from the background process"),
        help=_("Shows on this page that the background process runs the jobs."),
        every_seconds=60,
        expire_seconds=55,
        heartbeat="worker",
        order=90,
    ),
    Schedule(
        name="clear-expired-sessions",
        task="institutioner.tasks.sessions_clear_expired",
        label=_("Remove expired logins"),
        help=_("Deletes logins that have been idle for too long."),
        every_seconds=3600,
        expire_seconds=3500,
        order=90,
    ),
)


def crontab_for(*, hour: str, minute: str, day_of_week: str) -> CrontabSchedule:
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_week=day_of_week,
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    return crontab


@transaction.atomic
def schedules_install() -> int:
    """Create the periodic tasks that are missing; returns how many. Never changes one."""
    existing = set(PeriodicTask.objects.values_list("name", flat=True))
    created = 0
    for schedule in all_schedules():
        if schedule.name in existing:
            continue
        fields: dict = {
            "name": schedule.name,
            "task": schedule.task,
            "kwargs": json.dumps({}),
            "expire_seconds": schedule.expire_seconds,
            "description": str(schedule.label),
        }
        if schedule.every_seconds:
            fields["interval"], _created = IntervalSchedule.objects.get_or_create(
                every=schedule.every_seconds, period=IntervalSchedule.SECONDS
            )
        else:
            fields["crontab"] = crontab_for(
                hour=schedule.hour, minute=schedule.minute, day_of_week=schedule.day_of_week
            )
        PeriodicTask.objects.create(**fields)
        created += 1
    return created


def install_after_migrate(sender, **kwargs) -> None:
    """post_migrate: install once the beat's tables exist (also after a test database flush)."""
    if sender.name != "institutioner":
        return
    schedules_install()
