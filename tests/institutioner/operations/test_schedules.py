"""The schedules registry: each app's defaults, installed after `migrate`, never overwritten."""

from celery import current_app
from django_celery_beat.models import PeriodicTask

from institutioner.operations import schedules
from institutioner.operations.schedules import Schedule, all_schedules, schedules_install


def test_the_apps_register_their_schedules_reminders_first():
    assert [s.name for s in all_schedules()] == [
        "reminders-evaluations",
        "reminders-signatures",
        "reminders-courses-ending",
        "reminders-requests-waiting",
        "reminders-week-sheets",
        "reminders-week-sheets-again",
        "reminders-follow-ups",
        "reminders-support-revisits",
        "retention",
        "send-pending-notifications",
        "worker-heartbeat",
        "clear-expired-sessions",
        "builds-interrupted",
        "plan-area-calendar",
    ]
    assert [s.name for s in all_schedules() if s.editable][-1] == "retention"


def test_every_registered_schedule_is_installed_after_migrate_and_names_a_real_task(db):
    installed = dict(PeriodicTask.objects.values_list("name", "task"))
    # What a worker does at start: import every app's tasks module.
    current_app.autodiscover_tasks(force=True)
    for schedule in all_schedules():
        assert installed[schedule.name] == schedule.task
        assert schedule.task in current_app.tasks, schedule.task


def test_a_schedule_registered_later_is_installed_by_the_next_migrate(db, monkeypatch):
    monkeypatch.setattr(schedules, "_registered", dict(schedules._registered))
    schedules.register(
        Schedule(name="test-later", task="institutioner.tasks.worker_heartbeat", label="x", help="")
    )
    assert schedules_install() == 1
    assert PeriodicTask.objects.get(name="test-later").crontab is not None
    assert schedules_install() == 0
