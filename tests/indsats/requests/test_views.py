"""The request pages: forms, messages, scope, and the triage queue's query count."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from indsats.models import EventKind, InterventionRequest, RequestStatus
from indsats.requests import services
from institutioner.workdays import (
    holiday_name,
    is_working_day,
    not_a_working_day,
    working_day_on_or_after,
)
from tests import factories
from tests.indsats.helpers import accept, make_request, next_clock_change, plan_meeting


def _form(world, **overrides):
    data = {
        "institution": world.institution.pk,
        "group": world.institution.groups.get(name="Sommerfuglen").pk,
        "need": "Mange konflikter ved garderoben.",
        "focus_levels": ["boernegruppe"],
        "themes": ["social", "sprog"],
        "age_group": "3-6",
        "group_size": "20",
        "tried_already": "",
        "wished_start": working_day_on_or_after(
            timezone.localdate() + timedelta(days=14)
        ).isoformat(),
        "wished_weeks": "8",
        "wished_weekdays": ["0", "2"],
        "wished_time_from": "09:00",
        "wished_time_to": "12:00",
        "contact_name": "Lene Leder",
        "contact_phone": "12345678",
        "contact_email": "lene@example.dk",
        "client_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_leader_creates_a_draft_and_a_double_post_makes_one(client, world):
    client.force_login(world.leader)
    data = _form(world)
    first = client.post(reverse("request_create"), data)
    second = client.post(reverse("request_create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    req = InterventionRequest.objects.get()
    assert req.status == RequestStatus.DRAFT
    assert req.wished_weekdays == [0, 2]
    assert sorted(t.theme for t in req.themes.all()) == ["social", "sprog"]


@pytest.mark.parametrize("token", ["", "not-a-uuid"])
def test_a_form_without_a_readable_token_says_so_and_keeps_what_was_typed(client, world, token):
    client.force_login(world.leader)
    data = _form(world, need="Uro ved frokosten.", client_token=token)
    response = client.post(reverse("request_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Formularen kunne ikke læses helt" in body and "Uro ved frokosten." in body
    assert not InterventionRequest.objects.exists()
    data["client_token"] = response.context["form"].data["client_token"]
    assert client.post(reverse("request_create"), data).status_code == 302
    assert InterventionRequest.objects.count() == 1


def test_cpr_in_the_form_is_explained_and_nothing_else_is_lost(client, world):
    client.force_login(world.leader)
    response = client.post(
        reverse("request_create"),
        _form(world, need="Pigen (010203-5678) græder", tried_already="Vi har prøvet sang."),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "ligner et CPR-nummer" in body
    assert "Vi har prøvet sang." in body
    assert 'value="12345678"' in body
    assert InterventionRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"focus_levels": []}, "Vælg mindst ét fokusniveau."),
        ({"wished_start": "2020-01-01"}, "Den ønskede start kan ikke ligge i fortiden."),
        ({"wished_time_to": "08:00"}, "Tidsrummets slutning skal ligge efter dets start."),
        ({"group_size": "0"}, "Antal børn skal være mellem 1 og 200."),
        ({"wished_weeks": "60"}, "Varigheden skal være mellem 1 og 52 uger."),
        ({"need": ""}, "Dette felt er påkrævet."),
        ({"contact_phone": "<img src=x onerror=alert(1)>"}, "Skriv et telefonnummer med cifre"),
        ({"contact_phone": "ring"}, "Skriv et telefonnummer med cifre"),
    ],
)
def test_bad_input_gets_a_danish_message(client, world, overrides, message):
    client.force_login(world.leader)
    response = client.post(reverse("request_create"), _form(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_another_institution_cannot_be_chosen(client, world):
    client.force_login(world.leader)
    response = client.post(
        reverse("request_create"),
        _form(world, institution=world.outsider_institution.pk, group=""),
    )
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    assert InterventionRequest.objects.count() == 0


def test_outsider_gets_404_for_requests_and_meetings(client, world):
    req = make_request(world, submit=True)
    accept(world, req)
    meeting = plan_meeting(world, req)
    client.force_login(world.outsider)
    for url in (
        reverse("request_detail", args=[req.pk]),
        reverse("request_edit", args=[req.pk]),
        reverse("meeting_ics", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("request_withdraw", args=[req.pk])).status_code == 404
    assert client.post(reverse("triage_accept", args=[req.pk])).status_code == 404
    assert "Børnehuset Mariehønen" not in client.get(reverse("request_list")).content.decode()


def test_submit_then_withdraw_accepted_is_a_message(client, world):
    req = make_request(world)
    client.force_login(world.leader)
    response = client.post(reverse("request_submit", args=[req.pk]), follow=True)
    assert "Anmodningen er indsendt" in response.content.decode()
    accept(world, req)
    response = client.post(reverse("request_withdraw", args=[req.pk]), follow=True)
    assert response.status_code == 200
    assert "kan ikke trækkes tilbage her" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED


def test_submitting_a_draft_whose_wished_start_has_passed_says_so(client, world):
    req = make_request(world)
    past = timezone.localdate() - timedelta(days=2)
    InterventionRequest.objects.filter(pk=req.pk).update(wished_start=past)
    client.force_login(world.leader)
    # Said on the draft's page before the leader presses "Send".
    page = client.get(reverse("request_detail", args=[req.pk])).content.decode()
    assert "har passeret. Ret anmodningen og vælg en ny dag, før du sender den." in page
    response = client.post(reverse("request_submit", args=[req.pk]), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Den ønskede opstart, {past.day}. " in page
    assert "har passeret. Ret anmodningen og vælg en ny dag, før du sender den." in page
    assert "Anmodningen er indsendt" not in page
    req.refresh_from_db()
    assert req.status == RequestStatus.DRAFT


def test_a_draft_is_deleted_not_withdrawn(client, world):
    """A draft nobody else has seen: its page offers to delete it (not to withdraw it), and it
    goes with its history. A submitted request is withdrawn, never deleted."""
    req = make_request(world)
    client.force_login(world.leader)
    page = client.get(reverse("request_detail", args=[req.pk])).content.decode()
    assert "Slet kladden" in page and "Træk anmodningen tilbage" not in page
    # Not another institution's leader, nor the administration.
    for other in (world.outsider, world.administrator):
        client.force_login(other)
        assert client.post(reverse("request_draft_delete", args=[req.pk])).status_code == 404
    client.force_login(world.leader)
    response = client.post(reverse("request_draft_delete", args=[req.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("request_list")
    assert "Kladden er slettet." in response.content.decode()
    assert not InterventionRequest.objects.filter(pk=req.pk).exists()
    assert not InterventionRequest.history.filter(id=req.pk).exists()
    assert client.get(reverse("request_detail", args=[req.pk])).status_code == 404

    sent = make_request(world, submit=True)
    page = client.get(reverse("request_detail", args=[sent.pk])).content.decode()
    assert "Slet kladden" not in page and "Træk anmodningen tilbage" in page
    response = client.post(reverse("request_draft_delete", args=[sent.pk]), follow=True)
    assert "kun en kladde kan slettes" in response.content.decode()
    assert InterventionRequest.objects.filter(pk=sent.pk).exists()


def test_an_action_address_reloaded_after_a_refused_form_is_its_page(client, world):
    """A refused form shows its page again at the action's address; reloading it (a phone
    does, after switching apps) shows that page, not "use the button"."""
    req = make_request(world, submit=True)
    client.force_login(world.leader)
    withdraw = reverse("request_withdraw", args=[req.pk])
    refused = client.post(withdraw, {"reason": "Se 070589-1234"})
    assert refused.status_code == 200 and "ligner et CPR-nummer" in refused.content.decode()
    reloaded = client.get(withdraw)
    assert reloaded.status_code == 302 and reloaded.url == reverse("request_detail", args=[req.pk])
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED  # a GET does nothing
    client.force_login(world.administrator)
    for name in ("triage_reject", "triage_ask_info", "triage_accept"):
        reloaded = client.get(reverse(name, args=[req.pk]))
        assert reloaded.status_code == 302
        assert reloaded.url == reverse("triage_detail", args=[req.pk])
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


def test_triage_accept_asks_for_a_reason_when_warned(client, world):
    req = make_request(world, submit=True)
    client.force_login(world.administrator)
    data = {"pedagogists": [world.outsider_pedagogist.pk], "weekly_hours": "5"}
    response = client.post(reverse("triage_accept", args=[req.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "ikke institutionens fast tilknyttede pædagog" in body
    assert "Skriv en begrundelse" in body
    data["reason"] = "Har erfaring med sprog."
    response = client.post(reverse("triage_accept", args=[req.pk]), data)
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED


def test_triage_actions_need_their_text(client, world):
    req = make_request(world, submit=True)
    client.force_login(world.administrator)
    response = client.post(reverse("triage_reject", args=[req.pk]), {"reason": ""})
    assert "Skriv, hvorfor anmodningen afvises." in response.content.decode()
    response = client.post(reverse("triage_ask_info", args=[req.pk]), {"question": ""})
    assert "Skriv, hvad I har brug for at vide." in response.content.decode()


def test_meeting_form_refuses_the_past(client, world):
    req = make_request(world, submit=True)
    accept(world, req)
    client.force_login(world.administrator)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("meeting_create", args=[req.pk]),
        {
            "date": yesterday.isoformat(),
            "start": "09:00",
            "end": "10:00",
            "place": "Stuen",
            "participants": [world.leader.pk],
        },
    )
    assert "Mødet kan ikke ligge i fortiden." in response.content.decode()
    assert not req.meetings.exists()


def test_ics_download_is_a_valid_calendar_in_copenhagen_time(client, world):
    req = make_request(world, submit=True)
    accept(world, req)
    meeting = plan_meeting(world, req)
    client.force_login(world.leader)
    response = client.get(reverse("meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{meeting.uid}@indsatsteam"
    assert event["DTSTART"].dt == meeting.starts_at
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Copenhagen"
    assert calendar["METHOD"] == "REQUEST"


def test_start_pages_show_upcoming_meetings(client, world):
    req = make_request(world, submit=True)
    accept(world, req)
    plan_meeting(world, req)
    for user in (world.leader, world.pedagogist.user):
        client.force_login(user)
        body = client.get(reverse("start")).content.decode()
        assert "Kommende indsatsmøder" in body
        assert "Personalestuen" in body
    client.force_login(world.outsider)
    assert "Kommende indsatsmøder" not in client.get(reverse("start")).content.decode()


@pytest.mark.parametrize("extra", [0, 6])
def test_triage_queue_query_count_does_not_grow(client, world, django_assert_num_queries, extra):
    # The fixed pedagogist has an agreement in force, so the plan's clash check reads it.
    from tests.indsats.helpers import agreement_in_force

    agreement_in_force(world)
    make_request(world, submit=True)
    for _ in range(extra):
        institution = factories.InstitutionFactory(district=world.north)
        factories.GroupFactory(institution=institution, name="Stue")
        factories.AssignmentFactory(institution=institution, share=10)
        leader = factories.UserFactory(role="leader")
        factories.MembershipFactory(user=leader, institution=institution)
        from indsats.requests import services
        from tests.indsats.helpers import request_data

        req, _ = services.request_create(
            actor=leader,
            data=request_data(world, institution=institution, group=institution.groups.get()),
            client_token=uuid.uuid4(),
        )
        services.request_submit(actor=leader, request_id=req.pk)
    client.force_login(world.administrator)
    # session, user; requests; focus levels; assignments; the booked hours (one sum on
    # PostgreSQL; agreements week by week and accepted requests without a signed agreement
    # elsewhere); the filter form's districts and institutions; what higher apps say beside the
    # requests (indsats/hooks.py: the learning environment's past, one query; the clashes with
    # the fixed pedagogists' plan, two: their allocations and the signed versions); the planned
    # absence in the booked hours (indsats/hooks.py, one); the access-log row (a search);
    # session save (3); the page: its counts (the list's, with those waiting for triage and
    # for the leader, one query) and its ids (2)
    from django.db import connection

    with django_assert_num_queries(19 if connection.vendor == "postgresql" else 20):
        response = client.get(reverse("triage_queue"))
    assert response.status_code == 200
    shown = {int(pk) for pk in re.findall(r'href="/visitation/(\d+)/"', response.content.decode())}
    assert shown == set(
        InterventionRequest.objects.filter(status="submitted").values_list("pk", flat=True)
    )
    assert len(shown) == 1 + extra


def test_triage_queue_pages_oldest_first_with_the_filters_kept(client, world, monkeypatch):
    from institutioner import paging

    monkeypatch.setattr(paging, "PER_PAGE", 3)
    made = [make_request(world, submit=True) for _ in range(4)]
    client.force_login(world.administrator)

    def shown(params):
        body = client.get(reverse("triage_queue"), params).content.decode()
        return [int(pk) for pk in re.findall(r'href="/visitation/(\d+)/"', body)], body

    first, body = shown({"district": world.north.pk})
    assert first == [req.pk for req in made[:3]]
    assert "4 anmodninger" in body
    assert f"district={world.north.pk}&amp;side=2" in body
    second, _body = shown({"district": world.north.pk, "side": "2"})
    assert second == [made[3].pk]
    # A district without requests: an empty page, not an error.
    empty, body = shown({"district": world.south.pk})
    assert empty == []


def test_triage_queue_filters(client, world):
    from datetime import timedelta as td

    from indsats.models import InterventionRequest as Req

    old = make_request(world, submit=True, focus_levels=["ledelse"])
    Req.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - td(days=30))
    new = make_request(world, submit=True, focus_levels=["barn"])
    asked = make_request(world, submit=True)
    from indsats.requests import services

    services.request_ask_info(actor=world.administrator, request_id=asked.pk, question="Hvem?")
    client.force_login(world.administrator)

    def shown(**params):
        body = client.get(reverse("triage_queue"), params).content.decode()
        return {pk for pk in (old.pk, new.pk, asked.pk) if f"/visitation/{pk}/" in body}

    assert shown() == {old.pk, new.pk, asked.pk}
    # The heading: what the list shows, and of it what waits for triage and for the leader.
    heading = " ".join(client.get(reverse("triage_queue")).content.decode().split())
    assert (
        "Listen viser 3 anmodninger, ældste først. Heraf venter 2 på visitation og 1 på "
        "lederens svar."
    ) in heading
    heading = " ".join(
        client.get(reverse("triage_queue"), {"focus_level": "barn"}).content.decode().split()
    )
    assert "Listen viser 1 anmodning, ældste først. Heraf venter 1 på visitation." in heading
    assert shown(waiting_days=10) == {old.pk}
    assert shown(focus_level="barn") == {new.pk}
    assert shown(status="needs_info") == {asked.pk}
    assert shown(district=world.south.pk) == set()
    assert shown(institution=world.institution.pk) == {old.pk, new.pk, asked.pk}
    body = client.get(reverse("triage_queue")).content.decode()
    assert body.index(f"/visitation/{old.pk}/") < body.index(f"/visitation/{new.pk}/")


def test_second_trial_findings(client, world):
    """Findings from trying the flow as a user: overflow, hidden errors, lost text, limits."""
    client.force_login(world.administrator)
    response = client.get(reverse("triage_queue"), {"waiting_days": "99999999999999999999"})
    assert response.status_code == 200
    client.force_login(world.leader)
    body = client.post(reverse("request_create"), _form(world, focus_levels=[])).content.decode()
    assert "Vælg mindst ét fokusniveau." in body and 'class="invalid-feedback' in body
    body = client.post(
        reverse("request_create"), _form(world, contact_name="Mette 070589-1234")
    ).content.decode()
    assert "ligner et CPR-nummer" in body
    body = client.post(
        reverse("request_create"), _form(world, wished_time_from="19:00", wished_time_to="22:00")
    ).content.decode()
    assert "har åbent 06:30–17:00" in body
    far = (timezone.localdate() + timedelta(days=400)).isoformat()
    body = client.post(reverse("request_create"), _form(world, wished_start=far)).content.decode()
    assert "højst ligge et år frem" in body
    req = make_request(world, submit=True)
    response = client.post(reverse("request_withdraw", args=[req.pk]), {"reason": "Se 070589-1234"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Se 070589-1234" in body and "ligner et CPR-nummer" in body
    again = client.post(reverse("request_submit", args=[req.pk]), follow=True).content.decode()
    assert "Anmodningen er allerede indsendt." in again


@pytest.mark.parametrize(
    ("size", "weeks"), [("0", "0"), ("201", "53"), ("-1", "-1"), ("40000", "40000")]
)
def test_the_number_of_children_and_weeks_are_told_under_their_fields(client, world, size, weeks):
    """Their limits were the model's check constraints, told only in the banner above the form."""
    client.force_login(world.leader)
    response = client.post(
        reverse("request_create"), _form(world, group_size=size, wished_weeks=weeks)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {
        "group_size": ["Antal børn skal være mellem 1 og 200."],
        "wished_weeks": ["Varigheden skal være mellem 1 og 52 uger."],
    }
    assert not InterventionRequest.objects.exists()
    # The edit form the same.
    req = make_request(world)
    response = client.post(
        reverse("request_edit", args=[req.pk]), _form(world, group_size=size, wished_weeks=weeks)
    )
    assert set(response.context["form"].errors) == {"group_size", "wished_weeks"}
    # The limits themselves are allowed.
    response = client.post(
        reverse("request_create"), _form(world, group_size="200", wished_weeks="52")
    )
    assert response.status_code == 302


def test_someone_who_left_is_offered_for_no_new_work(client, world):
    from institutioner import services as institutioner_services

    institutioner_services.user_deactivate(
        actor=world.administrator, user_id=world.pedagogist.user.pk, reason="Fratrådt"
    )
    req = make_request(world, submit=True)
    client.force_login(world.administrator)
    body = client.get(reverse("triage_detail", args=[req.pk])).content.decode()
    assert "Ole Andensted" in body and "Paula Pædagog" not in body
    data = {"pedagogists": [world.pedagogist.pk], "weekly_hours": "5", "reason": "Kender stuen"}
    response = client.post(reverse("triage_accept", args=[req.pk]), data)
    assert response.status_code == 200
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


def test_meeting_participants_leave_out_someone_who_left(client, world):
    from institutioner import services as institutioner_services

    req = make_request(world, submit=True)
    accept(world, req)
    institutioner_services.user_deactivate(
        actor=world.administrator, user_id=world.staff.pk, reason="Fratrådt"
    )
    client.force_login(world.administrator)
    body = client.get(reverse("meeting_create", args=[req.pk])).content.decode()
    assert "Lene Leder" in body and "Paula Pædagog" in body
    assert "Per Personale" not in body


@pytest.mark.parametrize("extra", [2, 6])
def test_the_request_list_pages_at_a_constant_query_count(
    client, world, django_assert_num_queries, monkeypatch, extra
):
    """Two to a page here (50 in the app): each page shows its own requests, newest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from institutioner import paging

    monkeypatch.setattr(paging, "PER_PAGE", 2)
    for _ in range(1 + extra):
        make_request(world, submit=True)
    newest_first = list(
        InterventionRequest.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)
    )
    client.force_login(world.leader)
    counts, pages = [], []
    for number in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("request_list"), {"side": number}).content.decode()
        counts.append(len(queries.captured_queries))
        pages.append([int(pk) for pk in re.findall(r'href="/anmodninger/(\d+)/"', body)])
    assert pages == [newest_first[:2], newest_first[2:4]]
    assert counts[0] == counts[1]
    # The same queries at both data sizes (the parametrized runs compare with this number).
    assert counts[0] == 11


@pytest.mark.parametrize(
    ("forward", "start", "end", "field", "message"),
    [
        (True, "02:30", "03:30", "start", "findes ikke den {day}: uret stilles en time frem"),
        (False, "02:30", "03:30", "start", "kommer to gange den {day}: uret stilles en time"),
    ],
)
def test_an_intake_meeting_at_a_time_the_clock_change_skips_or_repeats_is_told_so(
    client, world, forward, start, end, field, message
):
    req = make_request(world, submit=True)
    accept(world, req)
    client.force_login(world.administrator)
    day = next_clock_change(forward)
    form = {
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "place": "Stuen",
        "participants": [world.leader.pk],
    }
    response = client.post(reverse("meeting_create", args=[req.pk]), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message.format(day=day.strftime("%d.%m.%Y")) in " ".join(errors[field]), errors
    assert not req.meetings.exists()
    # The clocks change on a Sunday: the day is refused as a weekend day too; planned on the
    # next working day.
    response = client.post(
        reverse("meeting_create", args=[req.pk]), {**form, "start": "09:00", "end": "10:00"}
    )
    assert set(response.context["form"].errors) == {"date"}
    monday = day + timedelta(days=1)
    while not is_working_day(monday):
        monday += timedelta(days=1)
    response = client.post(
        reverse("meeting_create", args=[req.pk]),
        {**form, "date": monday.isoformat(), "start": "09:00", "end": "10:00"},
    )
    assert response.status_code == 302
    meeting = req.meetings.get()
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=1)
    # Moving it into that hour is told the same, and the meeting stays where it was.
    response = client.post(reverse("meeting_edit", args=[meeting.pk]), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message.format(day=day.strftime("%d.%m.%Y")) in " ".join(errors[field]), errors
    moved = req.meetings.get()
    assert (moved.starts_at, moved.sequence) == (meeting.starts_at, meeting.sequence)


CPR_PLAIN = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."


def test_the_cpr_message_on_an_intake_meetings_place_and_cancel_reason_fits_them(client, world):
    req = make_request(world, submit=True)
    accept(world, req)
    client.force_login(world.administrator)
    day = timezone.localdate() + timedelta(days=10)
    form = {
        "date": day.isoformat(),
        "start": "09:00",
        "end": "10:00",
        "place": "Lokale 070589-1234",
        "participants": [world.leader.pk],
        "other_participants": "Ida",
    }
    body = client.post(reverse("meeting_create", args=[req.pk]), form).content.decode()
    assert CPR_PLAIN in body and "børnegruppen" not in body
    assert "Lokale 070589-1234" in body  # kept for the person to correct
    body = client.post(
        reverse("meeting_create", args=[req.pk]),
        {**form, "place": "Stuen", "other_participants": "Ida 070589-1234"},
    ).content.decode()
    assert CPR_PLAIN in body and "børnegruppen" not in body
    assert not req.meetings.exists()
    meeting = plan_meeting(world, req)
    body = client.post(
        reverse("meeting_cancel", args=[meeting.pk]), {"reason": "Syg 070589-1234"}, follow=True
    ).content.decode()
    assert CPR_PLAIN in body and "børnegruppen" not in body
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def _token_in(page) -> str:
    """The hidden token as the browser has it: from the page's HTML."""
    return re.search(r'name="client_token" value="([^"]+)"', page.content.decode()).group(1)


def test_save_back_and_save_again_keeps_one_draft(client, world):
    """Gem, the browser's Back button, Gem again: pages are never cached, so Back loads the form
    again (the browser fills in what was typed, not the hidden token). The token is in the
    page's address, so the page loaded again carries the same token and the second save answers
    with the draft the first made. A new form is a new token."""
    client.force_login(world.leader)
    opened = client.get(reverse("request_create"))
    assert opened.status_code == 302
    url = opened["Location"]
    assert url.startswith(reverse("request_create") + "?token=")
    page = client.get(url)
    assert page.status_code == 200 and page["Cache-Control"].count("no-store") == 1
    data = _form(world, client_token=_token_in(page))
    first = client.post(url, data)
    assert first.status_code == 302
    # Back: the same address, rendered anew.
    back = client.get(url)
    assert _token_in(back) == data["client_token"]
    data["client_token"] = _token_in(back)
    second = client.post(url, data, follow=True)
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "Formularen var allerede gemt; her er kladden, den blev til." in (
        second.content.decode()
    )
    assert InterventionRequest.objects.filter(created_by=world.leader).count() == 1
    # "Ny anmodning" again is another form: another token, another draft.
    other = client.get(reverse("request_create"))["Location"]
    assert other != url
    page = client.get(other)
    response = client.post(other, _form(world, client_token=_token_in(page)))
    assert response.status_code == 302 and response["Location"] != first["Location"]
    assert InterventionRequest.objects.filter(created_by=world.leader).count() == 2


def _first_after(day, wanted):
    while not wanted(day):
        day += timedelta(days=1)
    return day


def test_a_wished_start_on_a_holiday_or_a_weekend_is_refused_naming_the_day(client, world):
    client.force_login(world.leader)
    soon = timezone.localdate() + timedelta(days=2)
    holiday = _first_after(soon, lambda d: d.weekday() < 5 and bool(holiday_name(d)))
    saturday = _first_after(soon, lambda d: d.weekday() == 5)
    response = client.post(
        reverse("request_create"),
        _form(world, wished_start=holiday.isoformat(), need="Uro ved frokosten."),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{holiday:%d.%m.%Y} er en helligdag ({holiday_name(holiday)}); vælg en arbejdsdag." in (
        body
    )
    assert "Uro ved frokosten." in body
    req = make_request(world)
    response = client.post(
        reverse("request_edit", args=[req.pk]),
        _form(world, wished_start=saturday.isoformat(), need="Konflikter ved garderoben."),
    )
    body = response.content.decode()
    assert f"{saturday:%d.%m.%Y} er en weekenddag; vælg en arbejdsdag." in body
    assert "Konflikter ved garderoben." in body
    req.refresh_from_db()
    assert req.wished_start != saturday
    assert InterventionRequest.objects.count() == 1


def test_a_kept_wished_start_on_a_holiday_or_a_weekend_is_refused_on_any_save(client, world):
    """A request saved before the rule (or by a service) keeps its day until the leader saves
    the form again: then a day ahead that is no working day is refused, as a new one is."""
    client.force_login(world.leader)
    soon = timezone.localdate() + timedelta(days=2)
    holiday = _first_after(soon, lambda d: d.weekday() < 5 and bool(holiday_name(d)))
    sunday = _first_after(soon, lambda d: d.weekday() == 6)
    for day, message in (
        (holiday, f"{holiday:%d.%m.%Y} er en helligdag ({holiday_name(holiday)}); vælg en"),
        (sunday, f"{sunday:%d.%m.%Y} er en weekenddag; vælg en arbejdsdag."),
    ):
        req = make_request(world)
        InterventionRequest.objects.filter(pk=req.pk).update(wished_start=day)
        edit = reverse("request_edit", args=[req.pk])
        response = client.post(
            edit, _form(world, wished_start=day.isoformat(), need="Uro ved frokosten.")
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert message in body
        assert "Uro ved frokosten." in body
        req.refresh_from_db()
        assert req.need != "Uro ved frokosten."
    # A day that has passed is the request's history: saving the rest of the form keeps it.
    saturday_past = timezone.localdate() - timedelta(days=1)
    while saturday_past.weekday() != 5:
        saturday_past -= timedelta(days=1)
    req = make_request(world)
    InterventionRequest.objects.filter(pk=req.pk).update(wished_start=saturday_past)
    response = client.post(
        reverse("request_edit", args=[req.pk]),
        _form(world, wished_start=saturday_past.isoformat(), need="Uro ved frokosten."),
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.wished_start, req.need) == (saturday_past, "Uro ved frokosten.")


def test_the_leader_answers_the_administrations_question_in_a_field_of_its_own(client, world):
    req = make_request(world, submit=True)
    services.request_ask_info(
        actor=world.administrator, request_id=req.pk, question="Hvor mange voksne er der?"
    )
    client.force_login(world.leader)
    edit = reverse("request_edit", args=[req.pk])
    assert "Dit svar på forvaltningens spørgsmål" in client.get(edit).content.decode()
    # The CPR guard and the length limit, keeping what else was typed.
    body = client.post(
        edit, _form(world, answer="Barnet 010203-1234", need="Uro i små grupper.")
    ).content.decode()
    assert "CPR" in body and "Uro i små grupper." in body
    body = client.post(edit, _form(world, answer="x" * 2001)).content.decode()
    assert "Højst 2000 tegn (du har skrevet 2001)." in body
    assert not req.events.filter(kind=EventKind.INFO_GIVEN).exists()
    answer = "To voksne om formiddagen; tirsdag og torsdag passer bedst."
    assert client.post(edit, _form(world, answer=answer)).status_code == 302
    # Saved again unchanged, the answer is kept once; the form shows it to be changed.
    assert answer in client.get(edit).content.decode()
    assert client.post(edit, _form(world, answer=answer)).status_code == 302
    given = req.events.filter(kind=EventKind.INFO_GIVEN)
    assert [e.message for e in given] == [answer] and given.get().actor == world.leader
    history = client.get(reverse("request_detail", args=[req.pk])).content.decode()
    assert "Forvaltningens spørgsmål besvaret" in history and answer in history
    # The administration reads it beside its question.
    client.force_login(world.administrator)
    services.request_submit(actor=world.leader, request_id=req.pk)
    body = client.get(reverse("triage_detail", args=[req.pk])).content.decode()
    assert "Spørgsmål til lederen og svaret" in body
    assert body.index("Hvor mange voksne er der?") < body.index(answer)


def test_a_request_sent_back_offers_submit_again_once_the_question_is_answered(client, world):
    req = make_request(world, submit=True)
    services.request_ask_info(
        actor=world.administrator, request_id=req.pk, question="Hvor mange voksne er der?"
    )
    client.force_login(world.leader)
    detail = reverse("request_detail", args=[req.pk])
    submit = reverse("request_submit", args=[req.pk])
    unanswered = (
        "Forvaltningens spørgsmål (se historikken nedenfor) er ikke besvaret endnu. Tryk på "
        "“Ret”, skriv dit svar i feltet “Dit svar på forvaltningens spørgsmål”, og gem; "
        "indsend derefter anmodningen igen."
    )
    # The page points to "Ret" and the answer field instead of offering "Indsend igen".
    page = client.get(detail).content.decode()
    assert unanswered in page and "Indsend igen" not in page
    assert reverse("request_edit", args=[req.pk]) in page and submit not in page
    # A page from before the question (another tab) posts anyway: refused, with the same words.
    page = client.post(submit, follow=True).content.decode()
    assert unanswered in page and "Anmodningen er indsendt" not in page
    req.refresh_from_db()
    assert req.status == RequestStatus.NEEDS_INFO
    edit = reverse("request_edit", args=[req.pk])
    assert client.post(edit, _form(world, answer="To voksne.")).status_code == 302
    page = client.get(detail).content.decode()
    assert unanswered not in page and "Indsend igen" in page
    page = client.post(submit, follow=True).content.decode()
    assert "Anmodningen er indsendt" in page
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


@pytest.mark.parametrize("kind", ["weekend", "holiday"])
def test_an_intake_meeting_is_not_planned_or_moved_onto_a_weekend_or_a_holiday(client, world, kind):
    req = make_request(world, submit=True)
    accept(world, req)
    today = timezone.localdate()
    if kind == "weekend":
        day = today + timedelta(days=3)
        while day.weekday() != 6:
            day += timedelta(days=1)
    else:
        day = today.replace(month=12, day=24)
        if day <= today:
            day = day.replace(year=today.year + 1)
    client.force_login(world.administrator)
    form = {
        "date": day.isoformat(),
        "start": "09:00",
        "end": "10:00",
        "place": "Stuen",
        "participants": [world.leader.pk],
    }
    response = client.post(reverse("meeting_create", args=[req.pk]), form)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [not_a_working_day(day)]
    assert "Stuen" in response.content.decode()
    assert not req.meetings.exists()
    meeting = plan_meeting(world, req)
    response = client.post(reverse("meeting_edit", args=[meeting.pk]), form)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [not_a_working_day(day)]
    moved = req.meetings.get()
    assert (moved.starts_at, moved.sequence) == (meeting.starts_at, meeting.sequence)


PLAIN_CPR = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."


@pytest.mark.parametrize(
    ("field", "typed"), [("contact_name", "Lene 010190-1234"), ("contact_phone", "010190-1234")]
)
def test_a_cpr_number_in_the_contact_gets_the_plain_message(client, world, field, typed):
    """The contact is a person of the institution, not the children's group: no advice about
    describing the learning environment."""
    client.force_login(world.leader)
    response = client.post(reverse("request_create"), _form(world, **{field: typed}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [PLAIN_CPR]
    assert "beskriv børnegruppen" not in response.content.decode()
    assert InterventionRequest.objects.count() == 0


@pytest.mark.parametrize("hours", ["0", "0,2", "49", "100"])
def test_triage_says_the_limits_of_the_hours_a_week(client, world, hours):
    """Not Django's "Denne værdi skal være større end eller lig 0,25": the field's own words
    with both limits."""
    req = make_request(world, submit=True)
    client.force_login(world.administrator)
    data = {"pedagogists": [world.pedagogist.pk], "weekly_hours": hours}
    response = client.post(reverse("triage_accept", args=[req.pk]), data)
    assert response.status_code == 200
    assert response.context["accept_form"].errors["weekly_hours"] == [
        "Timer om ugen skal være mellem 0,25 og 48."
    ]
    assert "Denne værdi skal" not in response.content.decode()
