"""What the health page and `manage.py health` show: broker, worker, beat and outbox."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.schedules import crontab_parser
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_celery_beat.models import PeriodicTask

from institutioner import workdays
from institutioner.broker import broker_ping
from institutioner.models import HEARTBEAT_TASK_PREFIX, Heartbeat, Notification, NotificationStatus
from institutioner.operations.schedules import Schedule, all_schedules


@dataclass
class ScheduleState:
    schedule: Schedule
    task: PeriodicTask | None
    when: str
    last_sent: datetime | None  # by the beat
    last_run: datetime | None  # by the worker
    last_result: str
    expected: datetime | None  # the latest time it should have run by now
    late: bool


@dataclass
class Health:
    broker_ok: bool
    broker_detail: str
    worker_at: datetime | None
    worker_late: bool
    schedules: list[ScheduleState]
    pending: int
    pending_waiting: int  # pending, but waiting for a retry after a failure
    oldest_pending: datetime | None
    failed: int
    failures: list[Notification] = field(default_factory=list)
    # Tasks a worker process began and has not finished: (task, since), newest first.
    running: list[tuple[str, datetime]] = field(default_factory=list)
    now: datetime = field(default_factory=timezone.now)

    @property
    def problems(self) -> list[str]:
        found = []
        if not self.broker_ok:
            found.append(
                _("The broker does not answer: %(detail)s") % {"detail": self.broker_detail}
            )
        if self.worker_late:
            if self.worker_at:
                found.append(
                    _("No sign of life from the background process since %(when)s.")
                    % {"when": _clock(self.worker_at)}
                )
            else:
                found.append(_("No sign of life from the background process yet."))
            for task, since in self.running:
                found.append(
                    _("It was running: %(task)s (since %(when)s).")
                    % {"task": task_label(task), "when": _clock(since)}
                )
        else:
            for task, since in self.running:
                if self.now - since > _late():
                    found.append(
                        _("A task has been running since %(when)s: %(task)s.")
                        % {"task": task_label(task), "when": _clock(since)}
                    )
        for state in self.schedules:
            if state.late:
                found.append(_("Did not run as planned: %(name)s") % {"name": state.schedule.label})
        if self.failed:
            found.append(_("E-mails that could not be sent: %(n)s") % {"n": self.failed})
        if self.oldest_pending and self.oldest_pending < timezone.now() - _late():
            # Due for a while and still not sent: the worker or the sweep is not running.
            found.append(_("E-mails have waited in the outbox for more than a few minutes."))
        return found


def _clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m. %H:%M:%S")


def task_label(task: str) -> str:
    """A schedule's Danish name where the task belongs to one, else the task's own name."""
    for schedule in all_schedules():
        if schedule.task == task:
            return f"{schedule.label} ({task})"
    return task


def readiness() -> list[tuple[str, str]]:
    """Each required service and "ok" or why not, within the web's short timeouts."""
    checks = [("database", _database_answers())]
    if settings.REDIS_URL:
        ok, detail = broker_ping()
        checks.append(("redis", "ok" if ok else detail))
    return checks


def _database_answers() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return "ok"


def _late() -> timedelta:
    return timedelta(minutes=settings.HEALTH_HEARTBEAT_LATE_MINUTES)


def _weekday_set(day_of_week: str) -> set[int]:
    # Crontab counts Sunday as 0; Python's weekday() counts Monday as 0.
    return {(day - 1) % 7 for day in crontab_parser(7).parse(day_of_week)}


def previous_run(task: PeriodicTask, now: datetime) -> datetime | None:
    """The last time at or before `now` the task was due, on the Copenhagen wall clock."""
    if task.interval is not None:
        return now - timedelta(seconds=task.interval.schedule.run_every.total_seconds())
    crontab = task.crontab
    if crontab is None:
        return None
    hours = crontab_parser(24).parse(crontab.hour)
    minutes = crontab_parser(60).parse(crontab.minute)
    weekdays = _weekday_set(crontab.day_of_week)
    today = timezone.localtime(now, workdays.local_zone()).date()
    for back in range(8):
        day = today - timedelta(days=back)
        if day.weekday() not in weekdays:
            continue
        times = sorted(
            (workdays.at_local(day, datetime.min.time().replace(hour=h, minute=m)))
            for h in hours
            for m in minutes
        )
        past = [t for t in times if t <= now]
        if past:
            return past[-1]
    return None


def describe(task: PeriodicTask | None) -> str:
    if task is None:
        return _("Not installed (run migrate)")
    if task.interval is not None:
        seconds = int(task.interval.schedule.run_every.total_seconds())
        if seconds % 3600 == 0:
            return (
                _("Every hour")
                if seconds == 3600
                else _("Every %(n)s hours") % {"n": seconds // 3600}
            )
        if seconds % 60 == 0:
            return (
                _("Every minute")
                if seconds == 60
                else _("Every %(n)s minutes") % {"n": seconds // 60}
            )
        return _("Every %(n)s seconds") % {"n": seconds}
    crontab = task.crontab
    assert crontab is not None
    weekdays = _weekday_set(crontab.day_of_week)
    if weekdays == set(range(7)):
        days = _("every day")
    elif weekdays == set(range(5)):
        days = _("Monday to Friday")
    else:
        names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
        days = ", ".join(names[d] for d in sorted(weekdays))
    times = ", ".join(
        f"{h:02d}:{m:02d}"
        for h in sorted(crontab_parser(24).parse(crontab.hour))
        for m in sorted(crontab_parser(60).parse(crontab.minute))
    )
    return _("%(times)s, %(days)s") % {"times": times, "days": days}


def health(*, now: datetime | None = None) -> Health:
    now = now or timezone.now()
    late = _late()
    broker_ok, broker_detail = broker_ping()
    schedules = all_schedules()
    tasks = {
        t.name: t
        for t in PeriodicTask.objects.filter(name__in=[s.name for s in schedules]).select_related(
            "interval", "crontab"
        )
    }
    beats = {h.name: h for h in Heartbeat.objects.all()}
    # A task row older than the hard time limit belongs to a process that is gone (the limit
    # ends a task's process); it is no longer "running".
    gone = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - late
    running = sorted(
        (
            (beat.detail, beat.at)
            for beat in beats.values()
            if beat.name.startswith(HEARTBEAT_TASK_PREFIX) and beat.detail and beat.at > gone
        ),
        key=lambda item: item[1],
        reverse=True,
    )
    worker = beats.get("worker")
    states = []
    for schedule in schedules:
        task = tasks.get(schedule.name)
        beat = beats.get(schedule.heartbeat_name)
        expected = previous_run(task, now) if task is not None and task.enabled else None
        last_run = beat.at if beat else None
        # Late: it should have run a while ago and the worker has no record of it since. A
        # schedule the beat never sent (a new installation) has simply not run yet.
        ran_ever = last_run is not None or (task is not None and task.last_run_at is not None)
        is_late = bool(
            expected
            and ran_ever
            and now - expected > late
            and (last_run is None or last_run < expected - timedelta(minutes=1))
        )
        states.append(
            ScheduleState(
                schedule=schedule,
                task=task,
                when=describe(task),
                last_sent=task.last_run_at if task else None,
                last_run=last_run,
                last_result=beat.detail if beat else "",
                expected=expected,
                late=is_late,
            )
        )
    counts = Notification.objects.aggregate(
        pending=Count("pk", filter=Q(status=NotificationStatus.PENDING)),
        waiting=Count("pk", filter=Q(status=NotificationStatus.PENDING, next_attempt_at__gt=now)),
        # Since when a pending message has been due: created, or due again after a backoff or
        # a retry by the administration.
        oldest=Min(
            Coalesce("next_attempt_at", "created_at"),
            filter=Q(status=NotificationStatus.PENDING),
        ),
        failed=Count("pk", filter=Q(status=NotificationStatus.FAILED)),
    )
    failures = list(
        Notification.objects.filter(
            Q(status=NotificationStatus.FAILED)
            | Q(status=NotificationStatus.PENDING, attempts__gt=0)
        )
        .select_related("recipient")
        .order_by("-created_at", "-pk")[:20]
    )
    return Health(
        broker_ok=broker_ok,
        broker_detail=broker_detail,
        worker_at=worker.at if worker else None,
        worker_late=worker is None or now - worker.at > late,
        schedules=states,
        pending=counts["pending"],
        pending_waiting=counts["waiting"],
        oldest_pending=counts["oldest"],
        failed=counts["failed"],
        failures=failures,
        running=running,
        now=now,
    )
