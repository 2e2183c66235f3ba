"""A course whose agreed period has ended has no row in the weeks after it, even while the
course is still open: nothing is prefilled or copied onto it, and hours on it are refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forloeb.hours import weeks as hours
from forloeb.models import HourEntry, WeekSheet
from tests.forloeb.hours.conftest import MEET, PREP, D, P, save, week_args
from tests.indsats.helpers import accept, agreement_in_force, make_request


@pytest.fixture
def ended(world):
    """Paula's course, still open, whose agreed ten weeks ended two weeks ago."""
    req = make_request(
        world, submit=True, wished_start=hours.this_monday() - timedelta(weeks=11), wished_weeks=10
    )
    accept(world, req, hours="6")
    agreement, version = agreement_in_force(world, req)
    assert version.ends_on < hours.this_monday() - timedelta(weeks=1)
    assert version.ends_on >= hours.this_monday() - timedelta(weeks=2)
    assert agreement.course.closed_at is None
    return agreement.course


def test_the_week_after_the_agreed_end_has_no_row_for_the_course(world, ended):
    last_week = hours.this_monday() - timedelta(weeks=1)
    grid = hours.week_grid(world.pedagogist, last_week)
    assert [row.course for row in grid.rows] == [None]
    assert not grid.prefilled
    # The week the period ends in still has it.
    week_of_end = hours.this_monday() - timedelta(weeks=2)
    assert ended in [row.course for row in hours.week_grid(world.pedagogist, week_of_end).rows]


def test_copying_last_week_skips_the_ended_course(world, ended):
    week_of_end = hours.this_monday() - timedelta(weeks=2)
    save(
        world, week_of_end, {(ended.pk, P): D("6"), (ended.pk, PREP): D("1"), (None, MEET): D("2")}
    )
    grid = hours.week_grid(world.pedagogist, week_of_end + timedelta(weeks=1), copy_previous=True)
    assert grid.copied
    assert hours.grid_values(grid) == {(None, MEET): D("2")}
    assert not [w for w in hours.grid_warnings(world.pedagogist, grid) if w.code == "preparation"]


def test_hours_on_the_ended_course_are_refused(world, ended):
    last_week = hours.this_monday() - timedelta(weeks=1)
    with pytest.raises(ValidationError) as error:
        save(world, last_week, {(ended.pk, P): D("7")})
    assert "ended on" in str(error.value) or "sluttede" in str(error.value)
    # The week of its end takes them.
    save(world, last_week - timedelta(weeks=1), {(ended.pk, P): D("7")})


def test_the_week_sheet_refuses_hours_saved_on_it_before(client, world, ended):
    """A row saved before the period was enforced is shown, so it can be emptied, but keeping
    hours on it is refused with a message."""
    last_week = hours.this_monday() - timedelta(weeks=1)
    sheet = WeekSheet.objects.create(pedagogist=world.pedagogist, week_start=last_week)
    HourEntry.objects.create(sheet=sheet, course=ended, category=P, hours=D("7"))
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=week_args(last_week))
    html = client.post(url, {f"h_{ended.pk}_{P}": "7", "action": "save"}).content.decode()
    assert "ended on" in html or "sluttede" in html
    client.post(url, {f"h_{ended.pk}_{P}": "", "action": "save"})
    assert not HourEntry.objects.filter(sheet=sheet).exists()
