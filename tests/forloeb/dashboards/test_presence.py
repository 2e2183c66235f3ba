"""The allocation dashboards and the plan (issue 18 items 4 and 6): planned absence takes its
hours from the capacity, pedagogists without absence keep their numbers, and Fordeling → Pr.
pædagog counts each pedagogist's cancelled and moved practice days (page and export)."""

import csv
import io
from datetime import date, time, timedelta
from decimal import Decimal

from django.urls import reverse

from forloeb.dashboards import figures as dashboards
from forloeb.models import AbsenceKind, PlanChangeKind
from forloeb.plan import services as plan_services
from forloeb.plan.services import AbsenceInput, ChangeInput
from institutioner.models import Assignment, Institution, Pedagogist
from institutioner.workdays import monday_of
from tests.forloeb.plan.helpers import agreement, christmas_year

D = Decimal


def _a_week_without_holidays() -> date:
    return monday_of(date(christmas_year() + 1, 2, 1)) + timedelta(weeks=1)


def _absent(world, starts_on, ends_on=None, **fields):
    return plan_services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.COURSE, starts_on=starts_on, ends_on=ends_on or starts_on, **fields
        ),
    )


def _weeks(world, mondays):
    rows = dashboards.by_pedagogist(
        pedagogists=Pedagogist.objects.all(), mondays=mondays, today=mondays[0]
    )
    return {row.pedagogist.pk: row for row in rows}


def test_absence_takes_its_hours_from_the_heat_map_capacity(world, postgres):
    Pedagogist.objects.filter(pk=world.pedagogist.pk).update(weekly_hours=D("37"))
    agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    monday = _a_week_without_holidays()
    mondays = [monday, monday + timedelta(weeks=1)]
    before = _weeks(world, mondays)
    ole_before = before[world.outsider_pedagogist.pk].weeks
    paula_week = before[world.pedagogist.pk].weeks[0]
    assert paula_week.absence == 0 and paula_week.available == D("37")
    # Two whole days and a morning of 3 hours in the first week.
    _absent(world, monday + timedelta(days=2), monday + timedelta(days=3))
    _absent(world, monday + timedelta(days=4), time_from=time(8), time_to=time(11))
    after = _weeks(world, mondays)
    paula = after[world.pedagogist.pk]
    first, second = paula.weeks
    assert first.absence == D("17.8")
    assert first.capacity == D("37")  # the contracted hours stay
    assert first.available == D("19.2")
    assert first.load == dashboards.percent(first.demand, D("19.2"))
    assert second.absence == 0 and second.load == before[world.pedagogist.pk].weeks[1].load
    assert paula.absence == D("17.8")
    # A pedagogist without absence keeps every number.
    assert [
        (w.capacity, w.available, w.load, w.over_allocated)
        for w in after[world.outsider_pedagogist.pk].weeks
    ] == [(w.capacity, w.available, w.load, w.over_allocated) for w in ole_before]


def test_a_week_wholly_away_is_over_allocated_when_something_is_agreed(world, postgres):
    Pedagogist.objects.filter(pk=world.pedagogist.pk).update(weekly_hours=D("37"))
    agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    monday = _a_week_without_holidays()
    _absent(world, monday, monday + timedelta(days=4))
    [week] = _weeks(world, [monday])[world.pedagogist.pk].weeks
    assert week.available == 0
    assert week.over_allocated and week.load == 100


def test_absence_takes_the_attachment_share_from_the_district_capacity(world, postgres):
    Pedagogist.objects.filter(pk=world.pedagogist.pk).update(weekly_hours=D("37"))
    monday = _a_week_without_holidays()
    institutions = Institution.objects.all()
    [before] = [
        r
        for r in dashboards.by_district(institutions=institutions, mondays=[monday])
        if r.district == world.institution.district
    ]
    _absent(world, monday + timedelta(days=1))  # a whole Tuesday: 7,4 hours
    [after] = [
        r
        for r in dashboards.by_district(institutions=institutions, mondays=[monday])
        if r.district == world.institution.district
    ]
    share = Assignment.objects.get(pedagogist=world.pedagogist, institution=world.institution).share
    expected = (D("7.4") * D(share) / 100).quantize(D("0.01"))
    assert before.capacity - after.capacity == expected


def test_cancelled_and_moved_days_per_pedagogist_on_the_page_and_in_the_export(client, world):
    """One cancelled and one moved Tuesday in the 25 weeks shown; a proposal not yet accepted
    does not count. The counts ride on the pedagogists' query."""
    ag, _version = agreement(world, weekdays=(1,))
    tuesday = date(christmas_year(), 12, 3)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)

    def change(actor, proposal=False, **fields):
        plan_services.plan_change_make(
            actor=actor,
            course_id=ag.course.pk,
            data=ChangeInput(reason="Personalemøde", **fields),
            proposal=proposal,
        )

    change(world.pedagogist.user, kind=PlanChangeKind.CANCEL, day=tuesday)
    change(
        world.pedagogist.user,
        kind=PlanChangeKind.MOVE,
        day=tuesday + timedelta(weeks=1),
        new_day=tuesday + timedelta(weeks=1, days=1),
    )
    change(
        world.leader,
        proposal=True,
        kind=PlanChangeKind.CANCEL,
        day=tuesday + timedelta(weeks=2),
    )
    client.force_login(world.administrator)
    html = client.get(reverse("dashboard_pedagogists")).content.decode()
    assert "1 praksisdag aflyst" in html
    assert "1 praksisdag flyttet" in html
    response = client.get(reverse("dashboard_pedagogists_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    paula = [r for r in rows if r[0] == world.pedagogist.user.name]
    assert paula and all(r[-2:] == ["1", "1"] for r in paula)
    ole = [r for r in rows if r[0] == world.outsider_pedagogist.user.name]
    assert ole and all(r[-2:] == ["0", "0"] for r in ole)
