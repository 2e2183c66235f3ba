import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from indsats.models import (
    AssessmentKind,
    CustodyConsent,
    SupportApplication,
    SupportDocument,
    SupportKind,
    SupportStatus,
)
from indsats.support import periods, services
from institutioner.errors import StateError
from institutioner.menu import entries_for
from institutioner.models import AccessAction, AccessLogEntry
from tests import factories
from tests.indsats.support.helpers import CHILD, ask, make_application, pdf_upload, support_data

pytestmark = pytest.mark.django_db


def form_post(world, **overrides):
    data = support_data(world, **overrides)
    post = {}
    for key, value in data.items():
        if key in ("institution", "group"):
            post[key] = value.pk if value else ""
        elif key == "earlier_interventions":
            post[key] = [req.pk for req in value]
        elif value is None:
            post[key] = ""
        else:
            post[key] = str(value)
    post["client_token"] = str(uuid.uuid4())
    return post


def log_rows(url_name):
    return AccessLogEntry.objects.filter(url_name=url_name)


# --- Who sees what ---


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 200),
        ("consultant", 200),
        ("administrator", 200),
        ("outsider", 404),
        ("staff", 404),
        ("pedagogist", 404),
        ("added_pedagogist", 200),
    ],
)
def test_detail_scope_and_log(client, world, consultant, who, status):
    application = make_application(world, submit=True)
    if who == "added_pedagogist":
        services.support_person_add(
            actor=world.administrator,
            application_id=application.pk,
            person=world.pedagogist.user,
        )
        user = world.pedagogist.user
    elif who == "pedagogist":
        user = world.pedagogist.user
    elif who == "consultant":
        user = consultant
    else:
        user = getattr(world, who)
    client.force_login(user)
    response = client.get(reverse("support_detail", args=[application.pk]))
    assert response.status_code == status
    rows = log_rows("support_detail")
    if status == 200:
        assert CHILD in response.content.decode()
        row = rows.get()
        assert row.user == user and row.action == AccessAction.VIEW
        assert row.object_id == application.pk and row.concerns == [world.leader.pk]
    else:
        assert not rows.exists()


def test_a_draft_is_the_leaders_own(client, world, consultant):
    draft = make_application(world)
    for user in (consultant, world.administrator):
        client.force_login(user)
        assert client.get(reverse("support_detail", args=[draft.pk])).status_code == 404
    client.force_login(world.leader)
    assert client.get(reverse("support_detail", args=[draft.pk])).status_code == 200


def test_a_never_submitted_application_stays_the_leaders_whatever_its_status(
    client, world, consultant
):
    # Withdrawn before it was ever submitted (as the app once allowed): still the leader's own.
    draft = make_application(world)
    SupportApplication.objects.filter(pk=draft.pk).update(status=SupportStatus.WITHDRAWN)
    document = draft.documents.first()
    for user in (consultant, world.administrator):
        client.force_login(user)
        assert client.get(reverse("support_detail", args=[draft.pk])).status_code == 404
        url = reverse("support_document_download", args=[document.pk])
        assert client.get(url).status_code == 404
        response = client.get(reverse("support_list"))
        assert CHILD not in response.content.decode()
    client.force_login(world.leader)
    assert client.get(reverse("support_detail", args=[draft.pk])).status_code == 200


def test_a_draft_is_deleted_not_withdrawn(
    client, world, consultant, django_capture_on_commit_callbacks
):
    draft = make_application(world)
    client.force_login(world.leader)
    page = client.get(reverse("support_detail", args=[draft.pk])).content.decode()
    assert "Slet kladden" in page and "Træk ansøgningen tilbage" not in page
    response = client.post(reverse("support_withdraw", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == SupportStatus.DRAFT and "slet den" in response.content.decode()
    with pytest.raises(StateError):
        services.support_withdraw(actor=world.leader, application_id=draft.pk)
    # Only the institution's leader deletes it; others get 404.
    for user in (consultant, world.administrator, world.staff):
        client.force_login(user)
        assert client.post(reverse("support_draft_delete", args=[draft.pk])).status_code == 404
    storage = draft.documents.first().file.storage
    names = [document.file.name for document in draft.documents.all()]
    assert names and all(storage.exists(name) for name in names)
    client.force_login(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("support_draft_delete", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("support_list")
    assert not SupportApplication.objects.filter(pk=draft.pk).exists()
    assert not SupportDocument.objects.filter(application_id=draft.pk).exists()
    assert not any(storage.exists(name) for name in names)
    # A submitted application is not deleted.
    submitted = make_application(world, submit=True)
    client.post(reverse("support_draft_delete", args=[submitted.pk]))
    assert SupportApplication.objects.filter(pk=submitted.pk).exists()


@pytest.mark.parametrize(
    ("who", "status", "rows"),
    [
        ("leader", 200, 2),
        ("consultant", 200, 1),
        ("administrator", 200, 1),
        ("outsider", 200, 0),
        ("staff", 404, 0),
        ("pedagogist", 200, 0),
    ],
)
def test_list_scope_and_log(client, world, consultant, who, status, rows):
    make_application(world)  # a draft: the leader's own
    submitted = make_application(world, submit=True)
    user = {"consultant": consultant, "pedagogist": world.pedagogist.user}.get(who) or getattr(
        world, who
    )
    client.force_login(user)
    response = client.get(reverse("support_list"))
    assert response.status_code == status
    if status == 200:
        assert len(response.context["applications"]) == rows
        assert log_rows("support_list").get().action == AccessAction.SEARCH
        page = response.content.decode()
        assert (CHILD in page) == (rows > 0)
        # Never the child in the page's title.
        assert CHILD not in page.split("<title>")[1].split("</title>")[0]
        if rows == 1:
            assert response.context["applications"][0] == submitted
        # The list names each child on it: the row is found by each application shown.
        shown = sorted(application.pk for application in response.context["applications"])
        expected = {"indsats.supportapplication": shown} if shown else None
        assert log_rows("support_list").get().also_shown == expected
    else:
        assert not log_rows("support_list").exists()


def test_list_filters_for_the_committee(client, world, consultant):
    submitted = make_application(world, submit=True)
    asked = make_application(world, submit=True)
    ask(world, asked)
    client.force_login(consultant)
    response = client.get(reverse("support_list"), {"status": SupportStatus.NEEDS_INFO})
    assert list(response.context["applications"]) == [asked]
    response = client.get(reverse("support_list"), {"institution": world.other_institution.pk})
    assert list(response.context["applications"]) == []
    response = client.get(reverse("support_list"), {"kind": "support_hours"})
    assert set(response.context["applications"]) == {submitted, asked}
    assert "status=needs_info" in (
        AccessLogEntry.objects.filter(url_name="support_list").order_by("pk").first().query
    )


@pytest.mark.parametrize(
    "query",
    [{"institution": "999999"}, {"status": "no-such-status"}, {"kind": "no-such-kind"}],
)
def test_a_filter_value_the_list_does_not_know_is_told_beside_its_field(
    client, world, consultant, query
):
    """An old bookmark (an institution since removed, a status renamed) showed an empty list
    under a filter reading "all": the list only said there were no applications."""
    make_application(world, submit=True)
    client.force_login(consultant)
    response = client.get(reverse("support_list"), query)
    assert response.status_code == 200
    assert list(response.context["applications"]) == []
    (name,) = query
    errors = response.context["filter"].form.errors[name]
    html = response.content.decode()
    field = re.search(rf'<select name="{name}"[^>]*>', html).group()
    assert "is-invalid" in field and 'aria-invalid="true"' in field
    assert f'id="id_{name}_error"' in html
    for error in errors:
        assert str(escape(error)) in html


@pytest.mark.parametrize("extra", [0, 6])
def test_list_query_count_is_constant(client, world, consultant, monkeypatch, extra):
    from institutioner import paging

    monkeypatch.setattr(paging, "PER_PAGE", 3)
    made = []
    for _ in range(2 + extra):
        institution = factories.InstitutionFactory(district=world.north)
        group = factories.GroupFactory(institution=institution, name="Stue")
        leader = factories.UserFactory(role="leader")
        factories.MembershipFactory(user=leader, institution=institution)
        application, _ = services.support_create(
            actor=leader,
            data=support_data(world, institution=institution, group=group),
            client_token=uuid.uuid4(),
        )
        for kind in application.required_assessments:
            from tests.indsats.support.helpers import pdf_upload

            services.support_document_add(
                actor=leader, application_id=application.pk, kind=kind, upload=pdf_upload()
            )
        made.append(services.support_submit(actor=leader, application_id=application.pk))
    client.force_login(consultant)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("support_list"))
    assert response.status_code == 200
    newest = sorted(made, key=lambda a: (a.created_at, a.pk), reverse=True)[:3]
    assert list(response.context["applications"]) == newest
    # session, user, the count, the menu's unread notifications, permissions (two), the filter's
    # institutions, the page of rows (institution and group joined), the access-log row, and
    # the session's save (three): the same at both sizes, no query per row.
    assert len(queries) == 12, "\n".join(q["sql"][:150] for q in queries)


# --- Create, change, submit, withdraw, answer, ask, add ---


def test_create_by_form(client, world):
    client.force_login(world.leader)
    page = client.get(reverse("support_create"), follow=True)
    assert page.status_code == 200
    # A start up to three months back is allowed; the form says what it means.
    assert "Støtte bevilges tidligst fra visitationsmødet" in page.content.decode()
    response = client.post(reverse("support_create"), form_post(world))
    application = SupportApplication.objects.get()
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    assert application.child_name == CHILD and application.created_by == world.leader


def test_save_back_and_save_again_keeps_one_draft(client, world):
    """Gem, Back, Gem: pages are never cached, so Back loads the form anew (the browser fills in
    what was typed, not the hidden token); the token is in the page's address, so the second
    save answers with the draft the first made. A new form is a new token."""
    client.force_login(world.leader)
    opened = client.get(reverse("support_create"))
    assert opened.status_code == 302
    url = opened["Location"]
    assert url.startswith(reverse("support_create") + "?token=")
    token = re.search(r'name="client_token" value="([^"]+)"', client.get(url).content.decode())
    data = {**form_post(world), "client_token": token.group(1)}
    first = client.post(url, data)
    assert first.status_code == 302
    back = client.get(url).content.decode()
    assert f'name="client_token" value="{data["client_token"]}"' in back
    second = client.post(url, data, follow=True)
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "Formularen var allerede gemt; her er kladden, den blev til." in (
        second.content.decode()
    )
    assert SupportApplication.objects.filter(created_by=world.leader).count() == 1
    other = client.get(reverse("support_create"))["Location"]
    assert other != url


@pytest.mark.parametrize(
    ("typed", "saved", "message"),
    [
        ("7,5", Decimal("7.5"), None),
        ("7.5", Decimal("7.5"), None),
        # Hours as often written: the zero beyond the one decimal kept is not an error.
        ("7,50", Decimal("7.5"), None),
        ("1000", None, "Timerne om ugen kan højst være 40."),
        ("0,2", None, "Timerne om ugen skal være mindst 0,5."),
        ("syv", None, "Skriv timerne som et tal, fx 7,5."),
    ],
)
def test_the_hours_take_a_decimal_comma_and_get_one_message(client, world, typed, saved, message):
    client.force_login(world.leader)
    response = client.post(reverse("support_create"), form_post(world, hours_per_week=typed))
    if saved is not None:
        assert response.status_code == 302
        assert SupportApplication.objects.get().hours_per_week == saved
        page = client.get(reverse("support_edit", args=[SupportApplication.objects.get().pk]))
        assert 'value="7,5"' in page.content.decode()
        return
    assert response.status_code == 200
    assert response.context["form"].errors["hours_per_week"] == [message]
    assert not SupportApplication.objects.exists()


@pytest.mark.parametrize("token", ["", "not-a-uuid", None])
def test_create_without_a_readable_token_says_so_and_keeps_what_was_typed(client, world, token):
    client.force_login(world.leader)
    post = form_post(world, child_name="Ida Ingrid")
    if token is None:
        del post["client_token"]
    else:
        post["client_token"] = token
    response = client.post(reverse("support_create"), post)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Formularen kunne ikke læses helt" in body and "Ida Ingrid" in body
    assert not SupportApplication.objects.exists()
    # The form carries a fresh token: saving again works.
    fresh = response.context["form"].data["client_token"]
    assert fresh and fresh != token
    post["client_token"] = fresh
    assert client.post(reverse("support_create"), post).status_code == 302
    assert SupportApplication.objects.get().child_name == "Ida Ingrid"


def test_create_refuses_a_cpr_number_and_keeps_what_was_typed(client, world):
    client.force_login(world.leader)
    post = form_post(world, child_name="Emil 010203-1234")
    response = client.post(reverse("support_create"), post)
    assert response.status_code == 200
    assert "CPR" in response.content.decode()
    assert "Har brug for en voksen ved overgange" in response.content.decode()
    assert not SupportApplication.objects.exists()


@pytest.mark.parametrize("who", ["staff", "outsider", "pedagogist", "administrator"])
def test_create_and_edit_are_the_leaders(client, world, consultant, who):
    application = make_application(world)
    user = world.pedagogist.user if who == "pedagogist" else getattr(world, who)
    client.force_login(user)
    if who == "outsider":
        # A leader elsewhere may open the form, but only for their own institutions.
        assert client.get(reverse("support_create"), follow=True).status_code == 200
    else:
        assert client.get(reverse("support_create")).status_code == 404
    assert client.get(reverse("support_edit", args=[application.pk])).status_code == 404
    client.force_login(consultant)
    assert client.get(reverse("support_create")).status_code == 404


def test_edit_and_submit_by_views(client, world, consultant):
    application = make_application(world, attach=False)
    client.force_login(world.leader)
    response = client.get(reverse("support_edit", args=[application.pk]))
    assert response.status_code == 200 and log_rows("support_edit").count() == 1
    response = client.post(
        reverse("support_edit", args=[application.pk]),
        form_post(world, custody_consent=CustodyConsent.ONE, single_consent_reason=""),
    )
    assert response.status_code == 302
    response = client.post(reverse("support_submit", args=[application.pk]), follow=True)
    page = response.content.decode()
    assert "kan ikke indsendes endnu" in page and "PPV" in page and "samtykke" in page
    application.refresh_from_db()
    assert application.status == SupportStatus.DRAFT


def test_withdraw_answer_ask_and_add_by_views(client, world, consultant):
    application = make_application(world, submit=True)
    client.force_login(world.staff)
    assert client.post(reverse("support_ask", args=[application.pk])).status_code == 404
    client.force_login(consultant)
    response = client.post(reverse("support_ask", args=[application.pk]), {"question": ""})
    assert response.status_code == 200 and "Skriv" in response.content.decode()
    client.post(reverse("support_ask", args=[application.pk]), {"question": "Hvor længe?"})
    application.refresh_from_db()
    assert application.status == SupportStatus.NEEDS_INFO
    client.force_login(world.leader)
    page = client.get(reverse("support_detail", args=[application.pk])).content.decode()
    assert "Hvor længe?" in page
    client.post(reverse("support_answer", args=[application.pk]), {"answer": "Et år."})
    application.refresh_from_db()
    assert application.status == SupportStatus.SUBMITTED
    # A second answer is a message, not an error page.
    response = client.post(
        reverse("support_answer", args=[application.pk]), {"answer": "Igen."}, follow=True
    )
    assert response.status_code == 200 and "intet spørgsmål" in response.content.decode()
    client.force_login(consultant)
    response = client.post(
        reverse("support_person_add", args=[application.pk]),
        {"person": world.pedagogist.user.pk},
    )
    assert response.status_code == 404
    client.force_login(world.administrator)
    client.post(
        reverse("support_person_add", args=[application.pk]),
        {"person": world.pedagogist.user.pk},
    )
    assert list(application.added_people.all()) == [world.pedagogist.user]
    client.force_login(world.leader)
    client.post(reverse("support_withdraw", args=[application.pk]), {"reason": "Flyttet."})
    application.refresh_from_db()
    assert application.status == SupportStatus.WITHDRAWN
    response = client.post(reverse("support_withdraw", args=[application.pk]), follow=True)
    assert "allerede" in response.content.decode()


def test_a_case_page_shown_again_after_a_post_is_logged(client, world, consultant):
    application = make_application(world, submit=True)
    client.force_login(consultant)
    response = client.post(reverse("support_ask", args=[application.pk]), {"question": ""})
    assert response.status_code == 200 and CHILD in response.content.decode()
    row = log_rows("support_ask").get()
    assert row.user == consultant and row.action == AccessAction.VIEW
    assert row.object_id == application.pk and row.concerns == [world.leader.pk]
    # The leader's edit form shown again with an error shows the child too.
    services.support_ask(actor=consultant, application_id=application.pk, question="Hvor længe?")
    client.force_login(world.leader)
    post = form_post(world, child_name="")
    response = client.post(reverse("support_edit", args=[application.pk]), post)
    assert response.status_code == 200
    assert log_rows("support_edit").get().object_id == application.pk
    # A question that is sent redirects: no row for it.
    response = client.post(reverse("support_answer", args=[application.pk]), {"answer": "Et år."})
    assert response.status_code == 302 and not log_rows("support_answer").exists()


# --- Menu and start page ---


def test_menu(world, consultant):
    def names(user):
        return [entry.url_name for entry in entries_for(user)]

    assert "support_list" in names(world.leader)
    assert "support_list" in names(consultant) and "request_list" not in names(consultant)
    assert "support_list" in names(world.administrator)
    assert "support_list" not in names(world.staff)
    assert "request_list" in names(world.staff)


def test_start_pages(client, world, consultant):
    asked = make_application(world, submit=True)
    ask(world, asked)
    waiting = make_application(world, submit=True)
    client.force_login(world.leader)
    page = client.get(reverse("start")).content.decode()
    assert "venter på dit svar" in page and f"nr. {asked.pk} " in page
    assert CHILD not in page
    client.force_login(consultant)
    response = client.get(reverse("start"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"nr. {waiting.pk} " in page and "ikke på en dagsorden endnu" in page
    assert CHILD not in page


def test_document_kinds_offered_first_are_the_missing(client, world):
    application = make_application(world, attach=False)
    client.force_login(world.leader)
    response = client.get(reverse("support_document_create", args=[application.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["kind"] == AssessmentKind.PPV
    assert log_rows("support_document_create").count() == 1
    assert not SupportDocument.objects.exists()


def test_detail_shows_the_agenda_and_the_decisions(client, world):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from indsats.models import (
        AgendaItemStatus,
        SupportDecision,
        SupportOutcome,
        VisitationMeeting,
    )

    start = timezone.now() + timedelta(days=10)
    meeting = VisitationMeeting.objects.create(
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Rådhuset",
        application_deadline=timezone.localdate() + timedelta(days=5),
        created_by=world.administrator,
    )
    application = make_application(world, submit=True)
    item = application.agenda_items.get()
    assert item.meeting == meeting
    item.status = AgendaItemStatus.DECIDED
    item.save(update_fields=["status"])
    SupportDecision.objects.create(
        application=application,
        agenda_item=item,
        outcome=SupportOutcome.GRANTED,
        hours_per_week=Decimal("8"),
        period_start=timezone.localdate(),
        period_end=timezone.localdate() + timedelta(days=180),
        revisit_on=timezone.localdate() + timedelta(days=150),
        reasons="Behovet er dokumenteret.",
        decided_by=world.administrator,
    )
    client.force_login(world.leader)
    page = client.get(reverse("support_detail", args=[application.pk])).content.decode()
    assert str(meeting) in page
    assert "Bevilget" in page and "Behovet er dokumenteret." in page
    assert "8 timer om ugen" in page
    # What was applied for is named so, beside what was granted.
    assert "Timer om ugen, ansøgt" in page and "Periode, ansøgt" in page


def test_the_childs_name_is_kept_with_one_space_between_the_names(client, world):
    client.force_login(world.leader)
    post = form_post(world, child_name="  Ida \t Ingrid  Hansen ")
    assert client.post(reverse("support_create"), post).status_code == 302
    assert SupportApplication.objects.get().child_name == "Ida Ingrid Hansen"


def test_every_error_is_shown_on_the_first_save_and_what_was_typed_is_kept(client, world):
    """A CPR number, hours in words, an end before the start, a birth date ahead and a group of
    the leader's other institution: all told at once, each under its field (the group and the
    birth date were told only on a later save)."""
    factories.MembershipFactory(user=world.leader, institution=world.other_institution)
    elsewhere = factories.GroupFactory(institution=world.other_institution, name="Myretuen")
    today = timezone.localdate()
    client.force_login(world.leader)
    post = form_post(
        world,
        child_name="Emil 010203-1234",
        hours_per_week="ti",
        child_birth_date=date(today.year + 4, 1, 1),
        period_start=today + timedelta(days=60),
        period_end=today + timedelta(days=30),
        custody_consent=CustodyConsent.ONE,
        single_consent_reason="",
    )
    post["group"] = elsewhere.pk
    response = client.post(reverse("support_create"), post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "CPR" in errors["child_name"][0]
    assert errors["hours_per_week"] == ["Skriv timerne som et tal, fx 7,5."]
    assert errors["group"] == ["Stuen/gruppen hører ikke til institutionen."]
    assert errors["child_birth_date"][0].startswith("Vælg en dato mellem")
    # Beside the end it is about, not above the form.
    assert errors["period_end"] == ["Perioden skal slutte samme dag som eller efter den begynder."]
    assert "__all__" not in errors
    body = response.content.decode()
    assert "Emil 010203-1234" in body and 'value="ti"' in body
    assert not SupportApplication.objects.exists()


@pytest.mark.parametrize("start_days", [-200, 400, None])
def test_a_refused_start_and_a_period_already_over_are_told_in_one_save(client, world, start_days):
    """A start too far back or ahead (or none) no longer hides that the end has passed: the
    leader learnt of the end only after fixing the start."""
    today = timezone.localdate()
    start = None if start_days is None else today + timedelta(days=start_days)
    client.force_login(world.leader)
    post = form_post(world, period_start=start, period_end=today - timedelta(days=1))
    response = client.post(reverse("support_create"), post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"period_start", "period_end"}
    body = response.content.decode()
    assert "Perioden er allerede ovre. Vælg en periode fremad." in body
    assert ("Vælg en dato mellem" in body) == (start is not None)
    assert not SupportApplication.objects.exists()


def test_the_edit_form_tells_a_start_too_far_ahead_and_an_end_already_over_together(client, world):
    application = make_application(world, attach=False)
    today = timezone.localdate()
    client.force_login(world.leader)
    response = client.post(
        reverse("support_edit", args=[application.pk]),
        form_post(
            world,
            period_start=today + timedelta(days=400),
            period_end=today - timedelta(days=1),
        ),
    )
    errors = response.context["form"].errors
    assert errors["period_start"][0].startswith("Vælg en dato mellem")
    assert errors["period_end"] == ["Perioden er allerede ovre. Vælg en periode fremad."]


def test_the_edit_form_shows_the_services_errors_with_the_forms(client, world):
    application = make_application(world, attach=False)
    today = timezone.localdate()
    client.force_login(world.leader)
    response = client.post(
        reverse("support_edit", args=[application.pk]),
        form_post(world, hours_per_week="ti", period_start=today + timedelta(days=400)),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"hours_per_week", "period_start"}


def test_a_cpr_number_in_the_single_consent_reason_gets_the_childs_message(client, world):
    client.force_login(world.leader)
    response = client.post(
        reverse("support_create"),
        form_post(
            world,
            custody_consent=CustodyConsent.ONE,
            single_consent_reason="Far 010203-1234 er ikke at finde",
        ),
    )
    assert response.context["form"].errors["single_consent_reason"] == [
        "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre: barnets "
        "fødselsdato har sit eget felt."
    ]
    assert not SupportApplication.objects.exists()


@pytest.mark.parametrize("kind", [SupportKind.STENDALEN, SupportKind.DOUBLE_PLACE])
def test_a_special_place_is_applied_for_without_hours(client, world, kind):
    client.force_login(world.leader)
    response = client.post(
        reverse("support_create"), form_post(world, kind=kind, hours_per_week="5")
    )
    assert response.status_code == 200
    # A new message: as it reads in Danish once translated.
    with translation.override("da"):
        message = periods.special_place_hours()
    assert response.context["form"].errors["hours_per_week"] == [message]
    with pytest.raises(ValidationError):
        services.support_create(
            actor=world.leader,
            data=support_data(world, kind=kind),
            client_token=uuid.uuid4(),
        )
    response = client.post(
        reverse("support_create"), form_post(world, kind=kind, hours_per_week=None)
    )
    assert response.status_code == 302
    assert SupportApplication.objects.get().hours_per_week is None


def test_a_draft_whose_period_has_passed_says_so_before_it_is_submitted(client, world):
    application = make_application(world)
    today = timezone.localdate()
    SupportApplication.objects.filter(pk=application.pk).update(
        period_start=today - timedelta(days=60), period_end=today - timedelta(days=1)
    )
    client.force_login(world.leader)
    page = client.get(reverse("support_detail", args=[application.pk])).content.decode()
    with translation.override("da"):
        over = gettext("a period ahead (%(start)s–%(end)s is already over)") % {
            "start": f"{today - timedelta(days=60):%d.%m.%Y}",
            "end": f"{today - timedelta(days=1):%d.%m.%Y}",
        }
    assert "Før ansøgningen kan indsendes:" in page and over in page
    response = client.post(reverse("support_submit", args=[application.pk]), follow=True)
    assert "Perioden er allerede ovre. Vælg en periode fremad." in response.content.decode()
    application.refresh_from_db()
    assert application.status == SupportStatus.DRAFT


def test_a_special_places_page_shows_no_hours_row(client, world):
    place = make_application(world, kind=SupportKind.I_PLACE, hours_per_week=None)
    hours = make_application(world)
    client.force_login(world.leader)
    label = "Timer om ugen, ansøgt"
    assert label not in client.get(reverse("support_detail", args=[place.pk])).content.decode()
    assert label in client.get(reverse("support_detail", args=[hours.pk])).content.decode()


def test_the_form_hides_the_hours_for_a_special_place_with_its_script(client, world):
    """static/js/shown-by-choice.js hides and disables the hours while a special place is chosen
    (tests/e2e/test_support_form.py); the page carries the script and marks the field."""
    client.force_login(world.leader)
    place = make_application(world, kind=SupportKind.I_PLACE, hours_per_week=None, attach=False)
    for url in (reverse("support_create"), reverse("support_edit", args=[place.pk])):
        page = client.get(url, follow=True).content.decode()
        assert "js/shown-by-choice.js" in page and 'class="support-form"' in page
        (hours,) = [tag for tag in page.split("<input") if 'name="hours_per_week"' in tag]
        assert 'data-for-kinds="support_hours"' in hours.split(">")[0]
        assert page.count("data-for-kinds") == 1


def test_a_change_from_a_stale_tab_is_refused_and_keeps_what_was_typed(client, world):
    """Two tabs (or two leaders) open the same draft: the first save wins; the second is refused
    rather than silently overwriting it, keeps what was typed, and a save again replaces the
    application knowingly. An attached document does not make the form stale."""
    application = make_application(world, attach=False)
    client.force_login(world.leader)
    url = reverse("support_edit", args=[application.pk])
    opened = client.get(url).context["form"].initial.get("stamp", "")
    first = form_post(world, everyday_needs="Tab A: den nye beskrivelse.", hours_per_week="12")
    assert client.post(url, {**first, "stamp": opened}).status_code == 302
    second = form_post(world, tried_already="Tab B: kun denne ændring.")
    response = client.post(url, {**second, "stamp": opened})
    assert response.status_code == 200
    with translation.override("da"):
        message = gettext(
            "The application was saved by someone else, or in another tab, after you opened "
            "this form, so your changes are not saved. What you typed is still in the form "
            "below: save again to replace the application with it, or cancel to see the "
            "application as it is now."
        )
    form = response.context["form"]
    assert form.non_field_errors() == [message]
    assert "Tab B: kun denne ændring." in response.content.decode()
    application.refresh_from_db()
    assert application.everyday_needs == "Tab A: den nye beskrivelse."
    assert application.hours_per_week == Decimal("12")
    assert application.tried_already != "Tab B: kun denne ændring."
    # Saving again from the refused form: the leader has seen the message.
    again = {**second, "stamp": form["stamp"].value()}
    assert client.post(url, again).status_code == 302
    application.refresh_from_db()
    assert application.tried_already == "Tab B: kun denne ændring."
    # A document attached in another tab changes nothing the form shows.
    opened = client.get(url).context["form"].initial.get("stamp", "")
    services.support_document_add(
        actor=world.leader,
        application_id=application.pk,
        kind="ppv",
        upload=pdf_upload("ppv.pdf"),
    )
    third = form_post(world, tried_already="Efter vedhæftningen.")
    assert client.post(url, {**third, "stamp": opened}).status_code == 302


# Every address of a case, and the data its POST would need to do something: another
# institution's leader gets 404 for each, GET or POST, and nothing is changed or logged.
CASE_ADDRESSES = {
    "support_detail": {},
    "support_edit": {"child_name": "Anden Person"},
    "support_submit": {},
    "support_withdraw": {"reason": "Flyttet."},
    "support_draft_delete": {},
    "support_answer": {"answer": "Fire timer."},
    "support_ask": {"question": "Hvor mange timer?"},
    "support_person_add": {"person": "0"},
    "support_document_create": {"kind": AssessmentKind.PPV},
}
DOCUMENT_ADDRESSES = ("support_document_download", "support_document_delete")


@pytest.mark.parametrize("submit", [False, True], ids=["draft", "submitted"])
def test_another_institutions_leader_gets_404_everywhere_on_a_case(client, world, submit):
    application = make_application(world, submit=submit)
    document = application.documents.first()
    before = (application.status, application.updated_at, application.documents.count())
    client.force_login(world.outsider)
    answers = {}
    for name, data in CASE_ADDRESSES.items():
        url = reverse(name, args=[application.pk])
        answers[f"GET {name}"] = client.get(url).status_code
        answers[f"POST {name}"] = client.post(url, data).status_code
    for name in DOCUMENT_ADDRESSES:
        url = reverse(name, args=[document.pk])
        answers[f"GET {name}"] = client.get(url).status_code
        answers[f"POST {name}"] = client.post(url).status_code
    # The decorators refuse a GET of a POST-only address with 405 before any scope check
    # (that says nothing about the case); every other answer is 404.
    post_only = {"support_submit", "support_withdraw", "support_draft_delete", "support_answer"}
    post_only |= {"support_ask", "support_person_add", "support_document_delete"}
    expected = {
        key: 405 if key.startswith("GET ") and key[4:] in post_only else 404 for key in answers
    }
    assert answers == expected
    application.refresh_from_db()
    assert (application.status, application.updated_at, application.documents.count()) == before
    assert not AccessLogEntry.objects.filter(user=world.outsider).exists()


def _earlier_boxes(body: str) -> dict[int, bool]:
    """The earlier interventions' boxes on the form: request id -> shown (not hidden)."""
    boxes = re.findall(
        r'<div class="form-check" data-institution="\d+"( hidden)?>\s*<input[^>]*'
        r'name="earlier_interventions" value="(\d+)"',
        body,
    )
    return {int(pk): not hidden for hidden, pk in boxes}


def test_earlier_interventions_are_those_of_the_applications_institution(client, world):
    """A leader of two institutions: the new form shows both institutions' accepted requests
    until one is chosen; the form shown again after an error, and a saved draft's form, offer
    only the chosen institution's (the others are hidden and disabled, for the script to show
    when the choice changes); one of another institution ticked all the same is refused with a
    message beside it, and stays in view."""
    from tests.indsats.helpers import accept, make_request

    factories.MembershipFactory(user=world.leader, institution=world.other_institution)
    spiren_group = factories.GroupFactory(institution=world.other_institution, name="Myren")
    own = make_request(world, submit=True)
    accept(world, own)
    other = make_request(
        world, submit=True, institution=world.other_institution, group=spiren_group
    )
    accept(world, other, reason="Paula tager den.")
    client.force_login(world.leader)

    new = client.get(reverse("support_create"), follow=True).content.decode()
    assert _earlier_boxes(new) == {own.pk: True, other.pk: True}

    post = form_post(world, child_name="")  # an error: the form is shown again
    again = client.post(reverse("support_create"), post).content.decode()
    assert _earlier_boxes(again) == {own.pk: True, other.pk: False}
    assert re.search(rf'value="{other.pk}"[^>]*\bdisabled\b', again)

    post = form_post(world, earlier_interventions=[other])
    refused = client.post(reverse("support_create"), post).content.decode()
    assert _earlier_boxes(refused) == {own.pk: True, other.pk: True}
    with translation.override("da"):
        message = gettext(
            "Choose only accepted requests of the institution the application is for."
        )
    assert escape(message) in refused
    assert not SupportApplication.objects.exists()

    application = make_application(world)
    edit = client.get(reverse("support_edit", args=[application.pk])).content.decode()
    assert _earlier_boxes(edit) == {own.pk: True, other.pk: False}


def _group_options(body: str) -> dict[int, bool]:
    """The group select's options on the form: group id -> shown (not hidden)."""
    select = re.search(r'<select name="group".*?</select>', body, re.S)
    assert select is not None
    options = re.findall(r'<option value="(\d+)"([^>]*)>', select.group(0))
    return {int(pk): " hidden" not in attrs for pk, attrs in options}


def test_the_group_select_offers_the_applications_institutions_groups(client, world):
    """A leader of two institutions: the new form offers both institutions' groups (each named
    with its institution and marked with it for the script) until one is chosen; the form shown
    again after an error, and a saved draft's form, offer only the chosen institution's (the
    others hidden and disabled, for the script to show when the choice changes); another
    institution's group sent all the same is refused beside the field, and stays in view."""
    factories.MembershipFactory(user=world.leader, institution=world.other_institution)
    myren = factories.GroupFactory(institution=world.other_institution, name="Myren")
    own = {g.pk: True for g in world.institution.groups.all()}
    client.force_login(world.leader)

    new = client.get(reverse("support_create"), follow=True).content.decode()
    assert _group_options(new) == {**own, myren.pk: True}
    assert re.search(
        rf'<option value="{myren.pk}" data-institution="{world.other_institution.pk}">', new
    )

    again = client.post(reverse("support_create"), form_post(world, child_name="")).content
    assert _group_options(again.decode()) == {**own, myren.pk: False}
    assert re.search(rf'<option value="{myren.pk}"[^>]*\bdisabled\b', again.decode())

    refused = client.post(reverse("support_create"), form_post(world, group=myren)).content
    assert _group_options(refused.decode()) == {**own, myren.pk: True}
    with translation.override("da"):
        message = gettext("The group does not belong to the institution.")
    assert escape(message) in refused.decode()
    assert not SupportApplication.objects.exists()

    application = make_application(world)
    edit = client.get(reverse("support_edit", args=[application.pk])).content.decode()
    assert _group_options(edit) == {**own, myren.pk: False}
