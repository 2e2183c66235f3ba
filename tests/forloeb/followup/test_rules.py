"""The follow-up rule: 3 and 6 months after closing, once each, caught up after downtime."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from forloeb.courses import services as courses
from forloeb.followup.selectors import add_months
from forloeb.models import Course, FollowUp, Phase
from forloeb.reminders import rules
from forloeb.reminders.tasks import run_all
from institutioner.models import Notification, NotificationKind
from tests.forloeb.followup.conftest import closed_course

pytestmark = pytest.mark.django_db


def test_add_months_keeps_the_day_or_takes_the_months_last():
    from datetime import date

    assert add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_three_and_six_months_after_closing_once_each(world):
    course = closed_course(world, days_ago=1)
    now = timezone.now()
    assert rules.follow_ups_due(now=now) == 0
    three = now + timedelta(days=95)
    assert rules.follow_ups_due(now=three) == 1  # the one leader
    assert rules.follow_ups_due(now=three) == 0
    assert rules.follow_ups_due(now=three + timedelta(days=1)) == 0
    follow_up = FollowUp.objects.get()
    closed_on = timezone.localdate(course.closed_at)
    assert (follow_up.months, follow_up.closed_on) == (3, closed_on)
    assert follow_up.due_on == add_months(closed_on, 3)
    message = Notification.objects.get()
    assert message.recipient == world.leader
    assert message.kind == NotificationKind.FOLLOW_UP_REMINDER
    assert f"/opfoelgning/{follow_up.pk}/" in message.body_text
    six = now + timedelta(days=186)
    assert run_all(now=six)["reminders-follow-ups"] == 1
    assert run_all(now=six)["reminders-follow-ups"] == 0
    assert sorted(FollowUp.objects.values_list("months", flat=True)) == [3, 6]
    assert Notification.objects.filter(template="reminder_follow_up").count() == 2


def test_a_beat_away_for_weeks_is_caught_up(world):
    closed_course(world, days_ago=92 + 40)
    assert rules.follow_ups_due(now=timezone.now()) == 1
    follow_up = FollowUp.objects.get()
    assert follow_up.due_on < timezone.localdate() - timedelta(days=30)


def test_courses_closed_long_before_the_rule_are_not_asked_about(world):
    closed_course(world, days_ago=400)
    assert rules.follow_ups_due(now=timezone.now()) == 0
    assert not FollowUp.objects.exists()


def test_a_reopened_course_gets_none_and_a_new_closing_new_ones(world):
    course = closed_course(world, days_ago=100)
    rules.follow_ups_due(now=timezone.now())
    old = FollowUp.objects.get()
    courses.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.PRACTICE, reason="Igen."
    )
    old.refresh_from_db()
    assert old.void
    assert rules.follow_ups_due(now=timezone.now() + timedelta(days=200)) == 0
    courses.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.CLOSED, reason="Slut."
    )
    Course.objects.filter(pk=course.pk).update(closed_at=timezone.now() - timedelta(days=93))
    assert rules.follow_ups_due(now=timezone.now()) == 1
    assert FollowUp.objects.count() == 2
    old.refresh_from_db()
    assert old.void  # the old closing's follow-up stays void


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_make_one_follow_up_and_one_message(postgres, world):
    closed_course(world, days_ago=100)
    errors = []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            rules.follow_ups_due(now=timezone.now())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert FollowUp.objects.count() == 1
    assert Notification.objects.filter(template="reminder_follow_up").count() == 1
