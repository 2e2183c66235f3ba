"""Capacity uses the plan (issue 18 item 4): triage's free hours subtract planned absence,
week by week, and triage warns when the wished days and times clash with the plan.

Paula has 37 contracted hours: 37 - 0,75 sparring - 1 preparation = 35,25 free hours a week with
nothing booked; a whole day's absence is a fifth of her week, 7,4 hours."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from forloeb.models import Absence, AbsenceKind
from forloeb.plan import services
from forloeb.plan.services import AbsenceInput
from indsats import hooks
from indsats.requests import selectors as request_selectors
from institutioner.workdays import monday_of
from tests.forloeb.plan.helpers import agreement, christmas_year
from tests.indsats.helpers import make_request

D = Decimal
NOTHING_BOOKED = D("35.25")


@pytest.fixture
def paula(world):
    world.pedagogist.weekly_hours = D("37")
    world.pedagogist.save()
    return world.pedagogist


def _absent(world, **fields):
    data = {"kind": AbsenceKind.COURSE, **fields}
    data.setdefault("ends_on", data["starts_on"])
    return services.absence_record(
        actor=world.pedagogist.user, pedagogist_id=world.pedagogist.pk, data=AbsenceInput(**data)
    )


def _free(world, req) -> Decimal:
    rows = request_selectors.capacity_by_pedagogist(req)
    [row] = [r for r in rows if r.pedagogist == world.pedagogist]
    return row.free_hours


def _a_week_without_holidays() -> date:
    """The first Monday of February after the next Christmas (no Danish holiday that week)."""
    first = date(christmas_year() + 1, 2, 1)
    return monday_of(first) + timedelta(weeks=1)


def _request(world, monday, weeks=1, **fields):
    return make_request(world, submit=True, wished_start=monday, wished_weeks=weeks, **fields)


def test_a_week_with_absence_has_exactly_its_hours_less_free(world, paula, postgres):
    monday = _a_week_without_holidays()
    req = _request(world, monday)
    assert _free(world, req) == NOTHING_BOOKED
    _absent(world, starts_on=monday + timedelta(days=2))  # Wednesday, a whole day
    assert _free(world, req) == NOTHING_BOOKED - D("7.4")
    # Two more days the week after do not touch this week's figure; the busiest of two weeks
    # is then the second, with its 14,8 hours.
    _absent(
        world, starts_on=monday + timedelta(weeks=1), ends_on=monday + timedelta(weeks=1, days=1)
    )
    assert _free(world, req) == NOTHING_BOOKED - D("7.4")
    longer = _request(world, monday, weeks=2)
    assert _free(world, longer) == NOTHING_BOOKED - D("14.8")


def test_a_half_day_counts_its_length(world, paula, postgres):
    monday = _a_week_without_holidays()
    req = _request(world, monday)
    _absent(world, starts_on=monday + timedelta(days=1), time_from=time(8), time_to=time(11, 30))
    assert _free(world, req) == NOTHING_BOOKED - D("3.5")


def test_absence_on_a_holiday_counts_nothing(world, paula, postgres):
    year = christmas_year()
    christmas_week = monday_of(date(year, 12, 25))
    req = _request(world, christmas_week)
    # Christmas Day and Boxing Day are holidays (or a weekend): no hours are taken. Such an
    # absence is refused when recorded now (test_services); one from before still counts nothing.
    Absence.objects.create(
        pedagogist=world.pedagogist,
        kind=AbsenceKind.HOLIDAY,
        starts_on=date(year, 12, 25),
        ends_on=date(year, 12, 26),
        created_by=world.pedagogist.user,
    )
    assert _free(world, req) == NOTHING_BOOKED


def test_absence_adds_to_the_agreements_in_sql_and_in_python_alike(world, paula, postgres):
    """The hours of an agreement in force and the absence in the same week, both paths."""
    monday = _a_week_without_holidays()
    agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    _absent(world, starts_on=monday + timedelta(days=3))
    ids = [paula.pk]
    window = {"start": monday - timedelta(weeks=2), "end": monday + timedelta(weeks=2)}
    in_sql = request_selectors.booked_hours(ids, **window)
    in_python = request_selectors.booked_in_python(ids, **window)
    agreed = in_sql.hours[(paula.pk, monday - timedelta(weeks=1))]
    assert in_sql.hours[(paula.pk, monday)] == agreed + D("7.4")
    assert {k: v for k, v in in_sql.hours.items() if v} == {
        k: v for k, v in in_python.hours.items() if v
    }


def test_the_hook_answers_absence_by_week(world, paula):
    monday = _a_week_without_holidays()
    _absent(world, starts_on=monday, ends_on=monday + timedelta(days=1))
    assert hooks.planned_absence(pedagogist_ids=[paula.pk], mondays=[monday]) == {
        (paula.pk, monday): D("14.8")
    }
    assert hooks.planned_absence(pedagogist_ids=[], mondays=[monday]) == {}


def test_parts_of_one_day_count_at_most_the_whole_day(world, paula):
    """8-12 and 12-16 away on one day are eight hours, but a day of a 37-hour week is 7.4."""
    monday = _a_week_without_holidays()
    _absent(world, starts_on=monday, time_from=time(8, 0), time_to=time(12, 0))
    _absent(world, starts_on=monday, time_from=time(12, 0), time_to=time(16, 0))
    _absent(world, starts_on=monday + timedelta(days=1), time_from=time(8, 0), time_to=time(10, 0))
    assert hooks.planned_absence(pedagogist_ids=[paula.pk], mondays=[monday]) == {
        (paula.pk, monday): D("7.4") + D("2")
    }


def test_the_last_repetition_counts_where_it_runs_past_its_start(world, paula):
    """A weekly absence from Friday to Monday, repeating until a Friday: its last Monday lies
    after `repeat_until`, and a week that holds only that Monday still has the absence."""
    monday = _a_week_without_holidays()
    friday = monday - timedelta(days=3)
    _absent(
        world,
        starts_on=friday - timedelta(weeks=2),
        ends_on=monday - timedelta(weeks=2),
        repeat="weekly",
        repeat_until=friday,
    )
    # Two whole days a repetition (Friday and Monday), a fifth of 37 hours each; the week of
    # `monday` holds only the last repetition's Monday.
    assert hooks.planned_absence(pedagogist_ids=[paula.pk], mondays=[monday]) == {
        (paula.pk, monday): D("7.4")
    }
    before = monday - timedelta(weeks=1)
    assert hooks.planned_absence(pedagogist_ids=[paula.pk], mondays=[before, monday]) == {
        (paula.pk, before): D("14.8"),
        (paula.pk, monday): D("7.4"),
    }


def _clash_notes(req):
    from indsats.models import InterventionRequest

    req = InterventionRequest.objects.get(pk=req.pk)
    return [note.text for note in hooks.triage_notes(requests=[req]).get(req.pk, [])]


def test_triage_warns_when_the_wished_days_clash_with_the_plan(client, world, postgres):
    """Paula is at the institution Tuesdays 9-12 under an agreement in force: a request wishing
    Tuesday morning clashes, one wishing Tuesday afternoon or Wednesday does not."""
    agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    monday = _a_week_without_holidays()
    morning = _request(
        world,
        monday,
        weeks=4,
        wished_weekdays=[1, 3],
        wished_time_from=time(10),
        wished_time_to=time(11),
    )
    notes = [n for n in _clash_notes(morning) if "plan" in n]
    assert len(notes) == 1  # one line for the weekday, not one per week
    assert world.pedagogist.user.name in notes[0]
    assert "tirsdag 09:00–12:00" in notes[0]
    afternoon = _request(
        world,
        monday,
        weeks=4,
        wished_weekdays=[1],
        wished_time_from=time(13),
        wished_time_to=time(15),
    )
    assert not [n for n in _clash_notes(afternoon) if "plan" in n]
    wednesday = _request(world, monday, weeks=4, wished_weekdays=[2])
    assert not [n for n in _clash_notes(wednesday) if "plan" in n]
    # The queue says so beside the request, linking to the week plan.
    client.force_login(world.administrator)
    from django.urls import reverse

    html = client.get(reverse("triage_queue")).content.decode()
    assert "Støder sammen med" in html
    year, week, _day = (monday + timedelta(days=1)).isocalendar()
    assert reverse("week_plan", args=[year, week]) in html
