"""Weeks, the prefill, copying last week and the norms (forloeb/hours/weeks.py)."""

from datetime import date, timedelta

from forloeb.hours import weeks as hours
from forloeb.models import WeekSheet
from tests.forloeb.hours.conftest import MEET, PREP, SPAR, TRANS, D, P


def test_a_week_belongs_to_the_month_of_its_thursday():
    assert hours.weeks_of_month(2026, 11) == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    # 31 December 2026 is a Thursday: the week of 28 December is December's, not January's.
    assert hours.weeks_of_month(2026, 12)[0] == date(2026, 11, 30)
    assert hours.weeks_of_month(2026, 12)[-1] == date(2026, 12, 28)
    assert hours.weeks_of_month(2027, 1)[0] == date(2027, 1, 4)
    assert hours.week_label(date(2026, 11, 16)) == "Uge 47, 2026"
    # 2026 has an ISO week 53; its Monday is 28 December.
    assert date.fromisocalendar(2026, 53, 1) == date(2026, 12, 28)


def test_a_new_week_is_prefilled_from_the_agreement_in_force(world, running):
    grid = hours.week_grid(world.pedagogist, hours.this_monday())
    assert grid.prefilled
    course_row, free_row = grid.rows
    assert course_row.course == running
    assert course_row.hours[P] == D("6")
    assert course_row.hours[PREP] == D("1")
    assert course_row.hours[SPAR] is None
    assert free_row.course is None and free_row.total == 0
    assert grid.total == D("7")
    # Nothing is stored until the pedagogist saves.
    assert not WeekSheet.objects.exists()


def test_a_week_before_the_course_has_no_course_row(world, running):
    grid = hours.week_grid(world.pedagogist, hours.this_monday() - timedelta(weeks=5))
    assert [row.course for row in grid.rows] == [None]
    assert not grid.prefilled


def test_norm_warnings_from_the_seeds(settings):
    settings.HOURS_PRACTICE_SHARE_MIN_PERCENT = 60
    values = {
        (1, P): D("10"),
        (1, PREP): D("0.5"),
        (2, P): D("8"),
        (2, PREP): D("1"),
        (None, MEET): D("12"),
        (None, TRANS): D("8"),
        (None, SPAR): D("0.5"),
    }
    warnings = hours.norm_warnings(
        values,
        labels={1: "Mariehønen", 2: "Spiren"},
        contracted=D("37"),
        sparring_week_before=D("0.5"),
    )
    by_code = {w.code: w.message for w in warnings}
    # Preparation: course 1 has 0.5 of 1 h; course 2 meets the norm.
    assert "Mariehønen" in by_code["preparation"] and "0,5" in by_code["preparation"]
    assert [w.code for w in warnings].count("preparation") == 1
    # Sparring: 0.5 + 0.5 of 1.5 h in 14 days.
    assert "1 t" in by_code["sparring"]
    # Total 40 > 37 contracted.
    assert "40" in by_code["over_contracted"]
    # Practice 18 of 40 h = 45 %.
    assert "45 %" in by_code["practice_share"]


def test_a_week_within_the_norms_has_no_warnings():
    values = {(1, P): D("28"), (1, PREP): D("1"), (None, SPAR): D("1.5"), (None, MEET): D("6.5")}
    assert (
        hours.norm_warnings(
            values, labels={1: "X"}, contracted=D("37"), sparring_week_before=D("0")
        )
        == []
    )


def test_under_contracted_hours_ask_for_a_note():
    warnings = hours.norm_warnings(
        {(None, P): D("20")}, labels={}, contracted=D("37"), sparring_week_before=D("1.5")
    )
    assert [w.code for w in warnings] == ["under_contracted"]
