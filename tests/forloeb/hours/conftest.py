"""The hours room's fixtures: a running course of Paula's, a second one elsewhere, logged weeks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from forloeb.hours import services
from forloeb.hours import weeks as hours
from forloeb.models import HourCategory
from tests import factories
from tests.indsats.helpers import accept, agreement_in_force, make_request

D = Decimal


P, PREP, SPAR, MEET, TRANS = (c.value for c in HourCategory)


def week_args(monday: date) -> list[int]:
    year, week, _day = monday.isocalendar()
    return [year, week]


@pytest.fixture
def running(world):
    """A course agreed from three weeks ago, 6 hours a week, with Paula as its pedagogist."""
    start = hours.this_monday() - timedelta(weeks=3)
    req = make_request(world, submit=True, wished_start=start, wished_weeks=10)
    accept(world, req, hours="6")
    agreement, _version = agreement_in_force(world, req)
    return agreement.course


@pytest.fixture
def elsewhere(world, running):
    """A second course of Paula's at an institution Lene does not lead."""
    factories.AssignmentFactory(pedagogist=world.pedagogist, institution=world.other_institution)
    leader = factories.UserFactory(email="lise@example.dk", name="Lise Leder", role="leader")
    factories.MembershipFactory(user=leader, institution=world.other_institution)
    world.leader, original = leader, world.leader
    req = make_request(
        world,
        submit=True,
        institution=world.other_institution,
        group=None,
        wished_start=hours.this_monday() - timedelta(weeks=1),
        contact_email="lise@example.dk",
    )
    accept(world, req, hours="4")
    agreement, _version = agreement_in_force(world, req)
    world.leader = original
    return agreement.course


def save(world, monday, values, **kwargs):
    return services.week_save(
        actor=world.pedagogist.user,
        pedagogist=world.pedagogist,
        monday=monday,
        values=values,
        **kwargs,
    )


def month_of_weeks(world, running, *, skip=None):
    """Submit every week of the month before this one (one skipped if asked)."""
    year, month = hours.month_of_week(hours.this_monday() - timedelta(weeks=5))
    for monday in hours.weeks_of_month(year, month):
        if monday == skip:
            continue
        save(world, monday, {(None, MEET): D("2"), (None, SPAR): D("1.5")}, submit=True)
    return year, month


@pytest.fixture
def logged(world, running, elsewhere):
    monday = hours.this_monday() - timedelta(weeks=1)
    save(
        world,
        monday,
        {
            (running.pk, P): D("5.5"),
            (running.pk, PREP): D("1"),
            (elsewhere.pk, P): D("4"),
            (None, TRANS): D("2.25"),
        },
        submit=True,
    )
    # This week is saved but not submitted: not delivered yet.
    save(world, hours.this_monday(), {(running.pk, P): D("3")})
    return monday
