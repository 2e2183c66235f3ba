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
