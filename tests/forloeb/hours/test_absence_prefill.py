"""The week sheet's prefill less planned absence (issue 18 item 4). The running course is 6
hours a week on Tuesdays and Thursdays (3 hours a day, no fixed times)."""

from datetime import time, timedelta
from decimal import Decimal

from forloeb.hours import weeks as hours
from forloeb.models import AbsenceKind, HourCategory
from forloeb.plan import services as plan_services
from forloeb.plan.services import AbsenceInput
from institutioner.workdays import is_working_day

D = Decimal
P = HourCategory.PRACTICE.value
PREP = HourCategory.PREPARATION.value


def _absent(world, day, **fields):
    return plan_services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.COURSE, starts_on=day, ends_on=day, **fields),
    )


def _next_week_without_holidays():
    monday = hours.this_monday() + timedelta(weeks=1)
    while not all(is_working_day(monday + timedelta(days=n)) for n in range(5)):
        monday += timedelta(weeks=1)
    return monday


def _course_row(grid, course):
    [row] = [r for r in grid.rows if r.course == course]
    return row


def test_absence_on_one_of_two_practice_days_halves_the_practice(world, running):
    monday = _next_week_without_holidays()
    assert _course_row(hours.week_grid(world.pedagogist, monday), running).hours[P] == D("6")
    _absent(world, monday + timedelta(days=1))  # Tuesday
    grid = hours.week_grid(world.pedagogist, monday)
    row = _course_row(grid, running)
    assert row.hours[P] == D("3")
    assert row.hours[PREP] == D("1")
    assert grid.absence_deducted
    # The week before and after are untouched.
    later = hours.week_grid(world.pedagogist, monday + timedelta(weeks=1))
    assert _course_row(later, running).hours[P] == D("6") and not later.absence_deducted


def test_absence_on_a_day_without_practice_changes_nothing(world, running):
    monday = _next_week_without_holidays()
    _absent(world, monday + timedelta(days=2), time_from=time(8), time_to=time(12))  # Wednesday
    grid = hours.week_grid(world.pedagogist, monday)
    assert _course_row(grid, running).hours[P] == D("6")
    assert not grid.absence_deducted


def test_away_on_every_practice_day_prefills_no_practice(world, running):
    monday = _next_week_without_holidays()
    _absent(world, monday + timedelta(days=1))
    _absent(world, monday + timedelta(days=3))
    row = _course_row(hours.week_grid(world.pedagogist, monday), running)
    assert row.hours[P] is None and row.hours[PREP] is None


def test_the_page_says_the_absence_is_taken_off(client, world, running, settings):
    from django.urls import reverse

    settings.HOURS_WEEKS_AHEAD = max(settings.HOURS_WEEKS_AHEAD, 6)
    monday = _next_week_without_holidays()
    _absent(world, monday + timedelta(days=1))
    client.force_login(world.pedagogist.user)
    year, week, _day = monday.isocalendar()
    html = client.get(reverse("week_sheet", args=[year, week])).content.decode()
    assert "Dit planlagte fravær i ugen er trukket fra" in html


def _change(world, course, **fields):
    from forloeb.plan.services import ChangeInput

    return plan_services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=course.pk,
        data=ChangeInput(reason="Personalemøde", **fields),
    )


def test_the_plans_changes_scale_the_prefill(client, world, running, settings):
    """A cancelled practice day is not filled in as practice (the QA found 6 hours prefilled in
    a week whose Tuesday was cancelled); an extra day adds its hours; a day moved within the
    week changes nothing; absence on the day moved to still counts."""
    from django.urls import reverse

    from forloeb.models import PlanChangeKind

    monday = _next_week_without_holidays()
    _change(world, running, kind=PlanChangeKind.CANCEL, day=monday + timedelta(days=1))
    grid = hours.week_grid(world.pedagogist, monday)
    assert _course_row(grid, running).hours[P] == D("3")
    assert grid.changes_applied and not grid.absence_deducted

    week2 = monday + timedelta(weeks=1)
    while not all(is_working_day(week2 + timedelta(days=n)) for n in range(5)):
        week2 += timedelta(weeks=1)
    _change(world, running, kind=PlanChangeKind.EXTRA, new_day=week2 + timedelta(days=4))
    assert _course_row(hours.week_grid(world.pedagogist, week2), running).hours[P] == D("9")

    week3 = week2 + timedelta(weeks=1)
    while not all(is_working_day(week3 + timedelta(days=n)) for n in range(5)):
        week3 += timedelta(weeks=1)
    _change(
        world,
        running,
        kind=PlanChangeKind.MOVE,
        day=week3 + timedelta(days=1),
        new_day=week3 + timedelta(days=2),
    )
    grid = hours.week_grid(world.pedagogist, week3)
    assert _course_row(grid, running).hours[P] == D("6") and not grid.changes_applied
    _absent(world, week3 + timedelta(days=2))  # the Wednesday the Tuesday moved to
    grid = hours.week_grid(world.pedagogist, week3)
    assert _course_row(grid, running).hours[P] == D("3") and grid.absence_deducted

    settings.HOURS_WEEKS_AHEAD = max(settings.HOURS_WEEKS_AHEAD, 6)
    client.force_login(world.pedagogist.user)
    year, week, _day = monday.isocalendar()
    html = client.get(reverse("week_sheet", args=[year, week])).content.decode()
    assert "Planens ændringer i ugen" in html


def test_an_extra_day_in_a_week_with_a_holiday_adds_its_hours_only(world):
    """The changes move the prefill by their days' hours: in a week where a holiday already took
    one of the course's days, an extra day adds its 3 hours, not twice the week (a share of
    the week's remaining days doubled it)."""
    from datetime import date

    from forloeb.models import PlanChangeKind
    from tests.forloeb.plan.helpers import agreement, christmas_year

    year = christmas_year()
    ag, _version = agreement(
        world, weekdays=(1, 3), start=date(year, 12, 1), end=date(year + 1, 4, 30)
    )
    course = ag.course
    monday = date(year, 12, 1) - timedelta(days=date(year, 12, 1).weekday())
    # A week in which one of Tuesday and Thursday is a holiday and Wednesday is a working day.
    while not (
        is_working_day(monday + timedelta(days=2))
        and (
            is_working_day(monday + timedelta(days=1)) != is_working_day(monday + timedelta(days=3))
        )
    ):
        monday += timedelta(weeks=1)
    before = _course_row(hours.week_grid(world.pedagogist, monday), course).hours[P]
    _change(world, course, kind=PlanChangeKind.EXTRA, new_day=monday + timedelta(days=2))
    grid = hours.week_grid(world.pedagogist, monday)
    assert _course_row(grid, course).hours[P] == before + D("3")
    assert grid.changes_applied


def test_a_day_away_removes_its_share_of_the_agreed_hours_not_its_clock_hours(world):
    """4 agreed hours a week on Tuesdays and Fridays 08:30-12:00 (7 clock hours): a Tuesday away
    leaves 2 hours of practice, not 4 - 3.5 = 0.5; an extra day of 3.5 clock hours adds 2."""
    from datetime import date

    from forloeb.models import PlanChangeKind
    from tests.forloeb.plan.helpers import christmas_year
    from tests.indsats.helpers import accept, agreement_in_force, make_request

    year = christmas_year()
    req = make_request(world, submit=True)
    accept(world, req, hours="4")
    ag, version = agreement_in_force(
        world,
        req,
        weekdays=(1, 4),
        time_from=time(8, 30),
        time_to=time(12),
        hours_per_week=D("4"),
        starts_on=date(year, 12, 1),
        ends_on=date(year + 1, 4, 30),
        midway_evaluation_on=None,
        final_evaluation_on=date(year + 1, 4, 30),
    )
    assert version.hours_per_week == D("4")
    course = ag.course
    monday = date(year + 1, 1, 12) - timedelta(days=date(year + 1, 1, 12).weekday())
    while not all(is_working_day(monday + timedelta(days=n)) for n in range(5)):
        monday += timedelta(weeks=1)
    assert _course_row(hours.week_grid(world.pedagogist, monday), course).hours[P] == D("4")
    _absent(world, monday + timedelta(days=1))
    grid = hours.week_grid(world.pedagogist, monday)
    assert _course_row(grid, course).hours[P] == D("2")
    assert grid.absence_deducted

    week2 = monday + timedelta(weeks=1)
    while not all(is_working_day(week2 + timedelta(days=n)) for n in range(5)):
        week2 += timedelta(weeks=1)
    _change(world, course, kind=PlanChangeKind.EXTRA, new_day=week2 + timedelta(days=2))
    assert _course_row(hours.week_grid(world.pedagogist, week2), course).hours[P] == D("6")


def test_a_week_with_nothing_filled_in_does_not_say_hours_were_taken_off(
    client, world, running, settings
):
    """Away on every practice day: every cell is empty, so the boxes about what was taken off
    the hours filled in are not shown; the page says why nothing is filled in instead."""
    from django.urls import reverse

    settings.HOURS_WEEKS_AHEAD = max(settings.HOURS_WEEKS_AHEAD, 6)
    monday = _next_week_without_holidays()
    _absent(world, monday + timedelta(days=1))
    _absent(world, monday + timedelta(days=3))
    grid = hours.week_grid(world.pedagogist, monday)
    assert not grid.prefilled and not grid.absence_deducted and not grid.changes_applied
    assert grid.emptied == [hours.course_label(running)]
    client.force_login(world.pedagogist.user)
    year, week, _day = monday.isocalendar()
    html = client.get(reverse("week_sheet", args=[year, week])).content.decode()
    assert "er trukket fra" not in html
    assert "so no hours are filled in there" in html or "ikke udfyldt timer der" in html
