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
from indsats.requests import selectors
from institutioner.models import Institution
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
