"""Start pages per role and the organisation pages: content, scope and query counts."""

import itertools

import pytest
from django.urls import reverse

from institutioner.models import District
from tests import factories


def test_leader_start_shows_own_institutions_groups_and_pedagogist(client, world):
    client.force_login(world.leader)
    response = client.get(reverse("start"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mine institutioner" in body
    assert "Børnehuset Mariehønen" in body
    assert "Sommerfuglen" in body and "Frøen" in body
    assert "Paula Pædagog" in body
    assert "Børnegården Kildevang" not in body  # the outsider's institution
    assert "Ræven" not in body


def test_pedagogist_start_shows_assignments_and_hours(client, world):
    client.force_login(world.pedagogist.user)
    response = client.get(reverse("start"))
    body = response.content.decode()
    assert "Børnehuset Mariehønen" in body
    # 30 % of 37 hours is 11.1 hours, shown to the quarter hour.
    assert "11" in body and "timer om ugen" in body
    assert "Børnegården Kildevang" not in body


def test_administration_start_lists_districts_with_counts(client, world):
    client.force_login(world.administrator)
    response = client.get(reverse("start"))
    body = response.content.decode()
    assert "Ullerup Bæk" in body and "Søvang" in body
    assert "2 institutioner, 1 læringsmiljøpædagog" in body
    assert "1 institution, 1 læringsmiljøpædagog" in body


def test_administration_start_links_each_institution_and_pedagogist_with_the_share(client, world):
    from decimal import Decimal

    factories.AssignmentFactory(
        institution=world.other_institution,
        pedagogist=world.pedagogist,
        share=Decimal("12.5"),
    )
    client.force_login(world.administrator)
    for url in (reverse("start"), reverse("district_detail", args=[world.north.pk])):
        body = client.get(url).content.decode()
        for institution in (world.institution, world.other_institution):
            link = f'<a href="/institutioner/{institution.pk}/">{institution.name}</a>'
            assert link in body, url
        pedagogist = f'<a href="/paedagoger/{world.pedagogist.pk}/">Paula Pædagog</a>'
        assert pedagogist in body, url
        # Her two attachments in the district, 30 % and 12,5 %, as Danish numbers.
        assert "(42,5 % i distriktet)" in body, url
    assert "Børnegården Kildevang" not in body  # the district page shows its own district only
    start = client.get(reverse("start")).content.decode()
    assert "Ole Andensted</a>" in start and "(30 % i distriktet)" in start  # in the south


def test_district_summary_counts_titles_in_danish_plural(client, world):
    for _ in range(2):
        factories.AssignmentFactory(
            institution=world.other_institution, pedagogist__title="laeringsmiljoepaedagog"
        )
    factories.AssignmentFactory(
        institution=world.other_institution, pedagogist__title="indsatspaedagog"
    )
    client.force_login(world.administrator)
    body = client.get(reverse("start")).content.decode()
    assert "2 institutioner, 1 indsatspædagog, 3 læringsmiljøpædagoger" in body


def test_ended_assignment_no_longer_counts(client, world):
    from datetime import date

    factories.AssignmentFactory(
        institution=world.other_institution,
        valid_from=date(2020, 1, 1),
        valid_to=date(2020, 12, 31),
    )
    client.force_login(world.administrator)
    body = client.get(reverse("start")).content.decode()
    assert "2 institutioner, 1 læringsmiljøpædagog" in body


@pytest.mark.parametrize("extra_districts", [0, 5])
def test_administration_start_query_count_does_not_grow(
    client, world, django_assert_num_queries, extra_districts
):
    for _ in range(extra_districts):
        assignment = factories.AssignmentFactory()
        factories.GroupFactory(institution=assignment.institution)
    client.force_login(world.administrator)
    # session, user, districts, institutions (prefetch), assignments; the request flow's
    # sections: upcoming meetings, triage counts, agreements to sign, evaluations due; the
    # next visitation meeting; the unread notifications in the menu; the access-log row;
    # session save (3); support applications awaiting a meeting and their counts
    # (indsats/support/startpage.py); the upcoming meetings' participants recorded absent
    # (forloeb/plan/meetings.py, through indsats' meeting_warnings hook); whether a planned
    # meeting takes new applications (the prompt to plan one)
    with django_assert_num_queries(20):
        response = client.get(reverse("start"))
    assert response.status_code == 200
    html = response.content.decode()
    assert District.objects.count() == 2 + extra_districts
    assert all(name in html for name in District.objects.values_list("name", flat=True))


@pytest.mark.parametrize("extra", [0, 4])
def test_leader_start_query_count_does_not_grow(client, world, django_assert_num_queries, extra):
    for _ in range(extra):
        institution = factories.InstitutionFactory(district=world.north)
        factories.MembershipFactory(user=world.leader, institution=institution)
        factories.GroupFactory(institution=institution)
        factories.AssignmentFactory(institution=institution)
    client.force_login(world.leader)
    # session, user, institutions, groups, assignments; upcoming meetings, my requests,
    # agreements to sign, evaluations due; the institution's answers waiting (forloeb/voice),
    # follow-ups waiting (forloeb/followup); unread notifications; the access-log row; session
    # save in a savepoint (3); the leader's open support applications
    with django_assert_num_queries(17):
        response = client.get(reverse("start"))
    assert response.status_code == 200
    html = response.content.decode()
    own = list(world.leader.institutions.values_list("name", flat=True))
    assert len(own) == 1 + extra and all(name in html for name in own)
    assert world.outsider_institution.name not in html


@pytest.mark.parametrize("extra", [0, 4])
def test_pedagogist_start_query_count_does_not_grow(
    client, world, django_assert_num_queries, extra
):
    for _ in range(extra):
        assignment = factories.AssignmentFactory(pedagogist=world.pedagogist, share=5)
        factories.GroupFactory(institution=assignment.institution)
    client.force_login(world.pedagogist.user)
    # session, user, pedagogist, assignments, groups; upcoming meetings, my interventions,
    # agreements to sign, evaluations due; the leaders' proposals to answer (forloeb/plan);
    # unread notifications; the access-log row; session save (3)
    with django_assert_num_queries(16):
        response = client.get(reverse("start"))
    assert response.status_code == 200
    html = response.content.decode()
    attached = {a.institution.name for a in world.pedagogist.assignments.all()}
    assert len(attached) == 1 + extra and all(name in html for name in attached)


def test_institution_detail_shows_leaders_groups_and_pedagogists(client, world):
    client.force_login(world.pedagogist.user)
    body = client.get(reverse("institution_detail", args=[world.institution.pk])).content.decode()
    assert "Lene Leder" in body
    assert "Sommerfuglen" in body
    assert "Paula Pædagog" in body
    assert "Skolevej 1, 4600 Ullerup" in body


def test_a_colleagues_name_links_only_for_whom_her_page_opens(client, world):
    """The pedagogist sees an attached colleague's name, not a link that answers 404; the
    leader of the institution still opens both pages."""
    colleague = factories.PedagogistFactory(
        user__email="kirsten@example.dk", user__name="Kirsten Kollega"
    )
    factories.AssignmentFactory(pedagogist=colleague, institution=world.institution)
    own_link = reverse("pedagogist_detail", args=[world.pedagogist.pk])
    colleague_link = reverse("pedagogist_detail", args=[colleague.pk])
    page = reverse("institution_detail", args=[world.institution.pk])

    client.force_login(world.pedagogist.user)
    body = client.get(page).content.decode()
    assert "Kirsten Kollega" in body
    assert f'href="{colleague_link}"' not in body
    assert client.get(colleague_link).status_code == 404
    assert f'href="{own_link}"' in body

    client.force_login(world.leader)
    body = client.get(page).content.decode()
    assert f'href="{colleague_link}"' in body and f'href="{own_link}"' in body
    assert client.get(colleague_link).status_code == 200


def test_outsider_gets_404_for_institution_pedagogist_and_district(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("institution_detail", args=[world.institution.pk])).status_code == 404
    assert client.get(reverse("pedagogist_detail", args=[world.pedagogist.pk])).status_code == 404
    assert client.get(reverse("district_detail", args=[world.north.pk])).status_code == 404


def test_pedagogist_sees_only_own_profile(client, world):
    client.force_login(world.pedagogist.user)
    assert (
        client.get(reverse("pedagogist_detail", args=[world.outsider_pedagogist.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("institution_detail", args=[world.outsider_institution.pk])).status_code
        == 404
    )


def test_pedagogist_loses_access_when_the_assignment_ends(client, world):
    from datetime import date

    world.pedagogist.assignments.update(valid_to=date(2026, 1, 31))
    client.force_login(world.pedagogist.user)
    assert client.get(reverse("institution_detail", args=[world.institution.pk])).status_code == 404


def test_leader_sees_pedagogist_profile_but_only_shared_institutions(client, world):
    factories.AssignmentFactory(
        pedagogist=world.pedagogist, institution=world.outsider_institution, share=10
    )
    client.force_login(world.leader)
    body = client.get(reverse("pedagogist_detail", args=[world.pedagogist.pk])).content.decode()
    assert "Børnehuset Mariehønen" in body
    assert "Børnegården Kildevang" not in body


def test_district_detail_for_administration(client, world):
    client.force_login(world.administrator)
    body = client.get(reverse("district_detail", args=[world.north.pk])).content.decode()
    assert "Vuggestuen Spiren" in body and "Paula Pædagog" in body
    assert "Børnegården Kildevang" not in body


def test_unknown_ids_are_404_for_administration_too(client, world):
    client.force_login(world.administrator)
    assert client.get(reverse("institution_detail", args=[999999])).status_code == 404


def test_healthz_answers_head_as_load_balancers_ask(client, db):
    response = client.head(reverse("healthz"))
    assert response.status_code == 200 and response.content == b""
    assert client.post(reverse("healthz")).status_code == 405


def test_healthz_answers_without_login(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_liveness_asks_no_other_service(client):
    # Without the `db` fixture any database access would fail this test.
    response = client.get(reverse("healthz_live"))
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"].startswith("text/plain")


def test_readiness_names_an_unanswering_redis(client, db, settings):
    """A Redis port where nothing listens: /healthz/ answers 503 at once and names it."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.REDIS_URL = settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    response = client.get(reverse("healthz"))
    body = response.content.decode()
    assert response.status_code == 503
    assert body.startswith("unavailable: redis\n")
    assert "database: ok" in body
    assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)


def test_not_found_page_is_danish_and_keeps_the_navigation(client, world):
    client.force_login(world.outsider)
    response = client.get(reverse("institution_detail", args=[world.institution.pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "Siden findes ikke" in body
    assert "Børnehuset Mariehønen" not in body
    assert "Otto Udenfor" in body  # still signed in, with the menu


def test_expired_form_gets_a_danish_page(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "lene@example.dk", "password": "x"})
    assert response.status_code == 403
    assert "Formularen er udløbet" in response.content.decode()


@pytest.mark.parametrize(
    "name, args", [("calendar_feed_make", []), ("absence_cancel", [1]), ("plan_change_accept", [1])]
)
def test_a_buttons_address_opened_as_a_page_answers_in_danish(client, world, name, args):
    """As after a login that returns to the address of the button that sent there (the QA
    found an empty page): 405 with the Allow header kept, and a Danish page in the layout."""
    client.force_login(world.pedagogist.user)
    response = client.get(reverse(name, args=args))
    body = response.content.decode()
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Brug knappen på siden" in body
    assert 'href="/"' in body or reverse("start") in body
    # A form sent there is still answered by the view, not by this page.
    assert client.post(reverse(name, args=args)).status_code != 405


def _headings(html: str) -> list[tuple[int, str, bool]]:
    """(level, text, visually hidden) of each heading in the page's main part, in order."""
    import re

    main = html[html.index("<main") : html.index("</main>")]
    found = re.findall(r"<h([1-6])([^>]*)>(.*?)</h\1>", main, flags=re.S)
    return [
        (int(level), " ".join(re.sub(r"<[^>]+>", "", text).split()), "visually-hidden" in attrs)
        for level, attrs, text in found
    ]


@pytest.mark.parametrize(
    ("person", "greeting"),
    [
        ("administrator", "Velkommen, Frida"),
        ("consultant", "Velkommen, Sara"),
        ("leader", "Velkommen, Lene"),
        ("pedagogist", "Velkommen, Paula"),
        ("staff", "Velkommen, Per"),
    ],
)
def test_every_start_page_opens_with_a_visible_greeting_and_keeps_its_heading_order(
    client, world, consultant, person, greeting
):
    """One visible h1, the greeting, first; then no level skipped on the way down (the
    administration's sections used to come before its only h1, "Distrikter")."""
    from tests.indsats.helpers import make_request

    make_request(world, submit=True)  # a section on the administration's page
    user = {"consultant": consultant, "pedagogist": world.pedagogist.user}.get(person)
    client.force_login(user or getattr(world, person))
    headings = _headings(client.get(reverse("start")).content.decode())
    assert headings[0] == (1, greeting, False)
    assert [level for level, _text, _hidden in headings].count(1) == 1
    for (before, _t, _h), (after, text, _hidden) in itertools.pairwise(headings):
        assert after <= before + 1, f"{text!r} skips a level after h{before}"
    if person == "administrator":
        assert len(headings) > 3 and (2, "Distrikter", False) in headings
        assert (3, "Ullerup Bæk", False) in headings
