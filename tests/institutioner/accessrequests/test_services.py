"""Access requests: what the ZIP holds about the person, and nothing about anyone else."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from institutioner.accessrequests import package, sections, services
from institutioner.files.services import stored_file_bytes
from institutioner.models import (
    AccessAction,
    AccessLogEntry,
    AccessRequest,
    AccessRequestStatus,
    Notification,
)
from tests.institutioner.accessrequests.conftest import (
    OLE_ABSENCE,
    OLE_NOTE,
    OTTO_NEED,
    OTTO_SEARCH,
    PAULA_ABSENCE,
    section,
    unzip,
)


def make(world, subject) -> AccessRequest:
    made = services.access_request_create(actor=world.administrator, subject=subject)
    assert services.access_request_build(request_id=made.pk)
    made.refresh_from_db()
    return made


def zip_of(made: AccessRequest) -> dict[str, str]:
    return unzip(stored_file_bytes(file_id=made.file_id))


# What would identify the other people in the world (the outsider's case), wherever it showed.
# His search as the ZIP says it ("q=otto-soegning" is "søgning: otto-soegning" there).
OTTO_SEARCHED = OTTO_SEARCH.split("=", 1)[1]
OTTO = [
    "Otto Udenfor",
    "otto@example.dk",
    OTTO_NEED,
    OTTO_SEARCHED,
    "Børnegården Kildevang",
    "Ræven",
]
OLE = ["Ole Andensted", "ole@example.dk", OLE_NOTE, OLE_ABSENCE]


def test_every_app_registers_its_part():
    keys = [s.key for s in sections.registered()]
    for key in [
        "profile",
        "memberships",
        "assignments",
        "requests",
        "request_events",
        "intake_meetings",
        "agreement_versions",
        "signatures",
        "courses",
        "evaluations",
        "logbook_notes",
        "ratings",
        "rating_invitations",
        "follow_ups",
        "follow_up_goals",
        "week_sheets",
        "hours",
        "absences",
        "notifications",
        "access_log",
    ]:
        assert key in keys


def test_the_leaders_access_request_holds_her_data(people):
    w = people
    made = make(w, w.leader)
    assert made.status == AccessRequestStatus.DONE
    assert made.rows_done == made.rows_total > 10
    files = zip_of(made)
    assert {"indsigt.html", "indsigt.json", "data/profile.json", "data/requests.json"} <= set(files)
    [profile] = section(files, "profile")
    assert (profile["name"], profile["email"]) == ("Lene Leder", "lene@example.dk")
    assert [m["institution"] for m in section(files, "memberships")] == ["Børnehuset Mariehønen"]
    [req] = section(files, "requests")
    assert (req["id"], req["need"]) == (w.request.pk, "Lenes behov: ro i overgangene")
    assert [m["request"] for m in section(files, "intake_meetings")] == [w.request.pk]
    assert [v["agreement"] for v in section(files, "agreement_versions")] == [w.agreement.pk]
    [signature] = section(files, "signatures")
    assert signature["sha256"] == w.version.content_hash
    assert [c["id"] for c in section(files, "courses")] == [w.course.pk]
    assert section(files, "evaluations")
    assert section(files, "notifications")
    assert all(n["email"] == "lene@example.dk" for n in section(files, "notifications"))
    looked = section(files, "access_log")
    assert any(row["by"] == "Frida Forvaltning" and row["action"] == "Vist" for row in looked)
    # Her access request's own export row is in it too.
    assert any(row["action"] == "Eksporteret" for row in looked)
    # No hours: she keeps no week sheets.
    assert section(files, "week_sheets") == [] and section(files, "hours") == []
    assert section(files, "absences") == []
    html = files["indsigt.html"]
    assert "Indsigt: Lene Leder" in html and "Lenes behov: ro i overgangene" in html
    assert "Anmodninger om indsats" in html
    # Empty sections say so in Danish (her week sheets).
    assert "Intet." in html and "Nothing" not in html


def test_the_pedagogists_access_request_holds_her_weeks_and_hours(people):
    w = people
    files = zip_of(make(w, w.pedagogist.user))
    assert [s["note"] for s in section(files, "week_sheets")] == ["Paulas uge"]
    assert [(h["course"], h["hours"]) for h in section(files, "hours")] == [(None, "6.50")]
    [absence] = section(files, "absences")
    assert (absence["kind"], absence["note"], absence["recorded_by"]) == (
        "Andet",
        PAULA_ABSENCE,
        "Paula Pædagog",
    )
    assert "Planlagt fravær" in files["indsigt.html"] and PAULA_ABSENCE in files["indsigt.html"]
    assert [a["request"] for a in section(files, "allocations")] == [w.request.pk]
    assert [a["institution"] for a in section(files, "assignments")] == ["Børnehuset Mariehønen"]
    assert [c["id"] for c in section(files, "courses")] == [w.course.pk]
    assert section(files, "signatures")


def test_the_summary_shows_the_agreement_in_danish_and_the_json_as_stored(people):
    """indsigt.html showed the content as raw JSON with English keys and codes
    ("practice_roles": ["front", "beside"], "weekdays": [0, 3], "parent_meetings": false)."""
    w = people
    content = dict(w.version.content)
    files = zip_of(make(w, w.leader))
    [version] = section(files, "agreement_versions")
    assert version["content"] == content  # the machine-readable part keeps the document
    html = files["indsigt.html"]
    start = html.index('id="agreement_versions"')
    part = html[start : html.index("</section>", start)]
    for key in ("practice_roles", "weekdays", "parent_meetings", "focus_level", "goals", "null"):
        assert key not in part
    assert "<dt>Pædagogens rolle i praksis</dt><dd>Ved siden af</dd>" in part
    assert "<dt>Deltager i forældremøder eller tværfaglige møder</dt><dd>Nej</dd>" in part
    assert "<dt>Ugedage</dt><dd>" in part and "<dt>Mål</dt><dd>1. [" in part
    assert "<dt>Midtvejsevaluering</dt>" in part
    # And the summary says where the stored document is.
    assert "data/" in html and "som systemet gemmer" in html


def test_the_access_log_rows_say_what_was_looked_at_in_danish(people):
    """The ZIP's objects were lower case ("anmodning om indsats 1", "forløb 115"), a row about
    no single object had an empty object, and the filters were stored keys ("person=2")."""
    from institutioner.accesslog.services import access_log_record

    w = people
    access_log_record(
        user=w.administrator,
        action=AccessAction.VIEW,
        concerns=[w.leader.pk],
        query="year=2026; week=47",
        url_name="course_list",
    )
    made = make(w, w.leader)
    files = zip_of(made)
    looked = section(files, "access_log")
    objects = {row["object"] for row in looked}
    assert f"Anmodning om indsats nr. {w.request.pk}" in objects
    assert all(row["object"] and row["object"][0].isupper() for row in looked)
    [asked] = [row for row in looked if row["page"] == "Indsigt bestilt"]
    assert (asked["object"], asked["filters"]) == (
        f"Indsigt nr. {made.pk}",
        f"person nr. {w.leader.pk}",
    )
    # A search names no single object: the row says what it was.
    [listed] = [row for row in looked if row["page"] == "Forløb (liste)"]
    assert (listed["object"], listed["filters"]) == ("Forløb (liste)", "år: 2026; uge: 47")
    html = files["indsigt.html"]
    assert "anmodning om indsats " not in html and "person=" not in html


def test_own_look_ups_name_the_applications_a_board_showed_and_the_lookers_do_not(people):
    """A visitation meeting's row names the applications its board showed: the looker's own
    look-ups say so; the rows about a leader whose application was on it name only the meeting
    (the others on the board are other people's cases)."""
    from django.contrib.contenttypes.models import ContentType

    from indsats.models import VisitationMeeting

    w = people
    for looker in (w.leader, w.administrator):
        AccessLogEntry.objects.create(
            user=looker,
            action=AccessAction.VIEW,
            content_type=ContentType.objects.get_for_model(VisitationMeeting),
            object_id=7,
            concerns=[w.leader.pk, w.outsider.pk],
            also_shown={"indsats.supportapplication": [12, 13]},
            url_name="visitation_meeting_detail",
        )
    files = zip_of(make(w, w.leader))
    [own] = [row for row in section(files, "own_look_ups") if row["page"] == "Visitationsmøde"]
    assert own["object"] == "Visitationsmøde nr. 7"
    assert own["also_shown"] == "Støtteansøgning nr. 12, 13"
    assert "Også vist" in files["indsigt.html"]
    looked = [row for row in section(files, "access_log") if row["page"] == "Visitationsmøde"]
    assert looked and all(row["object"] == "Visitationsmøde nr. 7" for row in looked)
    assert not any("also_shown" in row for row in looked)


@pytest.mark.parametrize("who", ["leader", "pedagogist"])
def test_nothing_of_anyone_else(people, who):
    w = people
    files = zip_of(make(w, w.user_for(who)))
    everything = "\n".join(files.values())
    for mark in OTTO + OLE:
        assert mark not in everything, f"{mark!r} in the access request of {who}"


def test_the_outsiders_access_request_has_his_case_and_not_the_leaders(people):
    w = people
    files = zip_of(make(w, w.outsider))
    everything = "\n".join(files.values())
    assert OTTO_NEED in everything and f"søgning: {OTTO_SEARCHED}" in everything
    for mark in ["Lene Leder", "lene@example.dk", "Lenes behov", "Paula Pædagog", "Paulas uge"]:
        assert mark not in everything


def test_the_export_is_logged(people):
    w = people
    made = services.access_request_create(
        actor=w.administrator, subject=w.leader, client_address="10.9.8.7"
    )
    row = AccessLogEntry.objects.get(url_name="access_request_create")
    assert (row.user, row.action, row.object_id, row.concerns, row.client_address) == (
        w.administrator,
        AccessAction.EXPORT,
        made.pk,
        [w.leader.pk],
        "10.9.8.7",
    )


@pytest.mark.parametrize("role", ["leader", "staff", "pedagogist", "outsider"])
def test_only_the_data_protection_officer_asks(world, role):
    with pytest.raises(PermissionDenied):
        services.access_request_create(actor=world.user_for(role), subject=world.leader)
    assert not AccessRequest.objects.exists()


def test_building_twice_makes_one_file_and_one_message(people):
    w = people
    made = make(w, w.leader)
    assert services.access_request_build(request_id=made.pk) is False
    assert AccessRequest.objects.get(pk=made.pk).file_id == made.file_id
    assert Notification.objects.filter(template="access_request_ready").count() == 1


def test_thousands_of_rows_stream_with_progress(people, django_assert_max_num_queries):
    """3,000 look-ups and 1,500 notifications: written in chunks, progress told as it goes."""
    w = people
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user=w.administrator,
            at=timezone.now() - timedelta(minutes=n),
            action=AccessAction.VIEW,
            concerns=[w.leader.pk],
            url_name="request_detail",
        )
        for n in range(3000)
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=w.leader,
            email=w.leader.email,
            template="notification_test",
            subject=f"Besked {n}",
            body_text="Tekst",
            status="in_app",
        )
        for n in range(1500)
    )
    made = AccessRequest.objects.create(subject=w.leader, requested_by=w.administrator)
    steps: list[int] = []
    expected = package.rows_expected(w.leader)
    assert expected > 4500
    # Reading in chunks: a bounded number of queries whatever the number of rows.
    with django_assert_max_num_queries(80), package.access_request_zip(made, steps.append) as f:
        files = unzip(f.read())
    assert sum(steps) == expected
    assert len([step for step in steps if step]) >= 9  # told at least every 500 rows
    assert len(section(files, "access_log")) >= 3001
    assert len(section(files, "notifications")) >= 1500
    assert files["indsigt.html"].count("<tr>") > 4500


def test_a_failed_build_says_why_and_can_start_again(people, monkeypatch):
    w = people
    made = AccessRequest.objects.create(subject=w.leader, requested_by=w.administrator)

    def broken(person):
        raise RuntimeError("databasen svarer ikke")
        yield  # pragma: no cover

    bad = sections.Section(key="zz_broken", title="x", columns=(), rows=broken, count=lambda p: 0)
    monkeypatch.setitem(sections._sections, "zz_broken", bad)
    with pytest.raises(RuntimeError):
        services.access_request_build(request_id=made.pk)
    made.refresh_from_db()
    assert made.status == AccessRequestStatus.FAILED
    assert "databasen svarer ikke" in made.error
    monkeypatch.delitem(sections._sections, "zz_broken")
    with transaction.atomic():
        services.access_request_restart(actor=w.administrator, request_id=made.pk)
    made.refresh_from_db()
    assert made.status == AccessRequestStatus.QUEUED and made.error == ""
    assert services.access_request_build(request_id=made.pk)


def test_asking_again_while_it_is_made_gives_the_same_request(people):
    w = people
    first = services.access_request_create(actor=w.administrator, subject=w.leader)
    again = services.access_request_create(actor=w.administrator, subject=w.leader)
    assert again.pk == first.pk
    # About somebody else: a request of its own.
    other = services.access_request_create(actor=w.administrator, subject=w.outsider)
    assert other.pk != first.pk
    # Once made, a new one can be asked for (the data may have changed since).
    assert services.access_request_build(request_id=first.pk)
    newer = services.access_request_create(actor=w.administrator, subject=w.leader)
    assert newer.pk != first.pk
    assert AccessRequest.objects.filter(subject=w.leader).count() == 2


def test_two_requests_at_once_make_one(postgres, transactional_db, world):
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    made: list[int] = []
    errors: list[Exception] = []

    def ask():
        try:
            barrier.wait()
            made.append(
                services.access_request_create(actor=world.administrator, subject=world.leader).pk
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(made) == 2 and made[0] == made[1]
    assert AccessRequest.objects.filter(subject=world.leader).count() == 1


def test_a_child_asked_about_again_with_other_case_and_spaces_gives_the_same_request(world):
    """QA: "Oscar Bech" and then "oscar  bech " (same birth date) made two requests; the adult
    case is merged. The running request answers, under the name as first typed; whoever calls
    the service (not only the form, which tidies the spaces) gets the same."""
    from datetime import date

    from institutioner.accessrequests.sections import Child

    born = date(2022, 5, 17)
    first = services.access_request_create(
        actor=world.administrator, child=Child(name="Oscar Bech", birth_date=born)
    )
    for typed in ("oscar  bech ", " OSCAR\tBech", "Oscar   Bech"):
        again = services.access_request_create(
            actor=world.administrator, child=Child(name=typed, birth_date=born)
        )
        assert again.pk == first.pk
    assert AccessRequest.objects.get().child_name == "Oscar Bech"
    # Another child, or the same name born another day, is a request of its own.
    other = services.access_request_create(
        actor=world.administrator, child=Child(name="Oscar Beck", birth_date=born)
    )
    later = services.access_request_create(
        actor=world.administrator, child=Child(name="Oscar Bech", birth_date=date(2023, 1, 2))
    )
    assert len({first.pk, other.pk, later.pk}) == 3
