"""A message that asks for something is read once it is done: the week sheet's reminder when
the week is submitted, the evaluation's reminders when it is recorded, the leader's proposal
of a plan change when the pedagogist answers it."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from forloeb.courses import services as course_services
from forloeb.hours import weeks as hours
from forloeb.models import EvaluationKind, PlanChangeKind
from forloeb.plan import services as plan_services
from forloeb.plan.services import ChangeInput
from forloeb.reminders import rules as reminders
from institutioner.models import Notification
from institutioner.workdays import is_working_day
from tests.forloeb.hours.conftest import week_args
from tests.forloeb.plan.helpers import agreement, christmas_year


def _unread(*templates):
    return Notification.objects.filter(template__in=templates).unread()


def _working_day_on_or_before(day):
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def test_submitting_the_week_on_its_page_reads_its_reminder(client, world, running):
    monday = hours.this_monday() - timedelta(weeks=1)
    reminders._remind_week(monday, again=True)
    paulas = _unread("reminder_week_sheet").filter(recipient=world.pedagogist.user)
    assert paulas.count() == 1
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(monday))
    response = client.post(url, {f"h_{running.pk}_practice": "6", "action": "submit"})
    assert response.status_code == 302
    assert not paulas.exists()


def _record(world, evaluation):
    return course_services.evaluation_complete(
        actor=world.pedagogist.user,
        evaluation_id=evaluation.pk,
        participants="Lene Leder, Paula Pædagog",
        leadership_took_part=True,
        decision="continue",
        summary="Grupperne fungerer.",
        assessments=[("Børnene leger i små grupper.", 3, "Færre konflikter.")],
    )


EVALUATION = ("reminder_evaluation_due", "reminder_evaluation_overdue")


def test_recording_the_evaluation_reads_its_reminders(world, running):
    running.evaluations.all().delete()
    today = timezone.localdate()
    evaluation = running.evaluations.create(
        kind=EvaluationKind.FINAL, due_on=_working_day_on_or_before(today)
    )
    running.evaluations.create(kind=EvaluationKind.MIDWAY, due_on=today + timedelta(days=60))
    reminders.evaluations_due(now=timezone.now())
    assert _unread(*EVALUATION).count() == 2  # the pedagogist and the leader
    other = Notification.objects.filter(recipient=world.pedagogist.user).exclude(
        template__in=EVALUATION
    )
    unread_others = other.unread().count()
    _record(world, evaluation)
    assert not _unread(*EVALUATION).exists()
    assert other.unread().count() == unread_others


def test_the_reminders_stay_while_another_evaluation_is_due(world, running):
    running.evaluations.all().delete()
    today = timezone.localdate()
    first = running.evaluations.create(
        kind=EvaluationKind.MIDWAY, due_on=_working_day_on_or_before(today)
    )
    running.evaluations.create(kind=EvaluationKind.FINAL, due_on=today + timedelta(days=3))
    reminders.evaluations_due(now=timezone.now())
    assert _unread(*EVALUATION).count() == 4
    _record(world, first)
    assert _unread(*EVALUATION).count() == 4


def _propose(world, course, day):
    return plan_services.plan_change_make(
        actor=world.leader,
        course_id=course.pk,
        proposal=True,
        data=ChangeInput(kind=PlanChangeKind.CANCEL, day=day, reason="Vi har udflugt"),
    )


def test_answering_the_proposals_reads_their_messages(world):
    ag, _version = agreement(world, weekdays=(1, 3))
    tuesday = date(christmas_year(), 12, 3)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    first = _propose(world, ag.course, tuesday)
    second = _propose(world, ag.course, tuesday + timedelta(days=2))
    assert _unread("plan_change_proposed").count() == 2
    plan_services.plan_change_accept(actor=world.pedagogist.user, change_id=first.pk)
    # The other proposal still waits for an answer.
    assert _unread("plan_change_proposed").count() == 2
    plan_services.plan_change_decline(actor=world.pedagogist.user, change_id=second.pk)
    assert not _unread("plan_change_proposed").exists()


def test_accepting_the_only_proposal_reads_its_message(world):
    ag, _version = agreement(world, weekdays=(1, 3))
    tuesday = date(christmas_year(), 12, 3)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    proposal = _propose(world, ag.course, tuesday)
    assert _unread("plan_change_proposed").count() == 1
    plan_services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    assert not _unread("plan_change_proposed").exists()
