"""The schedule editor writes through a service that records who changed what."""

from datetime import time

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from institutioner.errors import StateError
from institutioner.models import ScheduleChange
from institutioner.operations.services import schedule_change


def test_a_changed_time_names_who_changed_it_from_what_to_what(client, world):
    task = PeriodicTask.objects.get(name="reminders-week-sheets")
    schedule_change(
        actor=world.administrator, task_id=task.pk, at=time(13, 30), day_of_week="4,5", enabled=True
    )
    (change,) = ScheduleChange.objects.all()
    assert change.schedule == "reminders-week-sheets" and change.actor == world.administrator
    assert change.before.startswith("14:00") and change.after == "13:30, tors, fre"

    # Saving the same again changes nothing and records nothing.
    schedule_change(
        actor=world.administrator, task_id=task.pk, at=time(13, 30), day_of_week="4,5", enabled=True
    )
    assert ScheduleChange.objects.count() == 1

    client.force_login(world.administrator)
    html = client.get(reverse("schedule_edit", args=[task.pk])).content.decode()
    assert "Frida Forvaltning" in html and "13:30, tors, fre" in html


def test_a_technical_job_is_not_changed_by_the_service_either(world):
    sweep = PeriodicTask.objects.get(name="send-pending-notifications")
    with pytest.raises(StateError):
        schedule_change(
            actor=world.administrator,
            task_id=sweep.pk,
            at=time(3, 0),
            day_of_week="*",
            enabled=True,
        )
    assert not ScheduleChange.objects.exists()


def test_the_health_page_names_the_task_a_late_worker_was_running(client, world):
    """The worker's heartbeat is late after HEALTH_HEARTBEAT_LATE_MINUTES (2): reported within
    a minute or two, with the task it began and never finished."""
    from datetime import timedelta

    from django.utils import timezone

    from institutioner.operations import services
    from institutioner.operations.health import health

    now = timezone.now()
    services.heartbeat_beat(name="worker")
    services.heartbeat_task_started(
        process="task:worker-1:42", task="institutioner.tasks.notifications_send_pending"
    )
    services.heartbeat_task_started(process="task:worker-1:43", task="other.task")
    services.heartbeat_task_finished(process="task:worker-1:43")

    assert not health(now=now + timedelta(seconds=90)).worker_late
    late = health(now=now + timedelta(minutes=2, seconds=30))
    assert late.worker_late
    assert [task for task, _since in late.running] == [
        "institutioner.tasks.notifications_send_pending"
    ]
    text = " ".join(late.problems)
    assert "Intet livstegn fra baggrundsprocessen siden" in text
    assert "Den var i gang med:" in text and "notifications_send_pending" in text
    assert "other.task" not in text

    # Processes gone a day ago are forgotten by the next heartbeat.
    assert services.heartbeats_forget_processes(older_than=now + timedelta(days=1)) == 2


def test_a_failed_e_mail_says_in_danish_what_went_wrong(client, world):
    """The operations page showed the mail library's English words only; now a Danish summary
    first, the technical text beside it."""
    from institutioner.models import NOTIFICATION_REFUSED_PREFIX, Notification, NotificationStatus
    from institutioner.notifications.services import notification_queue

    cases = {
        "SMTPServerDisconnected: Connection unexpectedly closed": "afbrød forbindelsen",
        "TimeoutError: timed out": "svarede ikke i tide",
        "ConnectionRefusedError: [Errno 111] Connection refused": "afviste forbindelsen",
        f"{NOTIFICATION_REFUSED_PREFIX}550 5.1.1 no such user": "afviste beskeden for altid",
        "ValueError: something else": "Afsendelsen mislykkedes",
    }
    for error, summary in cases.items():
        note = notification_queue(
            recipient=world.leader, template="notification_test", context={"note": "x"}
        )
        Notification.objects.filter(pk=note.pk).update(
            status=NotificationStatus.FAILED, attempts=5, last_error=error
        )
        note.refresh_from_db()
        assert summary in note.error_summary, error
    client.force_login(world.administrator)
    html = client.get(reverse("operations")).content.decode()
    assert "Mailserveren afbrød forbindelsen." in html
    # The server's English words are labelled as such, for IT, beside the Danish summary.
    assert (
        'Mailserverens egne ord, til IT: <span lang="en">SMTPServerDisconnected: Connection '
        "unexpectedly closed</span>"
    ) in html
