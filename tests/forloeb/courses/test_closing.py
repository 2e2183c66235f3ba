"""Closing a course ends its agreed hours from the next week: in triage's free capacity, on the
allocation dashboards and in the week sheet's prefill (issue 15, "Capacity is never released").
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from forloeb.courses import services
from forloeb.dashboards import figures as dashboards
from forloeb.hours import weeks as hours
from forloeb.models import EvaluationKind, Phase
from forloeb.reminders import rules as reminders
from indsats.agreements import services as agreements_services
from indsats.requests import selectors
from institutioner.models import Institution, Notification
from tests.factories import PASSWORD
from tests.forloeb.courses.conftest import held
from tests.indsats.helpers import accept, agreement_in_force, make_request

D = Decimal


def _close(world, course):
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        services.course_advance(
            actor=world.pedagogist.user,
            course_id=course.pk,
            expected_phase=phase,
            reason="Ikke relevant her.",
        )
    services.evaluation_complete(
        actor=world.pedagogist.user,
        evaluation_id=held(course.evaluations.get(kind=EvaluationKind.FINAL)).pk,
        participants="Lene Leder, Paula Pædagog",
        leadership_took_part=True,
        decision="close",
        summary="Målene er nået.",
        assessments=[],
    )
    services.course_advance(
        actor=world.pedagogist.user,
        course_id=course.pk,
        expected_phase=Phase.FOLLOW_UP,
        reason="Ikke relevant her.",
    )


def test_closing_a_course_frees_its_hours_from_the_next_week(world):
    """An agreement of 30 h a week from two weeks ago for 20 weeks is closed today. Paula
    (37 h) has 37 - 0,75 - 31 - 1 = 4,25 free hours while it runs, 35,25 after."""
    this_monday = hours.this_monday()
    next_monday = this_monday + timedelta(weeks=1)
    req = make_request(
        world, submit=True, wished_start=this_monday - timedelta(weeks=2), wished_weeks=20
    )
    accept(world, req, hours="30")
    agreement, _version = agreement_in_force(world, req)
    course = agreement.course
    this_week = make_request(world, submit=True, wished_start=this_monday, wished_weeks=1)
    next_week = make_request(world, submit=True, wished_start=next_monday, wished_weeks=4)

    def free(r):
        capacity = selectors.capacity_by_pedagogist(r)
        return next(row.free_hours for row in capacity if row.pedagogist == world.pedagogist)

    def figures():
        mondays = [this_monday, next_monday]
        [paula] = dashboards.by_pedagogist(
            pedagogists=[world.pedagogist], mondays=mondays, today=timezone.localdate()
        )
        [north] = dashboards.by_district(
            institutions=Institution.objects.filter(district=world.north), mondays=mondays
        )
        [mariehoenen] = dashboards.by_institution(
            institutions=[world.institution], mondays=mondays, today=timezone.localdate()
        )
        return (
            [(w.agreed, w.courses) for w in paula.weeks],
            north.agreed,
            mariehoenen.agreed,
        )

    assert (free(this_week), free(next_week)) == (D("4.25"), D("4.25"))
    assert figures() == ([(D("30"), 1), (D("30"), 1)], D("30"), D("30"))

    _close(world, course)

    agreement.refresh_from_db()
    assert agreement.ended_on == timezone.localdate()
    assert (free(this_week), free(next_week)) == (D("4.25"), D("35.25"))
    # This week still counts; from next week nothing: (30 + 0) / 2 weeks = 15 h a week.
    assert figures() == ([(D("30"), 1), (D("0"), 0)], D("15"), D("15"))
    # The week sheet of next week neither lists nor prefills the closed course.
    grid = hours.week_grid(world.pedagogist, next_monday)
    assert [row.course for row in grid.rows] == [None]
    assert not grid.prefilled


def test_the_administrations_way_out_ends_and_reopening_takes_the_end_back(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.CLOSED, reason="Stoppet."
    )
    agreement.refresh_from_db()
    assert agreement.ended_on == timezone.localdate()
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.PRACTICE, reason="Fortsætter."
    )
    agreement.refresh_from_db()
    assert agreement.ended_on is None


def _adjustment_sent(world, agreement):
    draft = agreements_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    return draft


def test_closing_a_course_marks_the_requests_to_sign_read(world):
    """An adjustment sent for signature when the course is closed can no longer be signed: the
    "ready for your signature" messages (and reminders) are marked read, and no reminder comes
    after; the other messages stay as they were."""
    agreement, _version = agreement_in_force(world)
    sent = _adjustment_sent(world, agreement)
    later = timezone.now() + timedelta(days=14)
    assert reminders.signatures_waiting(now=later) == 2
    asking = Notification.objects.filter(
        template__in=agreements_services.SIGNATURE_ASKED, object_id=sent.pk
    )
    assert {(n.template, n.recipient) for n in asking.unread()} == {
        ("agreement_sent", world.leader),
        ("agreement_sent", world.pedagogist.user),
        ("reminder_signature", world.leader),
        ("reminder_signature", world.pedagogist.user),
    }
    other = Notification.objects.unread().exclude(pk__in=asking.values("pk")).count()
    assert other
    services.course_set_phase(
        actor=world.administrator,
        course_id=agreement.course.pk,
        phase=Phase.CLOSED,
        reason="Stoppet.",
    )
    assert not asking.unread().exists()
    assert Notification.objects.unread().count() == other
    # No reminder about it while the course is closed.
    Notification.objects.filter(template="reminder_signature").delete()
    assert reminders.signatures_waiting(now=later) == 0


def test_reopening_a_course_asks_those_who_have_not_signed_again(world):
    """Opened again, the adjustment can be signed once more: its "ready for your signature"
    message is unread again for whoever has not signed it, and the signature counts."""
    agreement, _version = agreement_in_force(world)
    sent = _adjustment_sent(world, agreement)
    agreements_services.agreement_sign(
        actor=world.pedagogist.user, version_id=sent.pk, password=PASSWORD
    )
    course = agreement.course
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.CLOSED, reason="Stoppet."
    )
    asking = Notification.objects.filter(template="agreement_sent", object_id=sent.pk)
    assert not asking.unread().exists()
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.PRACTICE, reason="Videre."
    )
    assert [n.recipient for n in asking.unread()] == [world.leader]
    agreements_services.agreement_sign(actor=world.leader, version_id=sent.pk, password=PASSWORD)
    sent.refresh_from_db()
    assert sent.status == "in_force"
    assert not asking.unread().exists()


def test_closing_by_the_usual_way_marks_the_requests_to_sign_read(world):
    agreement, _version = agreement_in_force(world)
    sent = _adjustment_sent(world, agreement)
    _close(world, agreement.course)
    asking = Notification.objects.filter(template="agreement_sent", object_id=sent.pk)
    assert asking.count() == 2 and not asking.unread().exists()
