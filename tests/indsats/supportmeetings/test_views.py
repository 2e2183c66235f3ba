"""The visitation pages: who opens them, what the board shows, the access log of every read."""

import io
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    SupportDecision,
    SupportKind,
    SupportStatus,
    VisitationMeeting,
    VisitationMeetingStatus,
)
from indsats.support import periods
from indsats.supportmeetings.services import meeting_stamp
from institutioner.models import AccessAction, AccessLogEntry, Notification
from institutioner.workdays import is_working_day, not_a_working_day
from tests.indsats.helpers import next_clock_change
from tests.indsats.supportmeetings.helpers import begin, grant, make_application, plan


def _pdf_text(response) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def _item(app) -> AgendaItem:
    return AgendaItem.objects.get(application=app, status=AgendaItemStatus.WAITING)


@pytest.fixture
def board(world, consultant):
    app = make_application(world, child="Emil Eksempel", documents=2)
    meeting = plan(world, members=[consultant, world.administrator])
    return meeting, app


def _working_day(days: int):
    """The first working day `days` days ahead or after: no meeting is planned on a weekend or a
    public holiday."""
    day = timezone.localdate() + timedelta(days=days)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _outsiders(world):
    return [world.outsider, world.staff, world.pedagogist.user, world.leader]


def test_meeting_pages_are_404_outside_the_visitation(client, world, board):
    meeting, app = board
    names = [
        "visitation_meeting_detail",
        "visitation_meeting_agenda_pdf",
        "visitation_meeting_minutes_pdf",
        "visitation_meeting_ics",
        "visitation_meeting_edit",
    ]
    for user in _outsiders(world):
        client.force_login(user)
        assert client.get(reverse("visitation_meeting_list")).status_code == 404
        for name in names:
            assert client.get(reverse(name, args=[meeting.pk])).status_code == 404, name
        item = _item(app)
        response = client.post(
            reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
            {f"item{item.pk}-outcome": "rejected", f"item{item.pk}-reasons": "Nej."},
        )
        assert response.status_code == 404
    assert not SupportDecision.objects.exists()
    assert not AccessLogEntry.objects.filter(url_name__startswith="visitation").exists()


def test_the_consultant_reads_the_board_and_each_read_is_logged(client, world, consultant, board):
    meeting, app = board
    begin(meeting)
    client.force_login(consultant)
    response = client.get(reverse("visitation_meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Emil Eksempel" in body and "17. maj 2022" in body
    assert "Børnehuset Mariehønen" in body and "10,0" in body
    assert "ppv-0.pdf" in body and "ppv-1.pdf" in body
    assert "Begge forældremyndighedsindehavere" in body
    assert 'name="item' in body  # the decision form
    # The consultant decides but does not plan: no move, cancel or edit.
    assert reverse("visitation_meeting_edit", args=[meeting.pk]) not in body
    assert client.get(reverse("visitation_meeting_edit", args=[meeting.pk])).status_code == 404
    (row,) = AccessLogEntry.objects.filter(url_name="visitation_meeting_detail")
    assert row.user == consultant and row.action == AccessAction.VIEW
    assert row.object_id == str(meeting.pk) or int(row.object_id) == meeting.pk
    assert row.concerns == [world.leader.pk]
    assert row.also_shown == {"indsats.supportapplication": [app.pk]}
    # The list and the files.
    listing = client.get(reverse("visitation_meeting_list"))
    assert listing.status_code == 200 and "Emil" not in listing.content.decode()
    agenda = client.get(reverse("visitation_meeting_agenda_pdf", args=[meeting.pk]))
    assert agenda.status_code == 200
    (row,) = AccessLogEntry.objects.filter(url_name="visitation_meeting_agenda_pdf")
    assert row.action == AccessAction.DOWNLOAD and row.concerns == [world.leader.pk]
    assert row.also_shown == {"indsats.supportapplication": [app.pk]}
    # The minutes show the decided items only: none yet, so no child and nobody.
    minutes = client.get(reverse("visitation_meeting_minutes_pdf", args=[meeting.pk]))
    assert minutes.status_code == 200
    (row,) = AccessLogEntry.objects.filter(url_name="visitation_meeting_minutes_pdf")
    assert row.action == AccessAction.DOWNLOAD and row.concerns == [] and row.also_shown is None


def test_the_agenda_and_minutes_pdfs(client, world, board):
    meeting, app = board
    client.force_login(world.administrator)
    agenda = _pdf_text(client.get(reverse("visitation_meeting_agenda_pdf", args=[meeting.pk])))
    assert "Dagsorden" in agenda and "Emil Eksempel" in agenda and "17.05.2022" in agenda
    assert "Børnehuset Mariehønen" in agenda and "Ny ansøgning" in agenda
    assert "Kompenserende støtte (støttetimer)" in agenda
    minutes = _pdf_text(client.get(reverse("visitation_meeting_minutes_pdf", args=[meeting.pk])))
    assert "Ingen afgørelser endnu" in minutes
    grant(world, _item(app), reasons="Betydeligt støttebehov dokumenteret.")
    minutes = _pdf_text(client.get(reverse("visitation_meeting_minutes_pdf", args=[meeting.pk])))
    assert "Bevilget" in minutes and "Betydeligt støttebehov dokumenteret." in minutes
    assert "8,5" in minutes or "8.5" in minutes


def test_the_calendar_download(client, world, board):
    meeting, _app = board
    client.force_login(world.administrator)
    response = client.get(reverse("visitation_meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode().replace("\r\n ", "")
    assert f"UID:{meeting.uid}@visitation" in text and "SEQUENCE:0" in text
    assert "METHOD:REQUEST" in text and "Sara Småbørnskonsulent" in text
    assert "Emil" not in text
    assert AccessLogEntry.objects.filter(url_name="visitation_meeting_ics").count() == 1


def test_deciding_on_the_board(client, world, consultant, board):
    meeting, app = board
    begin(meeting)
    item = _item(app)
    client.force_login(consultant)
    url = reverse("agenda_item_decide", args=[meeting.pk, item.pk])
    prefix = f"item{item.pk}-"
    # Bad input: the board again, with the message and what was typed.
    response = client.post(
        url, {prefix + "outcome": "granted", prefix + "reasons": "Mit begrundede skøn."}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mit begrundede skøn." in body and "genvisitationsdato" in body
    assert not SupportDecision.objects.exists()
    # The board shown again shows every child on it: that answer is logged like the board.
    row = AccessLogEntry.objects.get(url_name="agenda_item_decide")
    assert row.user == consultant and row.action == AccessAction.VIEW
    assert row.object_id == meeting.pk and row.concerns == [world.leader.pk]
    today = timezone.localdate()
    data = {
        prefix + "outcome": "granted",
        prefix + "hours_per_week": "7,5",
        prefix + "period_start": (today + timedelta(days=10)).isoformat(),
        prefix + "period_end": (today + timedelta(days=200)).isoformat(),
        prefix + "revisit_on": (today + timedelta(days=150)).isoformat(),
        prefix + "reasons": "Støttebehovet er dokumenteret.",
    }
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(
        r"invalid-feedback[^>]*>(.{0,200})", response.content.decode(), re.S
    )
    # A saved decision redirects: it shows nothing, so no second row.
    assert AccessLogEntry.objects.filter(url_name="agenda_item_decide").count() == 1
    app.refresh_from_db()
    assert app.status == SupportStatus.GRANTED
    # The same form again (a second member, a second tab): a message, not a second decision.
    # (What was typed is kept beside the decision: test_a_decision_typed_while_another_tab_...)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "decision-not-saved" in response.content.decode()
    assert SupportDecision.objects.count() == 1
    # The decision letter: for the institution's leader and the visitation; logged.
    decision = SupportDecision.objects.get()
    letter_url = reverse("support_decision_letter", args=[decision.pk])
    for user, status in [
        (world.leader, 200),
        (consultant, 200),
        (world.administrator, 200),
        (world.staff, 404),
        (world.pedagogist.user, 404),
        (world.outsider, 404),
    ]:
        client.force_login(user)
        assert client.get(letter_url).status_code == status, user
    client.force_login(world.leader)
    text = _pdf_text(client.get(letter_url))
    assert "Demo Kommune" in text or "Kommune" in text
    assert "Emil Eksempel" in text and "17.05.2022" in text
    assert "7,5" in text or "7.5" in text
    assert "Støttebehovet er dokumenteret." in text and "Bevilget" in text
    assert (today + timedelta(days=150)).strftime("%d.%m.%Y") in text
    rows = AccessLogEntry.objects.filter(url_name="support_decision_letter")
    assert rows.count() == 4 and all(r.action == AccessAction.DOWNLOAD for r in rows)
    assert all(r.concerns == [world.leader.pk] for r in rows)


def test_the_log_finds_the_board_its_files_and_the_letter_under_each_application(
    client, world, consultant
):
    """QA: the board, its PDFs and a decision letter show the children's names and birth dates,
    but the access log filtered by an application found none of these reads (they were logged
    under the meeting or the decision only). A parent asking who has seen their child's data is
    answered from the filter by the application."""
    emil = make_application(world, child="Emil Eksempel")
    ida = make_application(world, child="Ida Iversen", institution=world.outsider_institution)
    meeting = plan(world, members=[consultant, world.administrator])
    client.force_login(consultant)
    board = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    assert "Emil Eksempel" in board and "Ida Iversen" in board
    for name in ("visitation_meeting_agenda_pdf", "visitation_meeting_minutes_pdf"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200
    grant(world, _item(emil))
    minutes = reverse("visitation_meeting_minutes_pdf", args=[meeting.pk])
    assert "Emil Eksempel" in _pdf_text(client.get(minutes))
    decision = SupportDecision.objects.get(application=emil)
    assert client.get(reverse("support_decision_letter", args=[decision.pk])).status_code == 200

    client.force_login(world.administrator)

    def pages(app) -> list[str]:
        response = client.get(
            reverse("access_log_search"),
            {"object_type": "indsats.supportapplication", "object_id": app.pk},
        )
        assert response.status_code == 200
        return sorted(row["entry"].url_name for row in response.context["rows"])

    assert pages(emil) == [
        "support_decision_letter",
        "visitation_meeting_agenda_pdf",
        "visitation_meeting_detail",
        # The minutes before the decision showed no child; after it, Emil.
        "visitation_meeting_minutes_pdf",
    ]
    assert pages(ida) == ["visitation_meeting_agenda_pdf", "visitation_meeting_detail"]
    # Each row still names the leaders whose applications it showed.
    row = AccessLogEntry.objects.get(url_name="visitation_meeting_detail")
    assert row.concerns == sorted([world.leader.pk, world.outsider.pk])
    assert row.also_shown == {"indsats.supportapplication": sorted([emil.pk, ida.pk])}


def test_the_board_opens_the_decision_form_when_the_meeting_begins(
    client, world, consultant, board
):
    meeting, app = board
    item = _item(app)
    start = timezone.localtime(meeting.starts_at)
    when = f"{start:%d.%m.%Y} kl. {start:%H:%M}"
    client.force_login(consultant)
    body = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    assert 'class="mt-2 decision-form"' not in body and f'name="item{item.pk}-outcome"' not in body
    assert f"formularen åbner, når det begynder, {when}." in body
    # A form posted all the same (an old tab): a message, no decision, nobody told.
    prefix = f"item{item.pk}-"
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {prefix + "outcome": "rejected", prefix + "reasons": "Nej."},
        follow=True,
    )
    assert f"Mødet er ikke begyndt endnu; dets afgørelser kan gemmes fra {when}." in (
        response.content.decode()
    )
    assert not SupportDecision.objects.exists()
    assert not Notification.objects.filter(template="support_decided").exists()
    begin(meeting)
    body = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    assert f'name="item{item.pk}-outcome"' in body and "formularen åbner" not in body


def test_applications_are_numbered_with_nr_not_a_hash(client, world, consultant, board):
    meeting, app = board
    begin(meeting)
    client.force_login(consultant)
    board_page = client.get(reverse("visitation_meeting_detail", args=[meeting.pk]))
    assert f"Ansøgning nr. {app.pk}" in board_page.content.decode()
    assert f"#{app.pk}" not in board_page.content.decode()
    agenda = _pdf_text(client.get(reverse("visitation_meeting_agenda_pdf", args=[meeting.pk])))
    assert f"Ansøgning nr. {app.pk}" in agenda and "#" not in agenda
    item = _item(app)
    prefix = f"item{item.pk}-"
    today = timezone.localdate()
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {
            prefix + "outcome": "granted",
            prefix + "hours_per_week": "7,5",
            prefix + "period_start": (today + timedelta(days=10)).isoformat(),
            prefix + "period_end": (today + timedelta(days=200)).isoformat(),
            prefix + "revisit_on": (today + timedelta(days=150)).isoformat(),
            prefix + "reasons": "Støttebehovet er dokumenteret.",
        },
        follow=True,
    )
    assert f"Afgørelsen på ansøgning nr. {app.pk} er gemt" in response.content.decode()
    decision = SupportDecision.objects.get()
    letter = _pdf_text(client.get(reverse("support_decision_letter", args=[decision.pk])))
    assert f"Ansøgning nr. {app.pk}" in letter and "#" not in letter
    (told,) = Notification.objects.filter(template="support_decided")
    assert f"nr. {app.pk}" in told.subject and "#" not in told.subject + told.body_text
    client.force_login(world.leader)
    listing = client.get(reverse("support_list")).content.decode()
    assert f">{app.pk}</a>" in listing and f"#{app.pk}" not in listing


def test_the_team_pedagogist_added_to_the_case_gets_the_letter_not_the_board(client, world, board):
    meeting, app = board
    app.added_people.add(world.pedagogist.user)
    decision = grant(world, _item(app))
    client.force_login(world.pedagogist.user)
    assert client.get(reverse("support_decision_letter", args=[decision.pk])).status_code == 200
    assert client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).status_code == 404


def test_the_administration_plans_moves_cancels_and_marks_held(client, world, consultant):
    app = make_application(world)
    client.force_login(world.administrator)
    day = _working_day(20)
    form = {
        "date": day.isoformat(),
        "start": "09:00",
        "end": "11:00",
        "place": "Rådhuset",
        "application_deadline": (day - timedelta(days=7)).isoformat(),
        "members": [consultant.pk],
        "client_token": str(uuid.uuid4()),
    }
    # A deadline after the meeting: the form again, with everything typed.
    bad = client.post(
        reverse("visitation_meeting_create"),
        {**form, "application_deadline": (day + timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 200 and "Rådhuset" in bad.content.decode()
    assert "Ansøgningsfristen skal ligge før mødet." in bad.content.decode()
    response = client.post(reverse("visitation_meeting_create"), form)
    meeting = VisitationMeeting.objects.get()
    assert response.status_code == 302
    assert _item(app).meeting == meeting
    second = client.post(
        reverse("visitation_meeting_create"),
        {
            **form,
            "date": _working_day(40).isoformat(),
            "client_token": str(uuid.uuid4()),
        },
    )
    assert second.status_code == 302
    later = VisitationMeeting.objects.exclude(pk=meeting.pk).get()
    # Move the item, then cancel the first meeting (nothing left to move), mark held refused.
    item = _item(app)
    client.post(reverse("agenda_item_move", args=[meeting.pk, item.pk]), {"meeting": later.pk})
    assert _item(app).meeting == later
    response = client.post(reverse("visitation_meeting_held", args=[later.pk]), follow=True)
    assert "ikke begyndt" in response.content.decode()
    client.post(reverse("visitation_meeting_cancel", args=[later.pk]), {"reason": "Sygdom"})
    later.refresh_from_db()
    assert later.status == VisitationMeetingStatus.CANCELLED
    assert _item(app).meeting == meeting  # back to the only planned meeting
    # Changing it sends updated invitations.
    response = client.post(
        reverse("visitation_meeting_edit", args=[meeting.pk]), {**form, "place": "Biblioteket"}
    )
    meeting.refresh_from_db()
    assert response.status_code == 302 and meeting.place == "Biblioteket"
    assert meeting.sequence == 1


def test_the_decision_forms_hours_message_writes_a_decimal_comma(client, world, consultant, board):
    meeting, app = board
    begin(meeting)
    item = _item(app)
    prefix = f"item{item.pk}-"
    client.force_login(consultant)
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {prefix + "outcome": "granted", prefix + "hours_per_week": "0,2", prefix + "reasons": "X"},
    )
    body = response.content.decode()
    assert "mindst 0,5" in body and "0.5" not in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1000", "Timerne om ugen kan højst være 40."),
        ("40,05", "Timerne om ugen kan højst være 40."),
        ("7,55", None),
        ("mange", "Skriv timerne som et tal, fx 7,5."),
    ],
)
def test_the_decision_forms_hours_get_one_message(client, world, consultant, board, typed, message):
    meeting, app = board
    begin(meeting)
    item = _item(app)
    prefix = f"item{item.pk}-"
    client.force_login(consultant)
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {prefix + "outcome": "granted", prefix + "hours_per_week": typed, prefix + "reasons": "X"},
    )
    (errors,) = [
        form.errors.get("hours_per_week", [])
        for form in (i.decision_form for i in response.context["items"])
        if form is not None and form.is_bound
    ]
    if message is None:
        assert len(errors) == 1 and "cifre" not in errors[0]  # one message: the decimals
    else:
        assert errors == [message]
    assert not SupportDecision.objects.exists()


def test_planning_twice_with_the_same_form_plans_one_meeting(client, world, consultant):
    make_application(world)
    client.force_login(world.administrator)
    page = client.get(reverse("visitation_meeting_create"))
    token = page.context["form"].initial["client_token"]
    day = _working_day(20)
    form = {
        "date": day.isoformat(),
        "start": "09:00",
        "end": "11:00",
        "place": "Rådhuset",
        "application_deadline": (day - timedelta(days=7)).isoformat(),
        "members": [consultant.pk],
        "client_token": str(token),
    }
    first = client.post(reverse("visitation_meeting_create"), form)
    second = client.post(reverse("visitation_meeting_create"), form)
    meeting = VisitationMeeting.objects.get()
    assert first["Location"] == second["Location"] == meeting.get_absolute_url()
    assert Notification.objects.filter(template="visitation_planned").count() == 1
    assert AgendaItem.objects.count() == 1
    # A form without a readable token: a message, what was typed kept, and no meeting.
    broken = client.post(reverse("visitation_meeting_create"), {**form, "client_token": "x"})
    assert broken.status_code == 200
    body = broken.content.decode()
    assert "Formularen kunne ikke læses helt" in body and "Rådhuset" in body
    assert VisitationMeeting.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [("Flyttet pga. 070589-1234", "CPR"), ("x" * 501, "Højst 500 tegn")],
)
def test_a_refused_cancel_reason_is_kept_beside_its_message(client, world, board, reason, message):
    meeting, _app = board
    client.force_login(world.administrator)
    response = client.post(
        reverse("visitation_meeting_cancel", args=[meeting.pk]), {"reason": reason}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and reason in body
    assert re.search(r'<details class="mt-4" id="cancel" open>', body)
    meeting.refresh_from_db()
    assert meeting.status == VisitationMeetingStatus.PLANNED
    # The board shown again is logged like the board.
    assert AccessLogEntry.objects.get(url_name="visitation_meeting_cancel").object_id == meeting.pk


@pytest.mark.parametrize(
    ("forward", "start", "end", "field", "message"),
    [
        (True, "02:30", "03:30", "start", "findes ikke den {day}: uret stilles en time frem"),
        (True, "01:00", "02:15", "end", "findes ikke den {day}: uret stilles en time frem"),
        (False, "02:30", "03:30", "start", "kommer to gange den {day}: uret stilles en time"),
    ],
)
def test_a_meeting_at_a_time_the_clock_change_skips_or_repeats_is_told_so(
    client, world, consultant, forward, start, end, field, message
):
    day = next_clock_change(forward)
    client.force_login(world.administrator)
    form = {
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "place": "Rådhuset",
        "application_deadline": (day - timedelta(days=7)).isoformat(),
        "members": [consultant.pk],
        "client_token": str(uuid.uuid4()),
    }
    response = client.post(reverse("visitation_meeting_create"), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    expected = message.format(day=day.strftime("%d.%m.%Y"))
    assert expected in " ".join(errors[field]), errors
    assert "skal slutte, efter det er begyndt" not in response.content.decode()
    assert not VisitationMeeting.objects.exists()
    # Outside the hour that night the times are right; the clocks change on a Sunday, so the day
    # is refused as a weekend day, and the next working day is planned as usual.
    response = client.post(
        reverse("visitation_meeting_create"), {**form, "start": "09:00", "end": "10:00"}
    )
    assert set(response.context["form"].errors) == {"date"}
    monday = day + timedelta(days=1)
    while not is_working_day(monday):
        monday += timedelta(days=1)
    response = client.post(
        reverse("visitation_meeting_create"),
        {**form, "date": monday.isoformat(), "start": "09:00", "end": "10:00"},
    )
    assert response.status_code == 302, response.context["form"].errors
    meeting = VisitationMeeting.objects.get()
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=1)


CPR_PLAIN = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."


def test_the_cpr_message_on_the_place_and_the_cancel_reason_fits_them(
    client, world, consultant, board
):
    meeting, _app = board
    client.force_login(world.administrator)
    day = _working_day(20)
    form = {
        "date": day.isoformat(),
        "start": "09:00",
        "end": "11:00",
        "place": "Lokale 070589-1234",
        "application_deadline": (day - timedelta(days=7)).isoformat(),
        "members": [consultant.pk],
    }
    for url in (
        reverse("visitation_meeting_create"),
        reverse("visitation_meeting_edit", args=[meeting.pk]),
    ):
        body = client.post(url, form).content.decode()
        assert CPR_PLAIN in body and "børnegruppen" not in body, url
    response = client.post(
        reverse("visitation_meeting_cancel", args=[meeting.pk]), {"reason": "Syg 070589-1234"}
    )
    body = response.content.decode()
    assert CPR_PLAIN in body and "børnegruppen" not in body
    # The model's own guard (Stamdata, full_clean) says the same.
    meeting.place = "070589-1234"
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["place"] == [CPR_PLAIN]
    assert VisitationMeeting.objects.count() == 1


def test_the_revisit_button_puts_a_case_on_the_agenda(client, world, board):
    _meeting, app = board
    grant(
        world,
        _item(app),
        period_start=timezone.localdate() + timedelta(days=14),
        revisit_on=timezone.localdate() + timedelta(days=20),
    )
    other = plan(world, days=30, deadline_days=20)
    client.force_login(world.administrator)
    body = client.get(reverse("visitation_meeting_detail", args=[other.pk])).content.decode()
    assert "Sæt til genvisitation" in body
    client.post(reverse("visitation_revisit_place", args=[other.pk]), {"application": app.pk})
    item = _item(app)
    assert item.meeting == other and item.purpose == "revisit"
    response = client.post(
        reverse("visitation_revisit_place", args=[other.pk]), {"application": app.pk}, follow=True
    )
    assert "allerede på en dagsorden" in response.content.decode()


def test_the_menu_and_the_start_page(client, world, consultant, board):
    _meeting, _app = board
    client.force_login(consultant)
    body = client.get(reverse("start")).content.decode()
    assert "Visitationsmøder" in body and "Næste visitationsmøde" in body
    assert "1 ansøgning på dagsordenen" in body
    for user in (world.leader, world.staff, world.pedagogist.user):
        client.force_login(user)
        body = client.get(reverse("start")).content.decode()
        assert "Visitationsmøder" not in body and "Næste visitationsmøde" not in body


@pytest.mark.parametrize("extra", [1, 5])
def test_the_board_runs_a_constant_number_of_queries(client, world, consultant, extra):
    for number in range(extra):
        make_application(world, child=f"Barn Nummer{number}", documents=2)
    meeting = plan(world, members=[consultant])
    plan(world, days=40, deadline_days=10)  # a meeting to move to
    first = AgendaItem.objects.filter(meeting=meeting).first()
    grant(world, first)
    client.force_login(world.administrator)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    shown = set(re.findall(r"Barn Nummer(\d+)", body))
    assert shown == {str(n) for n in range(extra)}
    assert body.count("ppv-1.pdf") == extra
    # 14: the grants of the cases (a re-visitation shows the one in force) are one query.
    assert len(queries.captured_queries) == 14, [q["sql"][:80] for q in queries.captured_queries]


def test_the_list_shows_coming_meetings_first_then_past_ones_newest_first(
    client, world, consultant, monkeypatch
):
    from institutioner import paging

    soon = plan(world, days=5, deadline_days=2)
    later = plan(world, days=30, deadline_days=20)
    old = plan(world, days=3, deadline_days=1)
    older = plan(world, days=2, deadline_days=1)
    now = timezone.now()
    VisitationMeeting.objects.filter(pk=old.pk).update(
        starts_at=now - timedelta(days=10), ends_at=now - timedelta(days=10, hours=-1)
    )
    VisitationMeeting.objects.filter(pk=older.pk).update(
        starts_at=now - timedelta(days=40), ends_at=now - timedelta(days=40, hours=-1)
    )
    monkeypatch.setattr(paging, "PER_PAGE", 3)
    client.force_login(consultant)
    pages = []
    for number in (1, 2):
        body = client.get(reverse("visitation_meeting_list"), {"side": number}).content.decode()
        pages.append([int(pk) for pk in re.findall(r'href="/stoette/moeder/(\d+)/"', body)])
    assert pages == [[soon.pk, later.pk, old.pk], [older.pk]]
    (row,) = AccessLogEntry.objects.filter(url_name="visitation_meeting_list", user=consultant)[:1]
    assert row.action == AccessAction.SEARCH


def test_a_question_takes_it_off_to_wait_for_more_information(client, world, consultant, board):
    from indsats.support import services as support_services

    meeting, app = board
    item = _item(app)
    support_services.support_ask(actor=consultant, application_id=app.pk, question="Hvor længe?")
    client.force_login(consultant)
    body = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    assert "Taget af (venter på flere oplysninger)" in body and "trukket tilbage" not in body
    prefix = f"item{item.pk}-"
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {prefix + "outcome": "rejected", prefix + "reasons": "Nej."},
        follow=True,
    )
    body = response.content.decode()
    assert "taget af dagsordenen for at vente på flere oplysninger" in body
    assert "trukket tilbage" not in body
    client.force_login(world.leader)
    body = client.get(reverse("support_detail", args=[app.pk])).content.decode()
    assert "Taget af (venter på flere oplysninger)" in body and "trukket tilbage" not in body


def test_state_errors_on_the_board_are_messages(client, world, consultant, board):
    meeting, app = board
    later = plan(world, days=30, deadline_days=20)
    item = _item(app)
    client.force_login(world.administrator)
    client.post(reverse("agenda_item_move", args=[meeting.pk, item.pk]), {"meeting": later.pk})
    # The old item, decided from a board left open: a message, no decision.
    prefix = f"item{item.pk}-"
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {prefix + "outcome": "rejected", prefix + "reasons": "Nej."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Ansøgningen er flyttet til et andet møde." in response.content.decode()
    # What was typed is kept above the agenda (the item is no longer on it).
    assert re.search(
        r"decision-not-saved.*readonly>Nej\.</textarea>", response.content.decode(), re.S
    )
    # The new item, decided on the wrong meeting's board.
    new = _item(app)
    prefix = f"item{new.pk}-"
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, new.pk]),
        {prefix + "outcome": "rejected", prefix + "reasons": "Nej."},
        follow=True,
    )
    assert "ikke på dette mødes dagsorden" in response.content.decode()
    # Cancelling twice.
    client.post(reverse("visitation_meeting_cancel", args=[meeting.pk]))
    response = client.post(reverse("visitation_meeting_cancel", args=[meeting.pk]), follow=True)
    assert "Mødet er allerede aflyst." in response.content.decode()
    assert not SupportDecision.objects.exists()


def test_long_danish_labels_on_the_board_hyphenate(client, world, consultant, board):
    """'Forældremyndighedsindehavernes samtykke' broke mid-word without a hyphen in the
    board's narrow label column: the page is Danish and the labels hyphenate."""
    from pathlib import Path

    from django.conf import settings

    meeting, _app = board
    client.force_login(consultant)
    body = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    assert '<html lang="da">' in body
    assert re.search(r'<dt class="col-sm-3">\s*Forældremyndighedsindehavernes samtykke', body)
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    rule = re.search(r"^dl dt[^{]*\{([^}]*)\}", css, re.M)
    assert rule and "hyphens: auto" in rule.group(1)


def test_a_refused_period_is_told_beside_its_field_and_kept(client, world, consultant, board):
    meeting, app = board
    begin(meeting)
    item = _item(app)
    prefix = f"item{item.pk}-"
    day = timezone.localdate(meeting.starts_at)
    typed_start, typed_end = day - timedelta(days=3), day + timedelta(days=3 * 365)
    client.force_login(consultant)
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {
            prefix + "outcome": "granted",
            prefix + "hours_per_week": "7,5",
            prefix + "period_start": typed_start.isoformat(),
            prefix + "period_end": typed_end.isoformat(),
            prefix + "revisit_on": (day + timedelta(days=150)).isoformat(),
            prefix + "reasons": "Støttebehovet er dokumenteret.",
        },
    )
    assert response.status_code == 200
    (form,) = [
        i.decision_form
        for i in response.context["items"]
        if i.decision_form is not None and i.decision_form.is_bound
    ]
    assert form.errors["period_start"] == [
        f"En bevilling kan ikke starte før mødets dag ({day:%d.%m.%Y})."
    ]
    assert form.errors["period_end"] == ["Perioden kan højst være to år."]
    body = response.content.decode()
    assert f'value="{typed_start.isoformat()}"' in body
    assert f'value="{typed_end.isoformat()}"' in body and "Støttebehovet er dokumenteret." in body
    assert not SupportDecision.objects.exists()


def test_the_board_prefills_a_grant_from_the_meetings_day(client, world, consultant):
    from indsats.supportmeetings.forms import DecisionForm

    # Applied for from a week ago (an application may start up to three months back).
    app = make_application(world, period_start=timezone.localdate() - timedelta(days=7))
    meeting = begin(plan(world))
    form = DecisionForm(item=_item(app))
    assert form.initial["period_start"] == timezone.localdate(meeting.starts_at)
    assert form.initial["period_end"] == app.period_end


@pytest.mark.parametrize(
    ("kind", "title", "says", "never"),
    [
        (
            "stendalen",
            "Afgørelse om plads i Stendalen",
            "Barnet visiteres til pladsen i perioden ovenfor.",
            "Timerne bevilges",
        ),
        ("i_place", "Afgørelse om I-plads", "Pladsen genvisiteres", "kompenserende støtte"),
        ("double_place", "Afgørelse om dobbeltplads", "til pladsen", "Timerne"),
        (
            "support_hours",
            "Afgørelse om kompenserende støtte",
            "Timerne bevilges til institutionen og leveres af dens eget personale.",
            "pladsen",
        ),
    ],
)
def test_the_decision_letter_speaks_of_what_was_granted(
    client, world, consultant, kind, title, says, never
):
    hours = Decimal("7.5") if kind == "support_hours" else None
    app = make_application(world, kind=kind, hours_per_week=hours and Decimal("10"))
    plan(world)
    decision = grant(world, _item(app), hours_per_week=hours)
    client.force_login(world.leader)
    letter = client.get(reverse("support_decision_letter", args=[decision.pk]))
    text = " ".join(_pdf_text(letter).split())
    assert title in text and says in text
    assert never not in text
    assert ("Støttetimer om ugen" in text) == (kind == "support_hours")


@pytest.mark.parametrize("kind", ["weekend", "holiday"])
def test_a_visitation_meeting_is_not_planned_or_moved_onto_a_weekend_or_a_holiday(
    client, world, consultant, kind
):
    today = timezone.localdate()
    if kind == "weekend":
        day = _working_day(10)
        while day.weekday() != 5:
            day += timedelta(days=1)
    else:
        day = today.replace(month=12, day=25)
        if day <= today + timedelta(days=8):
            day = day.replace(year=today.year + 1)
    client.force_login(world.administrator)
    form = {
        "date": day.isoformat(),
        "start": "09:00",
        "end": "11:00",
        "place": "Rådhuset",
        "application_deadline": (day - timedelta(days=7)).isoformat(),
        "members": [consultant.pk],
        "client_token": str(uuid.uuid4()),
    }
    response = client.post(reverse("visitation_meeting_create"), form)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [not_a_working_day(day)]
    assert "Rådhuset" in response.content.decode()
    assert not VisitationMeeting.objects.exists()
    meeting = plan(world, members=[consultant])
    edit = _edit_form_of(meeting, date=day.isoformat())
    response = client.post(reverse("visitation_meeting_edit", args=[meeting.pk]), edit)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [not_a_working_day(day)]
    moved = VisitationMeeting.objects.get()
    assert (moved.starts_at, moved.sequence) == (meeting.starts_at, meeting.sequence)


def _edit_form_of(meeting, **changes) -> dict:
    start = timezone.localtime(meeting.starts_at)
    return {
        "date": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": timezone.localtime(meeting.ends_at).strftime("%H:%M"),
        "place": meeting.place,
        "application_deadline": meeting.application_deadline.isoformat(),
        "members": [m.pk for m in meeting.members.all()],
        "stamp": meeting_stamp(meeting),
        **changes,
    }


def test_a_special_place_is_granted_without_hours(client, world, consultant):
    """The board has no hours field for a special place; hours given anyway (an old form, a
    direct call) are refused beside the field, as the application refuses them."""
    app = make_application(world, kind=SupportKind.I_PLACE, hours_per_week=None)
    meeting = begin(plan(world, members=[consultant]))
    item = _item(app)
    client.force_login(consultant)
    board_page = client.get(reverse("visitation_meeting_detail", args=[meeting.pk]))
    (form,) = [i.decision_form for i in board_page.context["items"] if i.decision_form]
    assert "hours_per_week" not in form.fields
    with translation.override("da"):
        message = periods.special_place_hours()
    with pytest.raises(ValidationError) as refused:
        grant(world, item, hours_per_week=Decimal("5"))
    assert refused.value.message_dict["hours_per_week"] == [message]
    assert not SupportDecision.objects.exists()
    decision = grant(world, item, hours_per_week=None)
    assert decision.hours_per_week is None


def test_the_letter_is_dated_names_the_meeting_once_and_a_partial_grant_what_was_applied_for(
    client, world
):
    app = make_application(world, hours_per_week=Decimal("10"))
    meeting = plan(world)
    decision = grant(world, _item(app), outcome="partly_granted", hours_per_week=Decimal("6"))
    meeting.refresh_from_db()
    client.force_login(world.leader)
    letter = client.get(reverse("support_decision_letter", args=[decision.pk]))
    text = " ".join(_pdf_text(letter).split())
    decided = timezone.localtime(decision.decided_at).date()
    assert f"Dato: {decided.day}. " in text
    assert f"Afgjort på {meeting}" in text or f"Afgjort på: {meeting}" in text
    assert f"{meeting} (" not in text  # the meeting's date once, not again in words
    asked = f"10,0 timer om ugen, {app.period_start:%d.%m.%Y}–{app.period_end:%d.%m.%Y}"
    assert f"Ansøgt omfang og periode {asked}" in text


def test_a_decision_typed_while_another_tab_decided_keeps_the_text(
    client, world, board, consultant
):
    """The consultant saves a decision while the administrator writes hers in another tab: her
    save is refused with who decided and when, and what she typed (valid or not) is shown
    again beside the saved decision, to copy; never a 500, never a second decision."""
    meeting, app = board
    begin(meeting)
    item = _item(app)
    url = reverse("agenda_item_decide", args=[meeting.pk, item.pk])
    prefix = f"item{item.pk}-"
    client.force_login(consultant)
    first = client.post(
        url, {prefix + "outcome": "rejected", prefix + "reasons": "Institutionens egne tiltag."}
    )
    assert first.status_code == 302
    decision = SupportDecision.objects.get()
    when = timezone.localtime(decision.decided_at)

    client.force_login(world.administrator)
    for data in (
        {prefix + "outcome": "rejected", prefix + "reasons": "Mine egne lange overvejelser."},
        # Not even valid (a grant with no period): still kept, still no 500.
        {prefix + "outcome": "granted", prefix + "reasons": "Mine egne lange overvejelser."},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        body = response.content.decode()
        [kept] = re.findall(r'<div class="alert[^"]*decision-not-saved".*?</div>', body, re.S)
        assert "Mine egne lange overvejelser." in kept
        assert consultant.name in kept
        assert when.strftime("%H:%M") in kept
        assert f"#{app.pk}" in kept
        assert "Institutionens egne tiltag." in body  # the decision that was saved
        assert SupportDecision.objects.count() == 1
        assert SupportDecision.objects.get().reasons == "Institutionens egne tiltag."
