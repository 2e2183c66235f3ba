"""Hand-made plans: agreements with fixed weekdays and times around Christmas and the switch
to summer time, so the arithmetic can be checked against a calendar."""

from datetime import date, time, timedelta

from django.utils import timezone

from institutioner.workdays import working_day_on_or_after, working_day_on_or_before
from tests import factories
from tests.indsats.helpers import accept, agreement_in_force, make_request


def christmas_year() -> int:
    """The year of the next Christmas at least a week away (so the dates lie ahead)."""
    today = timezone.localdate()
    return today.year if today <= date(today.year, 12, 10) else today.year + 1


def last_sunday_of_march(year: int) -> date:
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def agreement(
    world,
    *,
    institution=None,
    weekdays=(0, 1, 2, 3, 4),
    start=None,
    end=None,
    time_from=time(9),
    time_to=time(12),
):
    """A version 1 in force for the world's pedagogist at `institution` (default the world's)."""
    year = christmas_year()
    institution = institution or world.institution
    group = institution.groups.first() or factories.GroupFactory(institution=institution)
    req = make_request(
        world, submit=True, institution=institution, group=group, contact_email=world.leader.email
    )
    accept(world, req, reason="Hun kender huset.")
    return agreement_in_force(
        world,
        req,
        weekdays=tuple(weekdays),
        time_from=time_from,
        time_to=time_to,
        # An agreement starts on a working day: a start on a weekend or a holiday moves to the
        # next one, which leaves the plan's practice days as they were.
        starts_on=working_day_on_or_after(start or date(year, 12, 1)),
        ends_on=end or date(year + 1, 4, 30),
        midway_evaluation_on=None,
        final_evaluation_on=working_day_on_or_before(end or date(year + 1, 4, 30)),
    )
