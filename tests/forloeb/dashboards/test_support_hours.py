"""Granted support hours (kompenserende støtte) on the allocation dashboards, beside the team's
hours: per district and per institution, the hours a week in force today."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    SupportOutcome,
    SupportStatus,
)
from tests.indsats.supportstats import data

pytestmark = pytest.mark.django_db


def _grant(world, institution, hours, *, start_days=-30, end_days=120, held=None):
    today = timezone.localdate()
    app = data.application(
        world,
        institution=institution,
        submitted=data.at(today - timedelta(days=60)),
        status=SupportStatus.GRANTED,
    )
    held = held or data.meeting(world, today - timedelta(days=40))
    data.decide(
        world,
        app,
        held,
        SupportOutcome.GRANTED,
        hours=hours,
        start=today + timedelta(days=start_days),
        end=today + timedelta(days=end_days),
        when=data.at(today - timedelta(days=40)),
    )
    return app, held


@pytest.fixture
def support(world):
    """Mariehønen 8 + 2,5 (two children), Spiren 5 (Ullerup Bæk 15,5), Kildevang 3 (Søvang);
    not counted: a grant that starts next month, one that ran out last week, one ended."""
    _app, held = _grant(world, world.institution, "8.0")
    _grant(world, world.institution, "2.5", held=held)
    _grant(world, world.other_institution, "5.0", held=held)
    _grant(world, world.outsider_institution, "3.0", held=held)
    _grant(world, world.institution, "4.0", start_days=30, held=held)
    _grant(world, world.institution, "6.0", start_days=-100, end_days=-7, held=held)
    ended, _ = _grant(world, world.other_institution, "7.0", held=held)
    later = data.meeting(world, timezone.localdate() - timedelta(days=3))
    data.decide(world, ended, later, SupportOutcome.ENDED, purpose=AgendaPurpose.REVISIT)


def _row(html: str, name: str) -> list[str]:
    part = html.split(name, 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="text-end">([^<]*)</td>', part)


def test_the_district_page_shows_the_granted_hours(client, world, support):
    client.force_login(world.administrator)
    html = client.get(reverse("dashboard_districts")).content.decode()
    assert "Bevilgede støttetimer/uge" in html
    assert _row(html, "Ullerup Bæk")[-1] == "15,5"
    assert _row(html, "Søvang")[-1] == "3"
    assert _row(html, "I alt")[-1] == "18,5"


def test_a_leader_sees_her_own_institutions_only(client, world, support):
    client.force_login(world.leader)
    html = client.get(reverse("dashboard_districts")).content.decode()
    assert _row(html, "Ullerup Bæk")[-1] == "10,5"  # Mariehønen only, not Spiren
    html = client.get(reverse("dashboard_institutions")).content.decode()
    assert _row(html, "Børnehuset Mariehønen")[-1] == "10,5"
    assert "Vuggestuen Spiren" not in html


def test_the_institution_page_and_exports(client, world, support):
    client.force_login(world.administrator)
    html = client.get(reverse("dashboard_institutions")).content.decode()
    assert _row(html, "Børnehuset Mariehønen")[-1] == "10,5"
    assert _row(html, "Vuggestuen Spiren")[-1] == "5"
    assert _row(html, "Børnegården Kildevang")[-1] == "3"
    text = client.get(reverse("dashboard_institutions_export", args=["csv"])).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][-1] == "Bevilgede støttetimer/uge (i dag)"
    assert next(r for r in rows if r[1] == "Vuggestuen Spiren")[-1] == "5,00"
    text = client.get(reverse("dashboard_districts_export", args=["csv"])).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert next(r for r in rows if r[0] == "Ullerup Bæk")[-1] == "15,50"


@pytest.mark.parametrize("extra", [0, 4])
def test_the_support_hours_are_one_query_on_the_district_page(
    client, world, django_assert_num_queries, extra
):
    held = None
    for _n in range(extra):
        _app, held = _grant(world, world.outsider_institution, "2.0", held=held)
    client.force_login(world.administrator)
    # As test_figures.py's count: one query for the hours, whatever the number of grants.
    with django_assert_num_queries(12):
        response = client.get(reverse("dashboard_districts"))
    assert _row(response.content.decode(), "Søvang")[-1] == ("8" if extra else "0")


@pytest.mark.parametrize("extra", [0, 4])
def test_the_institution_page_has_one_query_for_them(
    client, world, django_assert_num_queries, extra
):
    held = None
    for _n in range(extra):
        _app, held = _grant(world, world.outsider_institution, "2.0", held=held)
    client.force_login(world.administrator)
    with django_assert_num_queries(11):
        response = client.get(reverse("dashboard_institutions"))
    assert _row(response.content.decode(), "Børnegården Kildevang")[-1] == ("8" if extra else "0")


def test_an_ending_counts_the_grant_until_its_last_day_and_the_baseline_agrees(client, world):
    """The committee ends a grant at a re-visitation from a chosen day: the hours count on the
    dashboards and in the statistics until that day and not after, and the benchmark's
    baseline (tests/perf/baseline.py) counts the same."""
    from indsats.supportmeetings import services
    from indsats.supportstats.selectors import granted_hours_on
    from tests.indsats.supportmeetings.helpers import grant, make_application, plan
    from tests.perf.baseline import support_by_day

    today = timezone.localdate()
    app = make_application(world, institution=world.other_institution)
    plan(world)
    item = AgendaItem.objects.get(application=app, status=AgendaItemStatus.WAITING)
    grant(
        world,
        item,
        hours_per_week=D("10"),
        period_start=today,
        period_end=today + timedelta(days=200),
        revisit_on=today + timedelta(days=150),
    )
    later = plan(world, days=30, deadline_days=20)
    revisit = services.revisit_place(
        actor=world.administrator, application_id=app.pk, meeting_id=later.pk
    )
    stop = today + timedelta(days=20)
    grant(world, revisit, outcome=SupportOutcome.ENDED, stops_on=stop, reasons="Nok nu.")
    district = world.other_institution.district_id
    # Still granted today: the page counts the ten hours.
    client.force_login(world.administrator)
    html = client.get(reverse("dashboard_institutions")).content.decode()
    assert _row(html, "Vuggestuen Spiren")[-1] == "10"
    days = [today, stop, stop + timedelta(days=1)]
    counted = [granted_hours_on(day).get(district, D(0)) for day in days]
    assert counted == [D(10), D(10), D(0)]
    baseline = support_by_day(days)
    assert [baseline.get((district, day), D(0)) for day in days] == counted
