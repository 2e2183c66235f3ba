"""The searchable log (the data protection officer's), its CSV, and each person's own
"Hvem har set mine oplysninger"."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from indsats.models import InterventionRequest
from institutioner.models import AccessAction, AccessLogEntry, Pedagogist, Role
from tests import factories
from tests.test_access_table import world_with_requests  # noqa: F401 (a fixture)

SEARCH = reverse("access_log_search")
EXPORT = reverse("access_log_export")
MINE = reverse("access_log_mine")
NOT_RUN = (
    "The search was not run: correct the marked filter first. No look-ups are shown until then."
)


def _row(user, concerns, *, days_ago=0, action=AccessAction.VIEW, model=None, object_id=None):
    return AccessLogEntry.objects.create(
        user=user,
        at=timezone.now() - timedelta(days=days_ago),
        action=action,
        content_type=ContentType.objects.get_for_model(model) if model else None,
        object_id=object_id,
        concerns=concerns,
        query="",
        url_name="test",
    )


@pytest.fixture
def log(world):
    """Rows by several people about several people, at several times."""
    w = world
    return {
        "lene_by_frida": _row(
            w.administrator, [w.leader.pk], days_ago=1, model=InterventionRequest, object_id=7
        ),
        "lene_by_paula": _row(
            w.pedagogist.user, [w.leader.pk], days_ago=10, model=InterventionRequest, object_id=8
        ),
        "paula_by_frida": _row(
            w.administrator,
            [w.pedagogist.user_id],
            days_ago=40,
            model=Pedagogist,
            object_id=w.pedagogist.pk,
        ),
        "otto_by_frida": _row(w.administrator, [w.outsider.pk], days_ago=3),
        "lene_by_lene": _row(w.leader, [w.leader.pk], days_ago=2),
        "search_by_frida": _row(w.administrator, [], action=AccessAction.SEARCH),
    }


def found(response) -> set[int]:
    assert response.status_code == 200
    return {row["entry"].pk for row in response.context["rows"]}


def ids(log, *names) -> set[int]:
    return {log[name].pk for name in names}


def test_search_by_person(client, world, log):
    client.force_login(world.administrator)
    response = client.get(SEARCH, {"person": world.leader.pk})
    assert found(response) == ids(log, "lene_by_frida", "lene_by_paula", "lene_by_lene")


def test_search_by_user(client, world, log):
    client.force_login(world.administrator)
    response = client.get(SEARCH, {"user": world.pedagogist.user_id})
    assert found(response) == ids(log, "lene_by_paula")


def test_search_by_object(client, world, log):
    client.force_login(world.administrator)
    response = client.get(SEARCH, {"object_type": "indsats.interventionrequest", "object_id": 8})
    assert found(response) == ids(log, "lene_by_paula")
    response = client.get(SEARCH, {"object_type": "indsats.interventionrequest"})
    assert found(response) == ids(log, "lene_by_frida", "lene_by_paula")


def test_search_by_object_finds_the_pages_that_showed_it_beside_their_own(client, world):
    """QA: a visitation meeting's board shows the child data of every application on it, but
    the search by application found only the application's own page."""
    from indsats.models import SupportApplication, VisitationMeeting

    board = AccessLogEntry.objects.create(
        user=world.administrator,
        action=AccessAction.VIEW,
        content_type=ContentType.objects.get_for_model(VisitationMeeting),
        object_id=7,
        concerns=[world.leader.pk],
        also_shown={"indsats.supportapplication": [12, 13]},
        url_name="visitation_meeting_detail",
    )
    own = _row(world.administrator, [world.leader.pk], model=SupportApplication, object_id=12)
    other = _row(world.administrator, [world.leader.pk], model=SupportApplication, object_id=14)
    client.force_login(world.administrator)
    application = "indsats.supportapplication"
    response = client.get(SEARCH, {"object_type": application, "object_id": 12})
    assert found(response) == {board.pk, own.pk}
    page = response.content.decode()
    assert "Visitationsmøde nr. 7" in page and "Også vist: Støtteansøgning nr. 12, 13" in page
    assert found(client.get(SEARCH, {"object_type": application, "object_id": 13})) == {board.pk}
    assert found(client.get(SEARCH, {"object_type": application, "object_id": 14})) == {other.pk}
    assert found(client.get(SEARCH, {"object_type": application})) == {board.pk, own.pk, other.pk}
    # The meeting still finds its own row.
    meeting = {"object_type": "indsats.visitationmeeting", "object_id": 7}
    assert found(client.get(SEARCH, meeting)) == {board.pk}
    # The CSV names them in its last column.
    response = client.get(EXPORT, {"object_type": application, "object_id": 13})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[-1] == "Også vist"
    [line] = [line for line in lines if line[4] == "Visitationsmøde nr. 7"]
    assert line[-1] == "Støtteansøgning nr. 12, 13"


def test_an_unreadable_filter_makes_no_csv_but_says_what_is_wrong(client, world, log):
    """QA: /opslagslog/csv/?date_from=2026-13-01 left the date out and exported the whole log."""
    client.force_login(world.administrator)
    before = AccessLogEntry.objects.count()
    response = client.get(EXPORT, {"date_from": "2026-13-01", "user": world.pedagogist.user_id})
    assert response.status_code == 302
    assert response["Location"] == f"{SEARCH}?user={world.pedagogist.user_id}&date_from=2026-13-01"
    # No file, so no export row either.
    assert AccessLogEntry.objects.count() == before
    page = client.get(response["Location"]).content.decode()
    assert "Ret søgningen: eksporten blev ikke lavet." in page
    assert "Indtast en gyldig dato." in page
    # Good filters still export.
    response = client.get(EXPORT, {"date_from": "2026-12-01"})
    assert response.status_code == 200 and response.streaming


def test_search_by_period_and_action(client, world, log):
    client.force_login(world.administrator)
    today = timezone.localdate()
    response = client.get(
        SEARCH,
        {
            "date_from": (today - timedelta(days=11)).isoformat(),
            "date_to": (today - timedelta(days=2)).isoformat(),
        },
    )
    assert found(response) == ids(log, "lene_by_paula", "otto_by_frida", "lene_by_lene")
    response = client.get(SEARCH, {"action": AccessAction.SEARCH})
    # The search page's own row (written after the previous page answered) is a search too.
    assert ids(log, "search_by_frida") <= found(response)
    assert not found(response) & ids(log, "lene_by_frida", "paula_by_frida")


def test_the_search_is_paged(client, world):
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(user=world.administrator, action="view", url_name="test", concerns=[])
        for _ in range(120)
    )
    client.force_login(world.administrator)
    assert len(found(client.get(SEARCH))) == 50
    # Each search adds its own row: 121 rows, then 122.
    assert len(found(client.get(SEARCH, {"side": "3"}))) == 21
    # A page number that is not a sensible number is the first page, as on every paged list.
    assert len(found(client.get(SEARCH, {"side": "99999999999999999999999"}))) == 50
    assert len(found(client.get(SEARCH, {"side": "99"}))) == 23  # beyond the last: the last


@pytest.mark.parametrize("side", ["-1", "0", "²"])
def test_a_page_number_below_1_is_the_first_page(client, world, side):
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user=world.administrator, action="view", url_name="test", concerns=[world.leader.pk]
        )
        for _ in range(70)
    )
    newest = set(AccessLogEntry.objects.order_by("-at", "-pk").values_list("pk", flat=True)[:50])
    client.force_login(world.leader)
    assert found(client.get(MINE, {"side": side})) == newest
    assert "Side 1 af 2" in client.get(MINE, {"side": side}).content.decode()
    client.force_login(world.administrator)
    page = client.get(SEARCH, {"side": side})
    assert len(found(page)) == 50 and "Side 1 af 2" in page.content.decode()


def test_the_search_is_logged_with_its_filters_and_concerns_the_person(client, world, log):
    client.force_login(world.administrator)
    client.get(SEARCH, {"person": world.leader.pk, "action": "view"})
    row = AccessLogEntry.objects.latest("pk")
    assert (row.url_name, row.action, row.user) == (
        "access_log_search",
        AccessAction.SEARCH,
        world.administrator,
    )
    assert row.concerns == [world.leader.pk]
    assert row.query == f"person={world.leader.pk}; action=view"


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-02-31"},
        {"date_from": "1899-01-01"},
        {"date_to": "31.12.99999"},
        {"object_type": "indsats.interventionrequest", "object_id": "9" * 40},
        {"object_id": "-1"},
        {"person": "9" * 40},
        {"user": "abc"},
        {"object_type": "auth.permission"},
        {"action": "x" * 5000},
        {"person": "x" * 100_000},
        {"date_from": "2026-03-10", "date_to": "2026-03-01"},
        {"object_id": "abc"},
        {"object_id": "99999999999999999999"},
        {"date_from": "9999-12-31"},
    ],
)
def test_odd_input_is_a_danish_message_and_the_search_is_not_run(client, world, log, params):
    """QA: ?object_id=abc showed the field's error above "581 opslag fundet." and the whole log,
    which an auditor took for the result."""
    client.force_login(world.administrator)
    response = client.get(SEARCH, {**params, "user": world.pedagogist.user_id} | params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["rows"] == []
    page = response.content.decode()
    assert "is-invalid" in page
    assert gettext(NOT_RUN) in page
    assert "opslag fundet" not in page
    # The attempt is logged as a search that concerned nobody: no row was shown.
    assert AccessLogEntry.objects.latest("pk").concerns == []
    # The export of the same search makes no file (it would hold more than was asked for).
    export = client.get(EXPORT, params)
    assert export.status_code == 302 and export["Location"].startswith(SEARCH + "?")
    assert "is-invalid" in client.get(export["Location"]).content.decode()


def test_a_nul_byte_is_refused_with_a_danish_page(client, world):
    client.force_login(world.administrator)
    response = client.get(SEARCH, {"person": "1\x00"})
    assert response.status_code == 400


def test_the_csv_has_the_rows_searched_for_and_neutralises_formulas(client, world, log):
    world.leader.name = '=HYPERLINK("http://x")'
    world.leader.save(update_fields=["name"])
    client.force_login(world.administrator)
    response = client.get(EXPORT, {"person": world.leader.pk})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][:4] == ["Tid", "Slået op af", "E-mail", "Handling"]
    # The three rows about her, and the export's own row (written before the file streams).
    assert len(lines) == 1 + 4
    assert lines[1][6] == f"person nr. {world.leader.pk}"
    assert lines[1][7] == "Opslagsloggen som CSV"
    by = sorted(line[1] for line in lines[2:])
    assert by == ['\'=HYPERLINK("http://x")', "Frida Forvaltning", "Paula Pædagog"]
    assert all(line[5] == '\'=HYPERLINK("http://x")' for line in lines[1:])
    assert "Anmodning om indsats nr. 7" in text
    row = AccessLogEntry.objects.latest("pk")
    assert (row.url_name, row.action, row.concerns) == (
        "access_log_export",
        AccessAction.EXPORT,
        [world.leader.pk],
    )


@pytest.mark.parametrize("role", ["leader", "staff", "pedagogist", "outsider"])
def test_only_the_data_protection_officer_and_the_administration_search(client, world, role):
    client.force_login(world.user_for(role))
    assert client.get(SEARCH).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not AccessLogEntry.objects.filter(url_name__startswith="access_log_").exists()


def test_the_permission_opens_the_log_to_a_data_protection_officer(client, world, log):
    officer = factories.UserFactory(name="Dorte Databeskyttelse", role=Role.STAFF)
    client.force_login(officer)
    assert client.get(SEARCH).status_code == 404
    officer.user_permissions.add(Permission.objects.get(codename="search_access_log"))
    client.force_login(officer)
    assert found(client.get(SEARCH, {"person": world.leader.pk})) == ids(
        log, "lene_by_frida", "lene_by_paula", "lene_by_lene"
    )
    assert client.get(reverse("access_request_list")).status_code == 200
    page = client.get(reverse("start")).content.decode()
    assert reverse("access_log_search") in page


def test_the_leader_sees_who_looked_at_her_things_and_nothing_else(client, world, log):
    client.force_login(world.leader)
    response = client.get(MINE)
    # Not her own look-ups, not rows about others.
    assert found(response) == ids(log, "lene_by_frida", "lene_by_paula")
    page = response.content.decode()
    assert "Frida Forvaltning" in page and "Paula Pædagog" in page
    assert "Anmodning om indsats nr. 7" in page
    row = AccessLogEntry.objects.latest("pk")
    assert (row.url_name, row.user, row.concerns) == ("access_log_mine", world.leader, [])


def test_the_pedagogist_sees_who_looked_at_her_week_sheets(client, world, log):
    client.force_login(world.pedagogist.user)
    assert found(client.get(MINE)) == ids(log, "paula_by_frida")


def test_the_outsider_sees_only_rows_about_himself(client, world, log):
    client.force_login(world.outsider)
    assert found(client.get(MINE)) == ids(log, "otto_by_frida")


@pytest.mark.parametrize("role", ["staff", "administration"])
def test_others_have_no_own_view(client, world, role):
    client.force_login(world.user_for(role))
    assert client.get(MINE).status_code == 404


def test_the_own_view_is_in_the_user_menu(client, world):
    client.force_login(world.leader)
    assert MINE in client.get(reverse("start")).content.decode()
    client.force_login(world.staff)
    assert MINE not in client.get(reverse("start")).content.decode()


def test_a_leader_with_the_permission_still_cannot_search(client, world):
    world.leader.user_permissions.add(Permission.objects.get(codename="search_access_log"))
    client.force_login(world.leader)
    assert client.get(SEARCH).status_code == 404


def test_every_registered_page_has_a_danish_title():
    """An auditor reads "Ugeseddel", not the URL name "week_sheet_of" (the CSV's Side)."""
    from django.utils import translation

    from institutioner.accesslog import rules

    with translation.override("da"):
        missing = [name for name, rule in rules.registered().items() if not str(rule.title)]
        titles = {name: str(rule.title) for name, rule in rules.registered().items()}
    assert missing == []
    assert titles["week_sheet_of"] == "Ugeseddel"
    assert titles["course_detail"] == "Forløbets side"


@pytest.fixture
def worded(world):
    """Rows as the pages write them: URL arguments and filters with their English keys."""
    w = world

    def row(url_name, query, **kwargs):
        return AccessLogEntry.objects.create(
            user=kwargs.pop("user", w.administrator),
            action=kwargs.pop("action", AccessAction.VIEW),
            concerns=kwargs.pop("concerns", [w.pedagogist.user_id]),
            query=query,
            url_name=url_name,
            **kwargs,
        )

    return [
        row(
            "week_sheet_of",
            "year=2026; week=47",
            content_type=ContentType.objects.get_for_model(Pedagogist),
            object_id=w.pedagogist.pk,
        ),
        row("hours_export", "fmt=csv; fra=2026-09-01", action=AccessAction.EXPORT),
        row("course_list", "phase=practice; district=1", action=AccessAction.SEARCH),
        row("access_request_create", "person=2", action=AccessAction.EXPORT),
        row("request_detail", "status=submitted; unknown=x"),
    ]


def test_the_search_terms_and_the_page_are_danish(client, world, worded):
    """ "year=2026; week=47", "phase=practice" and the URL name "week_sheet_of" were shown as
    stored; the rows keep them, the page and the CSV say them in Danish."""
    client.force_login(world.administrator)
    page = client.get(SEARCH, {"person": world.pedagogist.user_id}).content.decode()
    for text in (
        "år: 2026; uge: 47",
        "format: CSV; fra: 01.09.2026",
        "fase: Forløb; distrikt nr. 1",
        "person nr. 2",
        "status: Indsendt; unknown=x",
        "Ugeseddel, uge 47, 2026",
        "Eksport af timer",
        "Indsigt bestilt",
    ):
        assert text in page
    for stored in ("year=2026", "phase=practice", "fmt=csv", "week_sheet_of"):
        assert stored not in page
    response = client.get(EXPORT, {"person": world.pedagogist.user_id})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][6:8] == ["Søgeord og filtre", "Side"]
    rows = {line[7]: line[6] for line in lines[1:]}
    assert rows["Ugeseddel, uge 47, 2026"] == "år: 2026; uge: 47"
    assert rows["Forløb (liste)"] == "fase: Forløb; distrikt nr. 1"
    assert rows["Anmodning"] == "status: Indsendt; unknown=x"
    assert rows["Opslagsloggen som CSV"] == f"person nr. {world.pedagogist.user_id}"


def test_the_pedagogist_sees_which_week_sheet_was_looked_at(client, world, worded):
    """ "Vist · Indsatspædagog nr. 1" many times over, without the week."""
    client.force_login(world.pedagogist.user)
    page = client.get(MINE).content.decode()
    assert "Ugeseddel, uge 47, 2026" in page
    assert f"Indsatspædagog nr. {world.pedagogist.pk}" in page


def test_the_role_is_named_without_nested_brackets(client, world, consultant):
    """ "Birthe Juul (Visitation (småbørnskonsulent))"."""
    AccessLogEntry.objects.create(
        user=consultant, action=AccessAction.VIEW, concerns=[world.leader.pk], url_name="start"
    )
    client.force_login(world.administrator)
    search = client.get(SEARCH, {"person": world.leader.pk}).content.decode()
    client.force_login(world.leader)
    mine = client.get(MINE).content.decode()
    for page in (search, mine):
        assert "Visitation (småbørnskonsulent)" in page
        assert "(Visitation (" not in page and "))" not in page


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("99999999999999999999999", "Intet objekt har et så langt nummer; tjek nummeret."),
        ("0", "Et objekts nummer er 1 eller mere."),
        ("12a", "Skriv objektets nummer som et helt tal."),
    ],
)
def test_an_impossible_object_number_is_a_plain_danish_message(client, world, number, message):
    """ "…mindre end eller lig 9223372036854775807" is no message for a person."""
    client.force_login(world.administrator)
    response = client.get(
        SEARCH, {"object_type": "indsats.interventionrequest", "object_id": number}
    )
    page = response.content.decode()
    assert response.context["form"].errors["object_id"] == [message]
    assert message in page and "mindre end eller lig" not in page


def test_every_number_in_a_logged_address_reads_in_danish(db):
    """The decision and move pages of an agenda item log the item's number from their address;
    the log, its CSV and an access request's ZIP write it "dagsordenspunkt nr. 25", not
    "item_id=25"."""
    from django.utils import translation

    from institutioner.accesslog.selectors import query_text

    with translation.override("da"):
        assert query_text("item_id=25") == "dagsordenspunkt nr. 25"
        # Stamdata's page of one past version of a record.
        assert query_text("version_id=48") == "version nr. 48"


LEADER_INTRO = (
    "The people who have opened, searched for, exported or downloaded your requests, support "
    "applications, agreements and courses, newest first. Your own look-ups are not shown."
)
PEDAGOGIST_INTRO = (
    "The people who have opened, searched for, exported or downloaded your week sheets, your "
    "agreements and other pages with your data, newest first. Your own look-ups are not shown."
)


def test_the_own_view_links_the_readers_own_objects_and_speaks_to_her_role(client, world):
    """QA: a leader's page spoke of week sheets, which leaders have none of, and "Forløb nr. 97"
    was plain text though she may open it."""
    own = factories.request_in(world)
    mine = _row(world.administrator, [world.leader.pk], model=InterventionRequest, object_id=own.pk)
    gone = _row(world.administrator, [world.leader.pk], model=InterventionRequest, object_id=9999)
    # A row that names her about somebody else's object: no link.
    others = _row(world.administrator, [world.leader.pk], model=Pedagogist, object_id=1)
    client.force_login(world.leader)
    response = client.get(MINE)
    rows = {row["entry"].pk: row for row in response.context["rows"]}
    assert rows[mine.pk]["link"] == reverse("request_detail", args=[own.pk])
    assert rows[gone.pk]["link"] is None and rows[others.pk]["link"] is None
    page = response.content.decode()
    assert f'<a href="{reverse("request_detail", args=[own.pk])}">' in page
    assert client.get(reverse("request_detail", args=[own.pk])).status_code == 200
    assert gettext(LEADER_INTRO) in page
    assert "ugesedler" not in page and "week sheets" not in page
    client.force_login(world.pedagogist.user)
    page = client.get(MINE).content.decode()
    assert gettext(PEDAGOGIST_INTRO) in page


def test_another_leaders_object_is_not_linked(client, world):
    """A row about an object the reader is not the owner of stays plain text."""
    own = factories.request_in(world)
    row = _row(
        world.administrator, [world.outsider.pk], model=InterventionRequest, object_id=own.pk
    )
    client.force_login(world.outsider)
    response = client.get(MINE)
    [shown_row] = [r for r in response.context["rows"] if r["entry"].pk == row.pk]
    assert shown_row["link"] is None


def test_the_pedagogist_sees_who_read_her_agreements(
    client,
    world_with_requests,  # noqa: F811
):
    """An agreement concerns its pedagogists too, not only the leader who asked: the leader's
    reading of it, its PDF and the administration's are under the pedagogist's own view."""
    world = world_with_requests
    agreement = world.agreement
    client.force_login(world.leader)
    assert client.get(reverse("agreement_detail", args=[agreement.pk])).status_code == 200
    assert (
        client.get(reverse("agreement_pdf", args=[world.agreement_version.pk])).status_code == 200
    )
    client.force_login(world.administrator)
    assert client.get(reverse("agreement_detail", args=[agreement.pk])).status_code == 200
    rows = AccessLogEntry.objects.filter(url_name__startswith="agreement_").order_by("pk")
    assert [(row.url_name, row.user) for row in rows] == [
        ("agreement_detail", world.leader),
        ("agreement_pdf", world.leader),
        ("agreement_detail", world.administrator),
    ]
    assert all(row.concerns == [world.leader.pk, world.pedagogist.user_id] for row in rows)
    client.force_login(world.pedagogist.user)
    shown = [row["entry"].pk for row in client.get(MINE).context["rows"]]
    assert {row.pk for row in rows} <= set(shown)
    # The outsider's pedagogist, on no agreement of theirs, is not told.
    client.force_login(world.outsider_pedagogist.user)
    shown = [row["entry"].pk for row in client.get(MINE).context["rows"]]
    assert not {row.pk for row in rows} & set(shown)


def test_the_data_protection_officer_sees_what_retention_would_take(client, world):
    """QA (go-live): the officer, who answers for how long personal data is kept, got 404 on
    Drift → Sletning (counts only, no one's data), which only the administration could open."""
    officer = factories.UserFactory(name="Dorte Databeskyttelse", role=Role.STAFF)
    officer.user_permissions.add(Permission.objects.get(codename="search_access_log"))
    client.force_login(officer)
    page = client.get(SEARCH).content.decode()
    assert reverse("retention_preview") in page
    response = client.get(reverse("retention_preview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sletning: hvad en kørsel ville tage nu" in page
    assert reverse("operations") not in page and reverse("access_log_search") in page
    # The rest of Drift stays the administration's.
    assert client.get(reverse("operations")).status_code == 404
    # A leader with the permission ticked is no officer (as for the log itself).
    world.leader.user_permissions.add(Permission.objects.get(codename="search_access_log"))
    client.force_login(world.leader)
    assert client.get(reverse("retention_preview")).status_code == 404
