"""The dashboards' filters and pages, and how an adjusted agreement counts week by week."""

import csv
import io
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from forloeb.dashboards import figures as dashboards
from forloeb.hours import weeks as hours
from indsats.agreements import services as indsats_services
from indsats.agreements.selectors import version_periods
from institutioner.models import Institution
from institutioner.workdays import week_indexes
from tests import factories
from tests.forloeb.dashboards.test_figures import municipality, period  # noqa: F401 (fixtures)

D = Decimal
CPH = ZoneInfo("Europe/Copenhagen")


# --- Which weeks a version counts in ------------------------------------------------------------


def test_version_periods_follow_the_adjustment_week_by_week():
    """By hand: version 1 runs 5 January to 29 March 2026 and is replaced on Wednesday 11
    February; version 2 (same start, to 26 April) counts from Monday 9 February. A first version
    signed late (in force 20 January) still counts from its start; a version replaced before
    its start counts nowhere. An agreement that ended on Thursday 12 February (its course was
    closed) counts until Sunday 15 February."""
    rows = [
        (
            "a",
            1,
            date(2026, 1, 5),
            date(2026, 3, 29),
            datetime(2026, 1, 2, 10, tzinfo=CPH),
            datetime(2026, 2, 11, 11, tzinfo=CPH),
            None,
        ),
        (
            "a",
            2,
            date(2026, 1, 5),
            date(2026, 4, 26),
            datetime(2026, 2, 11, 11, tzinfo=CPH),
            None,
            None,
        ),
        (
            "b",
            1,
            date(2026, 1, 5),
            date(2026, 2, 1),
            datetime(2026, 1, 20, 9, tzinfo=CPH),
            None,
            None,
        ),
        (
            "c",
            1,
            date(2026, 3, 2),
            date(2026, 4, 26),
            datetime(2026, 2, 1, 9, tzinfo=CPH),
            datetime(2026, 2, 18, 9, tzinfo=CPH),
            None,
        ),
        (
            "c",
            2,
            date(2026, 3, 2),
            date(2026, 4, 26),
            datetime(2026, 2, 18, 9, tzinfo=CPH),
            None,
            None,
        ),
        (
            "d",
            1,
            date(2026, 1, 5),
            date(2026, 3, 29),
            datetime(2026, 1, 2, 9, tzinfo=CPH),
            None,
            date(2026, 2, 12),
        ),
    ]
    periods = [(row[0], row[1], begin, end) for begin, end, row in version_periods(rows)]
    assert periods == [
        ("a", 1, date(2026, 1, 5), date(2026, 2, 8)),
        ("a", 2, date(2026, 2, 9), date(2026, 4, 26)),
        ("b", 1, date(2026, 1, 5), date(2026, 2, 1)),
        ("c", 2, date(2026, 3, 2), date(2026, 4, 26)),
        ("d", 1, date(2026, 1, 5), date(2026, 2, 15)),
    ]


def test_week_range_counts_the_weeks_a_period_touches():
    mondays = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(8)]  # 5 Jan .. 23 Feb
    assert list(week_indexes(date(2026, 1, 7), date(2026, 1, 13), mondays)) == [0, 1]
    assert list(week_indexes(date(2025, 12, 1), date(2026, 1, 4), mondays)) == []
    assert list(week_indexes(date(2026, 3, 1), None, mondays)) == [7]
    assert list(week_indexes(None, None, mondays)) == list(range(8))
    assert list(week_indexes(date(2026, 3, 2), None, mondays)) == []
    # From a Wednesday to a Sunday; from a Monday to the Sunday ending the last week.
    assert list(week_indexes(date(2026, 1, 7), date(2026, 1, 18), mondays)) == [0, 1]
    assert list(week_indexes(date(2026, 1, 12), date(2026, 3, 1), mondays)) == list(range(1, 8))


@pytest.fixture
def adjusted(world, municipality):  # noqa: F811
    """The agreement in force from m1 at 6 h a week is adjusted to 3 h a week now: version 2
    counts from this week, version 1 in the weeks before."""
    from tests.factories import PASSWORD

    agreement = municipality.agreement
    draft = indsats_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    indsats_services.agreement_draft_update(
        actor=world.pedagogist.user,
        version_id=draft.pk,
        content=replace(draft.parsed, hours_per_week=Decimal("3.00")),
    )
    indsats_services.agreement_send_for_signature(actor=world.pedagogist.user, version_id=draft.pk)
    for who in (world.leader, world.pedagogist.user):
        indsats_services.agreement_sign(actor=who, version_id=draft.pk, password=PASSWORD)
    return agreement


def test_an_adjustment_changes_the_agreed_hours_only_from_its_week(world, adjusted, period):  # noqa: F811
    """The past four weeks keep version 1's 6 h (3 weeks x 6 / 4 = 4,5 h a week, as before the
    adjustment); this week and the next count version 2's 3 h."""
    north = Institution.objects.filter(district=world.north)
    past = {r.district.name: r for r in dashboards.by_district(institutions=north, mondays=period)}
    assert past["Ullerup Bæk"].agreed == D("4.50")
    this_monday = hours.this_monday()
    ahead = [this_monday, this_monday + timedelta(weeks=1)]
    now = {r.district.name: r for r in dashboards.by_district(institutions=north, mondays=ahead)}
    assert now["Ullerup Bæk"].agreed == D("3.00")
    mondays = hours.weeks_between(period[1], this_monday)
    rows = dashboards.by_pedagogist(
        pedagogists=[world.pedagogist], mondays=mondays, today=this_monday
    )
    weeks = rows[0].weeks
    assert [w.agreed for w in weeks] == [D("6.00")] * (len(mondays) - 1) + [D("3.00")]
    assert [w.courses for w in weeks] == [1] * len(mondays)


# --- Filters and pages --------------------------------------------------------------------------


def test_the_institution_page_filters_by_district_and_name(client, world, municipality):  # noqa: F811
    client.force_login(world.administrator)
    html = client.get(reverse("dashboard_institutions"), {"distrikt": world.south.pk}).content
    html = html.decode()
    assert "Børnegården Kildevang" in html
    assert "Børnehuset Mariehønen" not in html
    html = client.get(reverse("dashboard_institutions"), {"soeg": "spiren"}).content.decode()
    assert "Vuggestuen Spiren" in html
    assert "Børnehuset Mariehønen" not in html
    assert "Børnegården Kildevang" not in html


def test_a_bad_district_says_so_and_keeps_the_rest(client, world, municipality):  # noqa: F811
    client.force_login(world.administrator)
    response = client.get(
        reverse("dashboard_institutions"),
        {"distrikt": "999999", "soeg": "Spiren", "fra": "2026-01-05", "til": "2026-02-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vælg et distrikt fra listen." in html
    assert 'value="Spiren"' in html and 'value="2026-01-05"' in html
    assert "Vuggestuen Spiren" in html  # the good filters still apply
    assert "Børnehuset Mariehønen" not in html


def test_exports_follow_the_filters_and_refuse_bad_ones(client, world, municipality):  # noqa: F811
    client.force_login(world.administrator)
    url = reverse("dashboard_institutions_export", args=["csv"])
    text = client.get(url, {"distrikt": world.north.pk}).content.decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert names == ["Børnehuset Mariehønen", "Vuggestuen Spiren"]
    response = client.get(url, {"distrikt": "x"}, follow=True)
    assert "Vælg filtrene igen: eksporten blev ikke lavet." in response.content.decode()


def test_the_institution_page_has_pages_of_50_and_the_export_all(client, world):
    Institution.objects.bulk_create(
        factories.InstitutionFactory.build(name=f"Institution {n:03d}", district=world.south)
        for n in range(60)
    )
    client.force_login(world.administrator)
    first = client.get(reverse("dashboard_institutions"), {"distrikt": world.south.pk})
    html = first.content.decode()
    assert "Side 1 af 2" in html and "61 institutioner i alt" in html
    assert "Institution 048" in html and "Institution 049" not in html
    second = client.get(
        reverse("dashboard_institutions"), {"distrikt": world.south.pk, "side": "2"}
    ).content.decode()
    assert "Institution 049" in second and "Børnegården Kildevang" not in second
    assert f"distrikt={world.south.pk}&amp;side=1" in second
    text = client.get(
        reverse("dashboard_institutions_export", args=["csv"]), {"distrikt": world.south.pk}
    ).content.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 1 + 61


def test_the_heat_map_filters_by_district_and_name(client, world, municipality):  # noqa: F811
    client.force_login(world.administrator)
    html = client.get(reverse("dashboard_pedagogists"), {"distrikt": world.south.pk}).content
    assert "Ole Andensted" in html.decode() and "Paula Pædagog" not in html.decode()
    html = client.get(reverse("dashboard_pedagogists"), {"soeg": "paula"}).content.decode()
    assert "Paula Pædagog" in html and "Ole Andensted" not in html


def test_the_flow_filters_by_district(client, world):
    from tests.indsats.helpers import make_request

    make_request(world, submit=True)
    client.force_login(world.administrator)
    north = client.get(reverse("dashboard_flow"), {"distrikt": world.north.pk}).context["flow"]
    south = client.get(reverse("dashboard_flow"), {"distrikt": world.south.pk}).context["flow"]
    assert (north.waiting_for_triage, south.waiting_for_triage) == (1, 0)


def test_a_leader_chooses_only_among_their_own_districts(client, world):
    client.force_login(world.leader)
    for name in ("dashboard_flow", "dashboard_institutions"):
        response = client.get(reverse(name))
        choices = [label for _value, label in response.context["form"].fields["distrikt"].choices]
        assert choices == ["Alle distrikter", "Ullerup Bæk"], name
    # Another district's id is not one of hers: said so, and nothing of that district shown.
    response = client.get(reverse("dashboard_institutions"), {"distrikt": world.south.pk})
    html = response.content.decode()
    assert "Vælg et distrikt fra listen." in html
    assert "Børnegården Kildevang" not in html
    assert "Søvang" not in html


def test_the_month_chart_adds_up_to_the_bars_height():
    """By hand, the tallest month (7 requests) is 120 px: 3, 2 and 2 requests give 51, 35 and
    34 px (rounded by the running total 3/7, 5/7, 7/7), and 4 requests give 69 px in all."""
    from forloeb.dashboards.views import _month_chart

    chart = _month_chart([(date(2026, 1, 1), [3, 2, 2, 0, 0]), (date(2026, 2, 1), [0, 1, 0, 3, 0])])
    first, second = chart["bars"]
    assert [(s["y"], s["height"]) for s in first["segments"]] == [(69, 51), (34, 35), (0, 34)]
    assert sum(s["height"] for s in second["segments"]) == 69  # round(120 * 4 / 7)
    assert [s["colour"] for s in second["segments"]] == ["#b58105", "#dc3545"]


@pytest.mark.parametrize(("rejected", "shown", "more"), [(20, 20, False), (21, 20, True)])
def test_the_latest_rejections_and_whether_there_are_more(world, rejected, shown, more):
    from django.utils import timezone

    from indsats.models import EventKind, RequestEvent
    from tests.indsats.helpers import make_request

    req = make_request(world, submit=True)
    at = timezone.now() - timedelta(days=1)
    RequestEvent.objects.bulk_create(
        RequestEvent(request=req, kind=EventKind.REJECTED, message=f"Grund {n}")
        for n in range(rejected)
    )
    RequestEvent.objects.filter(kind=EventKind.REJECTED).update(created_at=at)  # all at once
    today = timezone.localdate()
    flow = dashboards.flow(
        institutions=Institution.objects.all(), first=today - timedelta(days=7), last=today
    )
    assert len(flow.rejections) == shown
    assert flow.more_rejections is more
    # Ties in time come newest first by id, the same on every load.
    ids = [e.pk for e in flow.rejections]
    assert ids == sorted(ids, reverse=True)


def test_odd_page_numbers_give_the_first_page(client, world):
    Institution.objects.bulk_create(
        factories.InstitutionFactory.build(name=f"Institution {n:03d}", district=world.south)
        for n in range(60)
    )
    client.force_login(world.administrator)
    for side in ("0", "-1", "abc", ""):
        response = client.get(reverse("dashboard_institutions"), {"side": side})
        assert response.context["page"].number == 1, side
    assert (
        client.get(reverse("dashboard_institutions"), {"side": "999"}).context["page"].number == 2
    )


def test_the_date_boxes_show_the_period_used(client, world):
    """With only a district in the address the boxes show the default period (the eight whole
    weeks before this one); with only an end, eight weeks up to it; Danish dates come back as
    the date boxes read them."""
    client.force_login(world.administrator)
    this_monday = hours.this_monday()
    form = client.get(reverse("dashboard_institutions"), {"distrikt": world.north.pk}).context[
        "form"
    ]
    assert form["fra"].value() == (this_monday - timedelta(weeks=8)).isoformat()
    assert form["til"].value() == (this_monday - timedelta(days=1)).isoformat()
    response = client.get(reverse("dashboard_districts"), {"til": "2025-01-05"})
    assert response.context["form"]["fra"].value() == "2024-11-11"  # 55 days before, by hand
    assert "alert-danger" not in response.content.decode()
    assert response.context["first"] == date(2024, 11, 11)
    form = client.get(reverse("dashboard_districts"), {"fra": "30.11.2025"}).context["form"]
    assert form["fra"].value() == "2025-11-30"


@pytest.mark.parametrize(
    "name",
    ["dashboard_districts", "dashboard_institutions", "dashboard_flow", "dashboard_pedagogists"],
)
def test_the_exports_send_the_form_as_it_is(client, world, name):
    client.force_login(world.administrator)
    html = client.get(reverse(name)).content.decode()
    for fmt in ("csv", "xlsx"):
        assert f'formaction="{reverse(f"{name}_export", args=[fmt])}"' in html


def test_the_flow_search_ignores_case_and_says_when_nothing_matches(client, world):
    from tests.indsats.helpers import make_request

    make_request(world, submit=True)  # at Mariehønen
    client.force_login(world.administrator)
    found = client.get(reverse("dashboard_flow"), {"soeg": "MARIEHØNEN"})
    assert found.context["flow"].waiting_for_triage == 1
    assert found.context["no_match"] is False
    none = client.get(reverse("dashboard_flow"), {"soeg": "æblehaven"})
    assert none.context["flow"].waiting_for_triage == 0
    assert "Ingen institutioner passer til filtrene." in none.content.decode()
