"""Every write of the operations room: heartbeats and the schedule editor."""

from datetime import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_celery_beat.models import PeriodicTask

from institutioner.errors import StateError
from institutioner.models import HEARTBEAT_TASK_PREFIX, Heartbeat, ScheduleChange, User
from institutioner.operations import health, schedules


def heartbeat_beat(*, name: str, detail: str = "") -> None:
    """Record that a background job ran now (the worker's heartbeat, or a scheduled rule)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "detail": detail[:200]}
    )


def heartbeat_task_started(*, process: str, task: str) -> None:
    """A worker process begins a task: the health page can name it if the process hangs."""
    Heartbeat.objects.update_or_create(
        name=process, defaults={"at": timezone.now(), "detail": task[:200]}
    )


def heartbeat_task_finished(*, process: str) -> None:
    Heartbeat.objects.filter(name=process).update(at=timezone.now(), detail="")


def heartbeats_forget_processes(*, older_than) -> int:
    """Remove the task rows of worker processes that have shown no sign since `older_than`
    (restarted or killed workers leave theirs behind)."""
    deleted, _ = Heartbeat.objects.filter(
        name__startswith=HEARTBEAT_TASK_PREFIX, at__lt=older_than
    ).delete()
    return deleted


@transaction.atomic
def schedule_change(
    *, actor: User, task_id: int, at: time, day_of_week: str, enabled: bool
) -> PeriodicTask:
    """Give an editable schedule a new time, weekdays and on/off, and record who did it. The
    beat notices the change at its next look at the table (within about a minute)."""
    task = (
        PeriodicTask.objects.select_for_update(of=("self",))
        .select_related("crontab")
        .get(pk=task_id)
    )
    try:
        editable = schedules.by_name(task.name).editable
    except KeyError:
        editable = False
    if not editable:
        raise StateError(_("This schedule cannot be changed here."))
    before = health.describe(task)
    task.crontab = schedules.crontab_for(
        hour=str(at.hour), minute=str(at.minute), day_of_week=day_of_week
    )
    task.enabled = enabled
    task.save(update_fields=["crontab", "enabled"])
    after = health.describe(task)
    if after != before:
        ScheduleChange.objects.create(schedule=task.name, actor=actor, before=before, after=after)
    return task
