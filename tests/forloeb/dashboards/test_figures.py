"""The allocation dashboards, checked against a small hand-made municipality."""

import csv
import io
import re
from datetime import time, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from forloeb.dashboards import figures as dashboards
from forloeb.hours import services
from forloeb.hours import weeks as hours
from forloeb.models import HourCategory
from indsats.models import InterventionRequest
from institutioner import workdays
from institutioner.models import Assignment, District, Institution, Pedagogist
from tests import factories
from tests.indsats.helpers import accept, agreement_in_force, make_request

D = Decimal


@pytest.fixture
def period():
    """Four whole weeks, all in the past: m0, m1, m2, m3."""
    m3 = hours.this_monday() - timedelta(weeks=1)
    return [m3 - timedelta(weeks=n) for n in (3, 2, 1, 0)]


@pytest.fixture
def municipality(world, period):
    """By hand:
    - Ullerup Bæk (north): Mariehønen and Spiren. Paula (37 h) is attached to Mariehønen with
      60 % from m2: capacity 22,2 h in 2 of the 4 weeks = 11,1 h a week on average.
    - Søvang (south): Kildevang. Ole (30 h) is attached with 100 % in all weeks: 30 h a week.
    - Mariehønen has an agreement in force from m1, 6 h a week: 3 weeks x 6 / 4 = 4,5 h a week.
    - Paula submits m1 (5,5 practice + 1 preparation) and m2 (4 practice); m3 stays open and
      does not count: 10,5 h / 4 = 2,625 → 2,63 h a week.
    - North: agreed 4,5 / 11,1 = 40,5 % → 41 %; logged 2,63 / 11,1 = 23,7 % → 24 %.
    - South: nothing agreed or logged: 0 %.
    """
    m0, m1, m2, m3 = period
    paula, ole = world.pedagogist, world.outsider_pedagogist
    type(paula).objects.filter(pk=paula.pk).update(weekly_hours=D("37"))
    type(ole).objects.filter(pk=ole.pk).update(weekly_hours=D("30"))
    Assignment.objects.filter(pedagogist=paula).update(share=60, valid_from=m2, valid_to=None)
    Assignment.objects.filter(pedagogist=ole).update(
        share=100, valid_from=m0 - timedelta(weeks=10), valid_to=None
    )
    req = make_request(world, submit=True, wished_start=m1, wished_weeks=10)
    accept(world, req, hours="6")
    agreement, version = agreement_in_force(world, req)
    assert (version.starts_on, version.hours_per_week) == (m1, D("6"))
    course = agreement.course
    paula.refresh_from_db()
    for monday, values, submit in (
        (
            m1,
            {
                (course.pk, HourCategory.PRACTICE): D("5.5"),
                (course.pk, HourCategory.PREPARATION): D("1"),
            },
            True,
        ),
        (m2, {(course.pk, HourCategory.PRACTICE): D("4")}, True),
        (m3, {(course.pk, HourCategory.PRACTICE): D("3")}, False),
    ):
        services.week_save(
            actor=paula.user, pedagogist=paula, monday=monday, values=values, note="", submit=submit
        )
    return course


def _rows(institutions, period):
    return {
        r.district.name: r
        for r in dashboards.by_district(institutions=institutions, mondays=period)
    }


def test_by_district_matches_the_hand_computed_numbers(world, municipality, period):
    rows = _rows(Institution.objects.all(), period)
    north, south = rows["Ullerup Bæk"], rows["Søvang"]
    assert (north.institutions, north.pedagogists) == (2, 1)
    assert (north.capacity, north.agreed, north.logged) == (D("11.10"), D("4.50"), D("2.63"))
    assert (north.agreed_share, north.utilisation) == (41, 24)
    assert (south.institutions, south.pedagogists) == (1, 1)
    assert (south.capacity, south.agreed, south.logged) == (D("30.00"), D("0.00"), D("0.00"))
    assert (south.agreed_share, south.utilisation) == (0, 0)
    total = dashboards.totals(list(rows.values()))
    assert total["capacity"] == D("41.10")
    assert total["utilisation"] == 6  # 2,63 / 41,1 = 6,4 %


def test_a_leader_sees_only_their_institutions(client, world, municipality, period):
    client.force_login(world.leader)
    query = f"?fra={period[0]:%Y-%m-%d}&til={period[-1] + timedelta(days=6):%Y-%m-%d}"
    html = client.get(reverse("dashboard_districts") + query).content.decode()
    assert "Ullerup Bæk" in html
    assert "Søvang" not in html
    # Only Mariehønen counts: 1 institution (not Spiren), 1 pedagogist, the same hours.
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', html.split("Ullerup Bæk", 1)[1])
    assert cells[:5] == ["1", "1", "11,1", "4,5", "2,63"]
    client.force_login(world.outsider)
    html = client.get(reverse("dashboard_districts") + query).content.decode()
    assert "Søvang" in html and "Ullerup Bæk" not in html


@pytest.mark.parametrize("role", ["pedagogist", "staff"])
def test_pedagogists_and_staff_get_404(client, world, role):
    client.force_login(world.user_for(role))
    assert client.get(reverse("dashboard_districts")).status_code == 404


def test_the_exports_hold_the_table(client, world, municipality, period):
    client.force_login(world.administrator)
    query = f"?fra={period[0]:%Y-%m-%d}&til={period[-1] + timedelta(days=6):%Y-%m-%d}"
    response = client.get(reverse("dashboard_districts_export", args=["csv"]) + query)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Distrikt", "Institutioner", "Pædagoger", "Kapacitet (timer om ugen)"]
    # The last column: granted support hours a week in force today (none in this world).
    assert ["Søvang", "1", "1", "30,00", "0,00", "0,00", "0", "0", "0,00"] in rows
    assert ["Ullerup Bæk", "2", "1", "11,10", "4,50", "2,63", "41", "24", "0,00"] in rows
    assert rows[-1][0] == "I alt"

    response = client.get(reverse("dashboard_districts_export", args=["xlsx"]) + query)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    north = next(r for r in values if r[0] == "Ullerup Bæk")
    assert north[3:6] == (11.1, 4.5, 2.63)
    assert sheet["A1"].font.bold


def test_a_bad_period_keeps_the_page_and_says_so(client, world):
    client.force_login(world.administrator)
    html = client.get(
        reverse("dashboard_districts") + "?fra=2026-05-01&til=2026-04-01"
    ).content.decode()
    assert "Periodens slutning ligger før dens start." in html
    assert client.get(reverse("dashboard_districts_export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("extra", [0, 3])
def test_the_query_count_does_not_grow(
    client, world, municipality, django_assert_num_queries, extra
):
    for n in range(extra):
        district = factories.DistrictFactory(name=f"Distrikt {n}")
        institution = factories.InstitutionFactory(district=district)
        factories.AssignmentFactory(institution=institution)
    client.force_login(world.administrator)
    # session, user; districts, attachments, the attached pedagogists' planned absence
    # (forloeb/plan), agreements, logged hours, the support granted today
    # (indsats/supportstats); unread notifications; session save (3)
    with django_assert_num_queries(12):
        response = client.get(reverse("dashboard_districts"))
    assert response.status_code == 200
    html = response.content.decode()
    for district in District.objects.all():
        assert district.name in html


# --- By pedagogist ------------------------------------------------------------------------------


def _paula(rows, world):
    return next(r for r in rows if r.pedagogist.pk == world.pedagogist.pk)


def test_by_pedagogist_matches_the_hand_computed_numbers(world, municipality, period):
    """Paula (37 h): 6 agreed hours a week from m1 plus the 1-hour preparation norm = 7 h, or
    19 % of 37 h. Logged 6,5 (m1) and 4 (m2); m3 is open. Practice 9,5 of 10,5 h = 90 %."""
    rows = dashboards.by_pedagogist(
        pedagogists=Pedagogist.objects.all(), mondays=period, today=period[-1]
    )
    paula = _paula(rows, world)
    assert [w.agreed for w in paula.weeks] == [D("0"), D("6"), D("6"), D("6")]
    assert [w.logged for w in paula.weeks] == [None, D("6.5"), D("4"), None]
    assert [w.load for w in paula.weeks] == [0, 19, 19, 19]
    assert [w.heat for w in paula.weeks] == ["0", "low", "low", "low"]
    assert paula.practice_share == 90
    assert paula.flags == []
    ole = next(r for r in rows if r.pedagogist.pk == world.outsider_pedagogist.pk)
    assert [w.agreed for w in ole.weeks] == [D("0")] * 4
    assert ole.practice_share is None


def test_over_allocation_and_norms_are_flagged(world, municipality, period):
    # With 6 contracted hours, 6 agreed + 1 preparation = 7 h is over-allocated (117 %), and
    # the 6,5 hours logged in m1 are above the contracted hours.
    Pedagogist.objects.filter(pk=world.pedagogist.pk).update(weekly_hours=D("6"))
    rows = dashboards.by_pedagogist(
        pedagogists=Pedagogist.objects.all(), mondays=period, today=period[-1]
    )
    paula = _paula(rows, world)
    assert [w.over_allocated for w in paula.weeks] == [False, True, True, True]
    assert [w.load for w in paula.weeks][1] == 117
    assert paula.over_weeks == 3
    assert paula.flags == ["over_allocated", "over_contracted"]
    assert paula.over_contracted_weeks == 1


def test_the_pedagogist_heat_map_page_and_export(client, world, municipality, period):
    client.force_login(world.administrator)
    html = client.get(reverse("dashboard_pedagogists")).content.decode()
    assert "Paula Pædagog" in html and "Ole Andensted" in html
    assert "praksis 90 %" in html
    assert "heat-low" in html
    response = client.get(reverse("dashboard_pedagogists_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Pædagog",
        "År",
        "Uge",
        "Normerede timer",
        "Planlagt fravær (timer)",
        "Aftalte timer",
        "Forberedelse (norm)",
        "Registrerede timer",
        "Overbooket",
        "Aflyste praksisdage, de 25 uger",
        "Flyttede praksisdage, de 25 uger",
    ]
    year, week, _day = period[1].isocalendar()
    assert [
        "Paula Pædagog",
        str(year),
        str(week),
        "37,00",
        "0,00",
        "6,00",
        "1,00",
        "6,50",
        "nej",
        "0",
        "0",
    ] in rows
    assert len(rows) == 1 + 2 * 25  # two pedagogists, 12 weeks back, this week, 12 ahead


@pytest.mark.parametrize("role", ["leader", "pedagogist", "staff"])
def test_only_the_administration_sees_the_pedagogists(client, world, role):
    client.force_login(world.user_for(role))
    assert client.get(reverse("dashboard_pedagogists")).status_code == 404


@pytest.mark.parametrize("extra", [0, 30])
def test_the_heat_map_query_count_does_not_grow(
    client, world, municipality, django_assert_num_queries, extra
):
    """30 more pedagogists fill a second page; the count stays the same."""
    for _n in range(extra):
        factories.AssignmentFactory(institution=world.institution, share=2)
    client.force_login(world.administrator)
    # session, user; districts (filter), the cancelled and moved practice days (one grouped
    # query), pedagogists, allocations with agreements, planned absence (forloeb/plan), reported
    # hours; unread notifications; the access-log row (pedagogists by name); session save (3)
    with django_assert_num_queries(13):
        response = client.get(reverse("dashboard_pedagogists"))
    assert response.status_code == 200
    # The first page shows 25 pedagogists (of all), alphabetically, one row each.
    html = response.content.decode()
    names = sorted(Pedagogist.objects.values_list("user__name", flat=True))
    assert html.count('<th scope="row" class="heat-name">') == min(len(names), 25)
    assert all(name in html for name in names[:25])


# --- By institution -----------------------------------------------------------------------------


@pytest.fixture
def history(world, municipality, period):
    """Mariehønen's earlier interventions, all accepted, by hand:
    - Sommerfuglen again, 20 weeks before the course (within 12 months): one repeat;
    - Frøen, 30 weeks back, with another pedagogist (Pia): two different pedagogists;
    - Frøen, 800 days back, with a third pedagogist (Bo): outside the 24 months, so Bo is not
      counted.
    Courses: only the one in force (the others never got an agreement)."""
    from indsats.requests import services as indsats_services

    pia = factories.PedagogistFactory(user__email="pia@example.dk", user__name="Pia Pædagog")
    factories.AssignmentFactory(pedagogist=pia, institution=world.institution, share=20)
    bo = factories.PedagogistFactory(user__email="bo@example.dk", user__name="Bo Pædagog")
    factories.AssignmentFactory(pedagogist=bo, institution=world.institution, share=20)
    m1 = period[1]
    frog = world.institution.groups.get(name="Frøen")
    for weeks_back, group, who in ((20, None, world.pedagogist), (30, frog, pia), (115, frog, bo)):
        extra = {"group": group} if group else {}
        req = make_request(world, submit=True, **extra)
        indsats_services.request_accept(
            actor=world.administrator,
            request_id=req.pk,
            choices=[indsats_services.AllocationChoice(pedagogist=who, weekly_hours=D("4"))],
            reason="Til testen.",
        )
        type(req).objects.filter(pk=req.pk).update(wished_start=m1 - timedelta(weeks=weeks_back))


def test_by_institution_matches_the_hand_computed_numbers(world, history, period):
    rows = {
        r.institution.name: r
        for r in dashboards.by_institution(
            institutions=Institution.objects.all(), mondays=period, today=period[-1]
        )
    }
    marie = rows["Børnehuset Mariehønen"]
    assert (marie.open_courses, marie.courses) == (1, 1)
    # Agreed 4,5 a week (see `municipality`); received is the practice only: 5,5 + 4 h in 4
    # weeks = 2,375 → 2,38 a week (the preparation hour is not received practice); 2,38 / 4,5 =
    # 52,9 % → 53 %.
    assert (marie.agreed, marie.received, marie.received_share) == (D("4.50"), D("2.38"), 53)
    assert marie.pedagogists_24_months == 2  # Paula and Pia; Bo's 800-day-old one not counted
    assert marie.repeats_12_months == 1  # Sommerfuglen 20 weeks apart; Frøen 85 weeks apart
    spiren = rows["Vuggestuen Spiren"]
    assert (spiren.courses, spiren.agreed, spiren.received_share) == (0, D("0.00"), None)
    assert (spiren.pedagogists_24_months, spiren.repeats_12_months) == (0, 0)


def test_the_institution_table_for_a_leader_and_its_export(client, world, history, period):
    client.force_login(world.leader)
    html = client.get(reverse("dashboard_institutions")).content.decode()
    assert "Børnehuset Mariehønen" in html
    assert "Vuggestuen Spiren" not in html and "Kildevang" not in html
    assert "Pr. pædagog" not in html  # the heat map is the administration's
    client.force_login(world.administrator)
    query = f"?fra={period[0]:%Y-%m-%d}&til={period[-1] + timedelta(days=6):%Y-%m-%d}"
    response = client.get(reverse("dashboard_institutions_export", args=["csv"]) + query)
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Distrikt", "Institution"]
    assert [
        "Ullerup Bæk",
        "Børnehuset Mariehønen",
        "1",
        "1",
        "4,50",
        "2,38",
        "53",
        "2",
        "1",
        "0",  # practice days cancelled
        "0",  # and moved
        "0,00",  # granted support hours a week today
    ] in rows


def test_the_institution_badges_are_danish(client, world, history, period):
    """The repeat and pedagogist-change badges were English ("1 repeat", "many changes"): their
    texts sat inside f-strings, where makemessages did not find them."""
    third = factories.PedagogistFactory(user__email="tre@example.dk", user__name="Tre Pædagog")
    req = make_request(world, submit=True)
    from indsats.requests import services as indsats_services

    indsats_services.request_accept(
        actor=world.administrator,
        request_id=req.pk,
        choices=[indsats_services.AllocationChoice(pedagogist=third, weekly_hours=D("2"))],
        reason="Til testen.",
    )
    type(req).objects.filter(pk=req.pk).update(wished_start=period[1] - timedelta(weeks=40))
    client.force_login(world.administrator)
    query = f"?fra={period[0]:%Y-%m-%d}&til={period[-1] + timedelta(days=6):%Y-%m-%d}"
    html = client.get(reverse("dashboard_institutions") + query).content.decode()
    row = html[html.index("Børnehuset Mariehønen") :].split("</tr>")[0]
    assert '<span class="badge text-bg-warning">gentagelser</span>' in row  # Sommerfuglen x 3
    assert '<span class="badge text-bg-warning">mange skift</span>' in row
    assert "repeat" not in html and "many changes" not in html


@pytest.mark.parametrize("extra", [0, 60])
def test_the_institution_query_count_does_not_grow(
    client, world, history, django_assert_num_queries, extra
):
    """60 more institutions fill a second page; the count stays the same."""
    for _n in range(extra):
        factories.InstitutionFactory(district=world.south)
    client.force_login(world.administrator)
    # session, user; the institutions in scope (filters and page), requests with courses and
    # pedagogists, agreements, received hours, granted support hours (indsats/supportstats);
    # unread notifications; session save (3)
    with django_assert_num_queries(11):
        response = client.get(reverse("dashboard_institutions"))
    assert response.status_code == 200
    # One row per institution on the page: 50 of all.
    html = response.content.decode()
    total = Institution.objects.count()
    assert html.count('<th scope="row">') == min(total, 50)
    assert ("Børnehuset Mariehønen" in html) == (extra == 0)  # on page 2 among 60 more


# --- Flow ---------------------------------------------------------------------------------------


@pytest.fixture
def flow_world(world):
    """Four agreements that came into force now, their requests submitted 10, 20, 30 and 40
    days before: median 25 days, 90th percentile 40 days (nearest rank: the 4th of 4).
    Waiting now: one submitted, one asked for more information; one accepted without an
    agreement; one rejected with a reason."""
    from indsats.models import InterventionRequest
    from indsats.requests import services as indsats_services

    now = timezone.now()
    for days in (10, 20, 30, 40):
        req = make_request(world, submit=True)
        accept(world, req)
        agreement_in_force(world, req)
        # The start of the calendar day `days` days before today, whatever the time now (an
        # hour back from just after midnight would be one calendar day more).
        InterventionRequest.objects.filter(pk=req.pk).update(
            submitted_at=workdays.at_local(timezone.localdate(now) - timedelta(days=days), time(0))
        )
    make_request(world, submit=True)
    asked = make_request(world, submit=True)
    indsats_services.request_ask_info(
        actor=world.administrator, request_id=asked.pk, question="Hvor mange børn?"
    )
    accept(world, make_request(world, submit=True))
    rejected = make_request(world, submit=True)
    indsats_services.request_reject(
        actor=world.administrator, request_id=rejected.pk, reason="Dækket af sprogforløbet."
    )
    # A request at Kildevang, made by its own leader (Otto); Lene does not lead it.
    world.leader, lene = world.outsider, world.leader
    other = make_request(
        world,
        submit=True,
        institution=world.outsider_institution,
        group=world.outsider_institution.groups.first(),
        contact_email="otto@example.dk",
    )
    world.leader = lene
    return other


def test_flow_matches_the_hand_computed_numbers(world, flow_world):
    today = timezone.localdate()
    result = dashboards.flow(
        institutions=Institution.objects.all(), first=today - timedelta(days=60), last=today
    )
    assert sorted(result.waits) == [10, 20, 30, 40]
    assert result.median_wait == D("25")
    assert result.p90_wait == 40
    # Two submitted (one at Kildevang); the one asked waits for its leader, not for triage.
    assert (result.waiting_for_triage, result.waiting_for_leader) == (2, 1)
    assert result.accepted_without_agreement == 1
    assert [e.message for e in result.rejections] == ["Dækket af sprogforløbet."]
    # This month: 4 + 1 accepted (the four older ones were submitted up to 40 days ago).
    this_month = dict(result.months)[today.replace(day=1)]
    assert this_month["rejected"] == 1 and this_month["needs_info"] == 1
    assert sum(sum(c.values()) for _m, c in result.months) == 9


def test_flow_page_for_a_leader_shows_only_their_requests(client, world, flow_world):
    from indsats.models import InterventionRequest, RequestStatus

    client.force_login(world.leader)
    html = client.get(reverse("dashboard_flow")).content.decode()
    assert "Dækket af sprogforløbet." in html
    # The rejected request by its number and place, linked to its page.
    rejected = InterventionRequest.objects.get(status=RequestStatus.REJECTED)
    assert rejected.group is not None
    place = f"{rejected.institution.name}, {rejected.group.name}"
    assert (
        f'<a href="/anmodninger/{rejected.pk}/">Anmodning nr. {rejected.pk} ({place})</a>' in html
    )
    assert "25 dage" in html and "40 dage" in html
    client.force_login(world.outsider)
    html = client.get(reverse("dashboard_flow")).content.decode()
    assert "Dækket af sprogforløbet." not in html
    # Otto's own institution only: his one waiting request, no waits, no acceptances.
    card = html.split("Venter på visitation nu", 1)[1]
    assert re.search(r'<p class="display-6 mb-0">\s*1\s*</p>', card)
    from institutioner.access import institutions_for

    today = timezone.localdate()
    mine = dashboards.flow(
        institutions=institutions_for(world.outsider), first=today - timedelta(days=60), last=today
    )
    assert (mine.waiting_for_triage, mine.accepted_without_agreement, mine.waits) == (1, 0, [])
    assert sum(sum(c.values()) for _m, c in mine.months) == 1


def test_flow_export(client, world, flow_world):
    client.force_login(world.administrator)
    response = client.get(reverse("dashboard_flow_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Måned"
    month = f"{timezone.localdate():%Y-%m}"
    assert any(row[0] == month for row in rows[1:])


@pytest.mark.parametrize("extra", [0, 3])
def test_the_flow_query_count_does_not_grow(client, world, django_assert_num_queries, extra):
    for _n in range(extra):
        make_request(world, submit=True)
    client.force_login(world.administrator)
    # session, user; districts (filter), months and waits, waiting list, rejections; unread
    # notifications; session save (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("dashboard_flow"))
    assert response.status_code == 200
    # The requests counted are the ones shown: all of them wait for triage now.
    html = response.content.decode()
    waiting = InterventionRequest.objects.filter(status="submitted").count()
    assert waiting == extra
    assert f'<p class="display-6 mb-0">{waiting}</p>' in html


@pytest.mark.parametrize(
    "query",
    [
        "?til=9999-12-31",
        "?fra=0001-01-01",
        "?fra=9999-12-25&til=9999-12-31",
        "?fra=2020-01-01&til=2026-01-01",
        "?fra=abc",
    ],
)
@pytest.mark.parametrize(
    "name", ["dashboard_districts", "dashboard_institutions", "dashboard_flow"]
)
def test_extreme_periods_get_a_danish_message_not_an_error(client, world, name, query):
    client.force_login(world.administrator)
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    assert 'class="alert alert-danger' in response.content.decode()


@pytest.mark.parametrize("query", ["?til=2100-01-01", "?fra=1990-01-01", "?fra=2090-01-05"])
@pytest.mark.parametrize(
    "name", ["dashboard_districts", "dashboard_institutions", "dashboard_flow"]
)
def test_a_period_far_away_is_refused_with_the_forms_message(client, world, name, query):
    """/fordeling/?til=2100-01-01 showed the weeks of 2099 without a word."""
    client.force_login(world.administrator)
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    year = timezone.localdate().year
    html = response.content.decode()
    assert f"Vælg en dato mellem år {year - 10} og {year + 2}." in html
    assert 'class="alert alert-danger' in html
    assert "2099" not in html


def test_the_flow_export_refuses_a_bad_period_with_a_message(client, world):
    client.force_login(world.administrator)
    response = client.get(
        reverse("dashboard_flow_export", args=["csv"]) + "?fra=2026-05-01&til=2026-04-01",
        follow=True,
    )
    assert "Vælg en gyldig periode: eksporten blev ikke lavet." in response.content.decode()


def test_by_institution_counts_cancelled_and_moved_practice_days(client, world):
    """Seed 004's question: how stable is the plan an institution gets? One cancelled and one
    moved Tuesday in the period; a proposal not yet accepted and a day outside the period do
    not count. The count rides on the page's existing queries."""
    from datetime import date

    from forloeb.models import PlanChangeKind
    from forloeb.plan import services as plan_services
    from forloeb.plan.services import ChangeInput
    from tests.forloeb.plan.helpers import agreement, christmas_year

    ag, _version = agreement(world, weekdays=(1,))
    tuesday = date(christmas_year(), 12, 3)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    period = [tuesday - timedelta(days=1) + timedelta(weeks=w) for w in range(2)]

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
    change(world.pedagogist.user, kind=PlanChangeKind.CANCEL, day=tuesday + timedelta(weeks=2))
    change(
        world.leader, proposal=True, kind=PlanChangeKind.EXTRA, new_day=tuesday + timedelta(days=2)
    )
    rows = {
        r.institution.name: r
        for r in dashboards.by_institution(
            institutions=list(Institution.objects.all()), mondays=period, today=period[0]
        )
    }
    marie = rows["Børnehuset Mariehønen"]
    assert (marie.cancelled_days, marie.moved_days) == (1, 1)
    assert (rows["Vuggestuen Spiren"].cancelled_days, rows["Vuggestuen Spiren"].moved_days) == (
        0,
        0,
    )
