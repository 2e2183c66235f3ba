"""The reminder rules: what is due, who hears, once; working days, holidays and summer time."""

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from forloeb.hours import services
from forloeb.hours import weeks as hours
from forloeb.models import EvaluationKind, EvaluationStatus, HourCategory, Phase
from forloeb.reminders import rules as reminders
from forloeb.reminders.tasks import run_all
from indsats.agreements import services as agreements_services
from indsats.agreements.content import Goal
from indsats.models import VersionStatus
from indsats.requests import services as requests_services
from institutioner import workdays
from institutioner.models import (
    Notification,
    NotificationKind,
    NotificationOptOut,
    NotificationStatus,
)
from tests.factories import PASSWORD
from tests.indsats.helpers import accept, agreement_in_force, make_request

CPH = ZoneInfo("Europe/Copenhagen")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


def rows(template=None):
    qs = Notification.objects.all()
    if template:
        qs = qs.filter(template=template)
    return sorted(qs.values_list("template", "email"))


@pytest.fixture
def course(world):
    req = make_request(world, submit=True, wished_start=timezone.localdate(), wished_weeks=10)
    accept(world, req, hours="6")
    agreement, _version = agreement_in_force(world, req)
    Notification.objects.all().delete()  # the messages of getting here are not under test
    return agreement.course


# --- Working days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Easter 2027: Maundy Thursday 25/3, Good Friday 26/3, Easter Monday 29/3.
        (date(2027, 3, 24), 1, date(2027, 3, 30)),
        (date(2027, 3, 24), 3, date(2027, 4, 1)),
        # Christmas 2026: Christmas Eve (Thu), Christmas Day (Fri), then the weekend.
        (date(2026, 12, 23), 1, date(2026, 12, 28)),
        # New Year's Eve and Day 2026/27 (Thu, Fri).
        (date(2026, 12, 30), 1, date(2027, 1, 4)),
        # Grundlovsdag, Friday 5 June 2026.
        (date(2026, 6, 4), 1, date(2026, 6, 8)),
        # Ascension Day 14 May 2026 (Thu): the Friday after is a working day.
        (date(2026, 5, 13), 1, date(2026, 5, 15)),
        # An ordinary week; the start day never counts, a weekend start counts from Monday.
        (date(2026, 11, 16), 5, date(2026, 11, 23)),
        (date(2026, 11, 21), 1, date(2026, 11, 23)),
        (date(2026, 11, 16), 0, date(2026, 11, 16)),
    ],
)
def test_working_days_skip_weekends_and_danish_holidays(start, count, expected):
    assert workdays.add_working_days(start, count) == expected


def test_holidays_have_danish_names_and_the_categories_are_a_setting(settings):
    assert workdays.holiday_name(date(2026, 6, 5)) == "Grundlovsdag"
    assert workdays.holiday_name(date(2027, 3, 26)) == "Langfredag"
    assert workdays.holiday_name(date(2026, 12, 24)) == "Juleaftensdag"
    assert not workdays.is_working_day(date(2026, 6, 5))
    # Only the official holidays: Grundlovsdag and Christmas Eve become working days.
    settings.WORKING_DAYS_HOLIDAY_CATEGORIES = ["public"]
    assert workdays.is_working_day(date(2026, 6, 5))
    assert workdays.is_working_day(date(2026, 12, 24))
    assert not workdays.is_working_day(date(2026, 12, 25))


def test_working_days_keep_the_wall_clock_across_summer_time():
    # Thursday 26 March 2026, 09:00 winter time (08:00 UTC). Summer time starts Sunday 29 March.
    sent = datetime(2026, 3, 26, 8, 0, tzinfo=UTC)
    due = workdays.working_days_after(sent, 3)
    assert due == local(2026, 3, 31, 9, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 31, 7, 0, tzinfo=UTC)
    # Friday 23 October 2026, 15:00 summer time (13:00 UTC); winter time from 25 October.
    sent = datetime(2026, 10, 23, 13, 0, tzinfo=UTC)
    due = workdays.working_days_after(sent, 3)
    assert due.astimezone(UTC) == datetime(2026, 10, 28, 14, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_the_beat_runs_at_the_same_danish_time_across_summer_time():
    task = PeriodicTask.objects.get(name="reminders-week-sheets")
    schedule = task.crontab.schedule
    # Last run: Saturday 28 March 2026, 14:00 winter time (13:00 UTC). The next is Sunday
    # 14:00 summer time, 12:00 UTC: 23 hours later, not 24.
    last = datetime(2026, 3, 28, 13, 0, tzinfo=UTC)
    assert _next_run(schedule, last) == datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    # And back: Saturday 24 October 14:00 summer time, then Sunday 14:00 winter time (25 hours).
    last = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    assert _next_run(schedule, last) == datetime(2026, 10, 25, 13, 0, tzinfo=UTC)


def _next_run(schedule, last: datetime) -> datetime:
    """When the beat sends the task next, seen a minute after it last ran."""
    now = last + timedelta(minutes=1)
    schedule.nowfun = lambda: now
    return (now + schedule.remaining_estimate(last)).astimezone(UTC)


# --- Evaluations ------------------------------------------------------------------------------


def _plan_only(course, due_on):
    course.evaluations.all().delete()
    return course.evaluations.create(kind=EvaluationKind.MIDWAY, due_on=due_on)


def test_an_evaluation_due_within_7_days_reminds_pedagogist_and_leader_once(world, course):
    now = timezone.now()
    today = timezone.localdate(now)
    evaluation = _plan_only(course, today + timedelta(days=8))
    assert reminders.evaluations_due(now=now) == 0

    evaluation.due_on = today + timedelta(days=7)
    evaluation.save()
    assert reminders.evaluations_due(now=now) == 2
    assert rows() == [
        ("reminder_evaluation_due", "lene@example.dk"),
        ("reminder_evaluation_due", "paula@example.dk"),
    ]
    note = Notification.objects.get(email="lene@example.dk")
    assert note.kind == NotificationKind.EVALUATION_REMINDER
    # The leader is told to set time aside, the pedagogist to agree on a time with the leader.
    assert "sørg for, at du og personalet har sat tid af" in note.body_text
    paula = Notification.objects.get(email="paula@example.dk")
    assert "Husk at aftale tidspunktet med ledelsen" in paula.body_text
    assert note.url == f"/forloeb/{course.pk}/"
    assert note.concerns == course
    assert "midtvejsevaluering" in note.subject.lower()
    # Run again, the next day, twice: nothing new.
    assert reminders.evaluations_due(now=now) == 0
    assert reminders.evaluations_due(now=now + timedelta(days=1)) == 0

    # Not completed on the day: one overdue message, once.
    later = now + timedelta(days=8)
    assert reminders.evaluations_due(now=later) == 2
    assert reminders.evaluations_due(now=later + timedelta(days=3)) == 0
    assert len(rows("reminder_evaluation_overdue")) == 2
    # Each is told what is theirs to do: the pedagogist records it or moves it; the leader,
    # who can do neither, is told whom to contact.
    overdue = Notification.objects.filter(template="reminder_evaluation_overdue")
    paula = overdue.get(email="paula@example.dk").body_text
    assert "Registrér den, eller planlæg en ny dato på forløbets side." in paula
    leader = overdue.exclude(email="paula@example.dk").get().body_text
    assert "kontakt indsatspædagogen" in leader
    assert "planlæg en ny dato på forløbets side" not in leader

    # Moved to a new date: a new reminder for the new date.
    evaluation.due_on = timezone.localdate(later) + timedelta(days=2)
    evaluation.save()
    assert reminders.evaluations_due(now=later) == 2


def test_a_missed_run_is_caught_up_not_skipped(world, course):
    # The beat was away for the whole week before: the first run finds it already 2 days off.
    now = timezone.now()
    _plan_only(course, timezone.localdate(now) + timedelta(days=2))
    assert reminders.evaluations_due(now=now) == 2


def test_completed_evaluations_and_closed_courses_are_quiet(world, course):
    now = timezone.now()
    evaluation = _plan_only(course, timezone.localdate(now) - timedelta(days=1))
    evaluation.status = EvaluationStatus.COMPLETED
    evaluation.completed_at = now
    evaluation.held_on = evaluation.due_on
    evaluation.participants = "Lene, Paula"
    evaluation.save()
    assert reminders.evaluations_due(now=now) == 0
    evaluation.status = EvaluationStatus.PLANNED
    evaluation.completed_at = None
    evaluation.held_on = None
    evaluation.save()
    course.phase = Phase.CLOSED
    course.closed_at = now
    course.save()
    assert reminders.evaluations_due(now=now) == 0


def test_a_switched_off_email_is_kept_in_the_app_only(world, course, mailoutbox):
    NotificationOptOut.objects.create(user=world.leader, kind=NotificationKind.EVALUATION_REMINDER)
    _plan_only(course, timezone.localdate() + timedelta(days=3))
    reminders.evaluations_due(now=timezone.now())
    lene = Notification.objects.get(email="lene@example.dk")
    paula = Notification.objects.get(email="paula@example.dk")
    assert lene.status == NotificationStatus.IN_APP
    assert paula.status == NotificationStatus.PENDING
    # The sweep sends Paula's and never Lene's.
    from institutioner.notifications.sending import notifications_send_pending

    assert notifications_send_pending() == 1
    assert [m.to for m in mailoutbox] == [["paula@example.dk"]]


# --- Signatures -------------------------------------------------------------------------------


def test_an_agreement_waiting_3_working_days_reminds_the_missing_signers(world):
    req = make_request(world, submit=True)
    accept(world, req)
    agreement = agreements_services.agreement_create(actor=world.pedagogist.user, request_id=req.pk)
    version = agreement.versions.get()
    content = replace(
        version.parsed,
        goals=(Goal(text="Ro i legen.", focus_level="boernegruppe", indicator="x"),),
        leadership_commitment="Lederen deltager.",
    )
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=content
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    agreements_services.agreement_sign(
        actor=world.pedagogist.user, version_id=version.pk, password=PASSWORD
    )
    # Sent on Wednesday 1 April 2026 at 10:00: Maundy Thursday, Good Friday and Easter Monday
    # are holidays, so three working days run out on Thursday 9 April at 10:00.
    version.refresh_from_db()
    sent = local(2026, 4, 1, 10, 0)
    type(version).objects.filter(pk=version.pk).update(sent_at=sent)
    Notification.objects.all().delete()

    assert reminders.signatures_waiting(now=local(2026, 4, 7, 7, 0)) == 0
    assert reminders.signatures_waiting(now=local(2026, 4, 9, 9, 59)) == 0
    assert reminders.signatures_waiting(now=local(2026, 4, 9, 10, 1)) == 1
    # Paula signed; only the leader is reminded, and only once.
    assert rows() == [("reminder_signature", "lene@example.dk")]
    # Naming the group, as the subject does: one of several agreements at the institution.
    body = Notification.objects.get(template="reminder_signature").body_text
    assert "samarbejdsaftalen for Børnehuset Mariehønen, Sommerfuglen" in body, body
    assert reminders.signatures_waiting(now=local(2026, 4, 10, 7, 0)) == 0

    # Once signed by all it is in force: nothing more to remind of.
    agreements_services.agreement_sign(actor=world.leader, version_id=version.pk, password=PASSWORD)
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_FORCE


# --- Courses ending ---------------------------------------------------------------------------


def test_a_course_ending_within_14_days_without_follow_up_reminds(world):
    now = timezone.now()
    today = timezone.localdate(now)
    # Ten weeks from nine weeks ago: it ends within the coming week.
    req = make_request(world, submit=True, wished_start=today - timedelta(weeks=9), wished_weeks=10)
    accept(world, req)
    agreement, version = agreement_in_force(world, req)
    course = agreement.course
    Notification.objects.all().delete()
    assert today < version.ends_on <= today + timedelta(days=14)
    # Its final evaluation, on the last day, is the planned follow-up: quiet.
    assert course.evaluations.filter(kind=EvaluationKind.FINAL, due_on=version.ends_on).exists()
    assert reminders.courses_ending(now=now) == 0

    # Without an evaluation planned from today on, pedagogist and administration hear of it.
    course.evaluations.filter(kind=EvaluationKind.FINAL).delete()
    assert reminders.courses_ending(now=now) == 2
    assert rows() == [
        ("reminder_course_ending", "frida@example.dk"),
        ("reminder_course_ending", "paula@example.dk"),
    ]
    assert reminders.courses_ending(now=now + timedelta(days=1)) == 0

    # Three weeks earlier the end was more than 14 days away: nothing was due then.
    Notification.objects.all().delete()
    assert reminders.courses_ending(now=now - timedelta(weeks=3)) == 0


# --- Requests waiting for triage --------------------------------------------------------------


def test_a_request_not_triaged_in_5_working_days_reminds_the_administration(world):
    req = make_request(world, submit=True)
    Notification.objects.all().delete()
    # Submitted Tuesday 2 June 2026 at 13:00; Grundlovsdag (Friday 5 June) is not a working day:
    # Wed 3, Thu 4, Mon 8, Tue 9, Wed 10 June at 13:00.
    type(req).objects.filter(pk=req.pk).update(submitted_at=local(2026, 6, 2, 13, 0))
    assert reminders.requests_waiting(now=local(2026, 6, 9, 13, 0)) == 0
    assert reminders.requests_waiting(now=local(2026, 6, 10, 12, 59)) == 0
    assert reminders.requests_waiting(now=local(2026, 6, 10, 13, 0)) == 1
    assert rows() == [("reminder_request_waiting", "frida@example.dk")]
    note = Notification.objects.get()
    assert note.url == f"/visitation/{req.pk}/"
    assert "5 arbejdsdage" in note.body_text
    # Weekdays inside a sentence are written in lower case, as Danish does.
    assert "indsendt tirsdag 2. juni" in note.body_text
    assert reminders.requests_waiting(now=local(2026, 6, 11, 7, 0)) == 0
    # Triaged: a later run has nothing to say.
    Notification.objects.all().delete()
    requests_services.request_ask_info(actor=world.administrator, request_id=req.pk, question="?")
    Notification.objects.all().delete()
    assert reminders.requests_waiting(now=local(2026, 6, 20, 7, 0)) == 0


def test_a_waiting_request_retention_emptied_reminds_nobody(world):
    """Anonymised while it still waited (no reminder sent before, e.g. the reminders were off):
    nothing is left to triage and the queue leaves it out, so no reminder points at it."""
    req = make_request(world, submit=True)
    Notification.objects.all().delete()
    type(req).objects.filter(pk=req.pk).update(submitted_at=local(2025, 6, 2, 13, 0))
    requests_services.request_anonymise(request_id=req.pk)
    assert reminders.requests_waiting(now=local(2026, 6, 10, 13, 0)) == 0
    assert rows() == []


# --- Week sheets ------------------------------------------------------------------------------


def test_week_sheet_reminders_follow_the_last_and_first_working_day(world):
    # The week of Easter 2026: Maundy Thursday 2/4 and Good Friday 3/4 are holidays, so the
    # week's last working day is Wednesday 1 April; Easter Monday 6/4 moves the second
    # reminder to Tuesday.
    monday = date(2026, 3, 30)
    assert reminders.week_sheets(now=local(2026, 3, 31, 14, 0)) == 0
    assert reminders.week_sheets(now=local(2026, 4, 1, 14, 0)) == 2  # Paula and Ole
    assert reminders.week_sheets(now=local(2026, 4, 2, 14, 0)) == 0
    assert reminders.week_sheets_again(now=local(2026, 4, 6, 8, 0)) == 0  # Easter Monday
    assert reminders.week_sheets_again(now=local(2026, 4, 7, 8, 0)) == 2
    assert reminders.week_sheets_again(now=local(2026, 4, 8, 8, 0)) == 0
    keys = sorted(Notification.objects.values_list("dedupe_key", flat=True))
    pedagogists = sorted([world.pedagogist.pk, world.outsider_pedagogist.pk])
    assert keys == sorted(
        f"week-sheet:{p}:{monday.isoformat()}:{kind}:{user}"
        for p, user in zip(
            pedagogists,
            [type(world.pedagogist).objects.get(pk=pk).user_id for pk in pedagogists],
            strict=True,
        )
        for kind in ("deadline", "again")
    )
    note = Notification.objects.filter(email="paula@example.dk", template="reminder_week_sheet")
    assert note.first().url == "/timer/uge/2026/14/"
    assert "uge 14, 2026" in note.first().subject


def test_a_submitted_week_is_not_reminded(world, freezer=None):
    monday = hours.this_monday()
    services.week_save(
        actor=world.pedagogist.user,
        pedagogist=world.pedagogist,
        monday=monday,
        values={(None, HourCategory.MEETING): Decimal("2")},
        note="",
        submit=monday <= timezone.localdate(),
    )
    last_working = workdays.week_working_days(monday)[-1]
    reminders.week_sheets(now=workdays.at_local(last_working, time(14, 0)))
    assert rows() == [("reminder_week_sheet", "ole@example.dk")]


# --- A changed plan ---------------------------------------------------------------------------


def test_new_weekdays_in_an_adjusted_agreement_tell_the_leader_at_once(world, course):
    def adjust(**changes):
        version = agreements_services.agreement_adjust(
            actor=world.pedagogist.user, agreement_id=course.agreement_id
        )
        content = replace(version.parsed, **changes)
        agreements_services.agreement_draft_update(
            actor=world.pedagogist.user, version_id=version.pk, content=content
        )
        agreements_services.agreement_send_for_signature(
            actor=world.pedagogist.user, version_id=version.pk
        )
        for person in (world.leader, world.pedagogist.user):
            agreements_services.agreement_sign(
                actor=person, version_id=version.pk, password=PASSWORD
            )
        return version

    # A change of the goals only: no message about the plan.
    adjust(leadership_commitment="Lederen deltager i alle evalueringer.")
    assert rows("course_plan_changed") == []

    adjust(weekdays=(0, 2), time_from=time(8, 30), time_to=time(11, 30))
    assert rows("course_plan_changed") == [("course_plan_changed", "lene@example.dk")]
    note = Notification.objects.get(template="course_plan_changed")
    assert note.kind == NotificationKind.COURSE_PLAN_CHANGED
    assert "mandag, onsdag, 08:30-11:30" in note.body_text


# --- Twice at once ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_beats_running_a_rule_at_once_send_each_reminder_once(postgres, world):
    req = make_request(world, submit=True)
    accept(world, req)
    agreement, _version = agreement_in_force(world, req)
    course = agreement.course
    _plan_only(course, timezone.localdate() + timedelta(days=2))
    Notification.objects.all().delete()
    now = timezone.now()
    start = threading.Barrier(4)
    errors = []

    def run():
        try:
            start.wait()
            run_all(now=now)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    keys = list(Notification.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys))
    # Evaluation (pedagogist, leader) and this week's sheet when due, nothing doubled.
    evaluation_rows = rows("reminder_evaluation_due")
    assert evaluation_rows == [
        ("reminder_evaluation_due", "lene@example.dk"),
        ("reminder_evaluation_due", "paula@example.dk"),
    ]


def test_submitting_the_week_marks_its_reminders_read(world):
    monday = hours.this_monday() - timedelta(weeks=1)
    reminders._remind_week(monday, again=False)
    reminders._remind_week(monday, again=True)
    paula = Notification.objects.filter(recipient=world.pedagogist.user)
    assert paula.count() == 2 and paula.unread().count() == 2
    other = Notification.objects.create(
        recipient=world.pedagogist.user,
        email="paula@example.dk",
        subject="Andet",
        body_text="Andet",
        url="/andet/",
    )
    services.week_save(
        actor=world.pedagogist.user,
        pedagogist=world.pedagogist,
        monday=monday,
        values={(None, HourCategory.MEETING): Decimal("2")},
        submit=True,
    )
    assert paula.unread().get() == other
    # Ole's reminder about his own week stays unread.
    assert Notification.objects.filter(recipient=world.outsider_pedagogist.user).unread().count()
