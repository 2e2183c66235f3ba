"""The administration's side of the meetings: a change from a stale form, a cancellation or a
held meeting that says where the applications went, every refusal of a decision at once, and an
agenda placement the history does not pin on the leader."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    SupportDecision,
    SupportEvent,
    SupportEventKind,
    VisitationMeeting,
    VisitationMeetingStatus,
)
from indsats.support import services as support_services
from indsats.supportmeetings import services
from institutioner.errors import StateError
from institutioner.models import Notification
from institutioner.workdays import is_working_day
from tests.indsats.support import helpers as support_helpers
from tests.indsats.supportmeetings.helpers import begin, grant, make_application, plan


def _item(app) -> AgendaItem:
    return AgendaItem.objects.get(application=app, status=AgendaItemStatus.WAITING)


def _edit_form(meeting, **changes) -> dict:
    start = timezone.localtime(meeting.starts_at)
    data = {
        "date": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": timezone.localtime(meeting.ends_at).strftime("%H:%M"),
        "place": meeting.place,
        "application_deadline": meeting.application_deadline.isoformat(),
        "members": [m.pk for m in meeting.members.all()],
        "stamp": services.meeting_stamp(meeting),
    }
    data.update(changes)
    return data


def _stamp_in(body: str) -> str:
    return re.search(r'name="stamp" value="([^"]*)"', body).group(1)


# --- 1. Two tabs change the same meeting ----------------------------------------------------------


def test_a_change_from_a_stale_form_is_refused_keeps_what_was_typed_and_tells_nobody(
    client, world, consultant
):
    meeting = plan(world, members=[consultant, world.administrator], place="Rådhuset, lokale 3")
    client.force_login(world.administrator)
    url = reverse("visitation_meeting_edit", args=[meeting.pk])
    opened = client.get(url).content.decode()
    stamp = _stamp_in(opened)
    # Tab 1 changes the place and saves.
    first = client.post(url, _edit_form(meeting, place="Biblioteket", stamp=stamp))
    assert first.status_code == 302
    told = Notification.objects.filter(template="visitation_moved").count()
    assert told == 2
    # Tab 2, opened before, changes the start and saves.
    second = client.post(url, _edit_form(meeting, start="10:00", end="12:00", stamp=stamp))
    assert second.status_code == 200
    body = second.content.decode()
    assert "ændret af en anden, eller i en anden fane" in body
    assert "Biblioteket" in body  # the meeting as it is now
    assert 'value="10:00"' in body and 'value="Rådhuset, lokale 3"' in body  # what tab 2 typed
    assert "is-invalid" not in body
    meeting.refresh_from_db()
    assert meeting.place == "Biblioteket" and meeting.sequence == 1
    assert timezone.localtime(meeting.starts_at).hour == 9
    assert Notification.objects.filter(template="visitation_moved").count() == told
    # Saving again from the form shown (it knows the change now) is meant: it saves.
    again = client.post(url, _edit_form(meeting, start="10:00", end="12:00", stamp=_stamp_in(body)))
    assert again.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).hour == 10 and meeting.sequence == 2


def test_the_service_refuses_a_change_to_a_meeting_saved_since(world):
    meeting = plan(world)
    stamp = services.meeting_stamp(meeting)
    values = {
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "application_deadline": meeting.application_deadline,
        "members": [world.administrator],
    }
    services.meeting_move(
        actor=world.administrator,
        meeting_id=meeting.pk,
        place="Biblioteket",
        expected_stamp=stamp,
        **values,
    )
    with pytest.raises(services.MeetingChangedMeanwhile):
        services.meeting_move(
            actor=world.administrator,
            meeting_id=meeting.pk,
            place="Rådhuset",
            expected_stamp=stamp,
            **values,
        )
    meeting.refresh_from_db()
    assert meeting.place == "Biblioteket"


# --- 2. Cancelling: where the applications went ---------------------------------------------------


def test_cancelling_the_only_meeting_says_its_applications_wait_and_the_start_page_asks_for_one(
    client, world, consultant
):
    app = make_application(world)
    meeting = plan(world, members=[consultant, world.administrator])
    client.force_login(world.administrator)
    # The reason is optional (as for an intake meeting), and the form says so.
    board = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    assert "Begrundelse (valgfri, sendes til udvalget)" in board
    response = client.post(reverse("visitation_meeting_cancel", args=[meeting.pk]), follow=True)
    body = response.content.decode()
    assert "Der er ikke planlagt et andet møde: dets ansøgning venter på et nyt møde" in body
    assert "flyttet til det næste møde" not in body
    mail = Notification.objects.filter(template="visitation_cancelled").first()
    assert "venter på, at et nyt møde bliver planlagt" in mail.body_text
    assert "flyttet" not in mail.body_text
    page = client.get(reverse("support_detail", args=[app.pk])).content.decode()
    assert "Taget af denne dagsorden; venter på, at et nyt møde bliver planlagt" in page
    assert "· Flyttet til et andet møde</li>" not in page
    start = client.get(reverse("start")).content.decode()
    assert "1 indsendt ansøgning venter på et visitationsmøde" in start
    assert "Planlæg det næste møde" in start
    # The consultant does not plan: told who does.
    client.force_login(consultant)
    start = client.get(reverse("start")).content.decode()
    assert "Forvaltningen planlægger det næste møde." in start


def test_cancelling_names_the_meeting_the_applications_moved_to(client, world, consultant):
    app = make_application(world)
    first = plan(world, members=[consultant])
    later = plan(world, days=30, deadline_days=20)
    client.force_login(world.administrator)
    response = client.post(
        reverse("visitation_meeting_cancel", args=[first.pk]), {"reason": ""}, follow=True
    )
    body = response.content.decode()
    assert f"Dets ansøgning er flyttet til {later}." in body
    mail = Notification.objects.get(template="visitation_cancelled")
    day = timezone.localtime(later.starts_at)
    assert f"Dets ansøgning er flyttet til mødet {day.day}." in mail.body_text
    page = client.get(reverse("support_detail", args=[app.pk])).content.decode()
    assert f"Flyttet til {later}" in page
    # A planned meeting takes new applications: no prompt on the start page.
    assert "venter på et visitationsmøde" not in client.get(reverse("start")).content.decode()


# --- 3. Marking as held while applications wait ---------------------------------------------------


def test_a_meeting_with_undecided_applications_is_not_marked_held_until_they_are_moved(
    client, world, consultant
):
    app = make_application(world)
    meeting = begin(plan(world, members=[consultant]))
    client.force_login(world.administrator)
    url = reverse("visitation_meeting_held", args=[meeting.pk])
    response = client.post(url, follow=True)
    body = response.content.decode()
    assert f"Ansøgning nr. {app.pk} ({world.institution.name})" in body
    assert "ikke afgjort endnu" in body
    assert '<details class="mt-4" id="held" open>' in body
    meeting.refresh_from_db()
    assert meeting.status == VisitationMeetingStatus.PLANNED
    # The way out: move them (here no other meeting: they wait for a new one) and mark held.
    response = client.post(url, {"move_undecided": "1"}, follow=True)
    body = response.content.decode()
    assert "Mødet er markeret som afholdt" in body and "venter på et nyt møde" in body
    meeting.refresh_from_db()
    assert meeting.status == VisitationMeetingStatus.HELD
    assert not AgendaItem.objects.filter(application=app, status=AgendaItemStatus.WAITING).exists()
    later = plan(world, days=20, deadline_days=10)
    assert _item(app).meeting == later


def test_the_held_service_moves_the_undecided_to_the_next_meeting_when_asked(world):
    app = make_application(world)
    meeting = begin(plan(world))
    later = plan(world, days=30, deadline_days=20)
    with pytest.raises(services.UndecidedItems, match=f"nr. {app.pk}"):
        services.meeting_mark_held(actor=world.administrator, meeting_id=meeting.pk)
    held = services.meeting_mark_held(
        actor=world.administrator, meeting_id=meeting.pk, move_undecided=True
    )
    assert held.status == VisitationMeetingStatus.HELD
    assert held.moved_to == later and held.moved_count == 1
    assert _item(app).meeting == later


# --- 4. Every refusal of a decision at once -------------------------------------------------------


def test_the_decision_form_shows_an_empty_reason_and_a_missing_revisit_date_together(
    client, world, consultant
):
    app = make_application(world)
    meeting = begin(plan(world, members=[consultant]))
    item = _item(app)
    client.force_login(consultant)
    prefix = f"item{item.pk}-"
    today = timezone.localdate()
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {
            prefix + "outcome": "granted",
            prefix + "hours_per_week": "6,5",
            prefix + "period_start": (today + timedelta(days=10)).isoformat(),
            prefix + "period_end": (today + timedelta(days=200)).isoformat(),
            prefix + "revisit_on": "",
            prefix + "reasons": "",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Skriv begrundelsen for afgørelsen." in body
    assert "En bevilling kræver en genvisitationsdato." in body
    assert not SupportDecision.objects.exists()


def test_the_decision_service_raises_every_refusal_together(world):
    app = make_application(world)
    meeting = begin(plan(world))
    item = _item(app)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.support_decide(
            actor=world.administrator,
            item_id=item.pk,
            meeting_id=meeting.pk,
            outcome="granted",
            reasons="  ",
            hours_per_week=None,
            period_start=today + timedelta(days=10),
            period_end=today + timedelta(days=200),
            revisit_on=None,
        )
    assert {"reasons", "revisit_on", "hours_per_week"} <= set(error.value.message_dict)


def test_the_decision_form_tells_a_missing_start_and_an_end_too_far_ahead_together(
    client, world, consultant
):
    """An end more than two years after the meeting is too long whatever the start: told with
    the missing start, not only once a start is typed."""
    app = make_application(world)
    meeting = begin(plan(world, members=[consultant]))
    item = _item(app)
    client.force_login(consultant)
    prefix = f"item{item.pk}-"
    day = timezone.localdate(meeting.starts_at)
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {
            prefix + "outcome": "granted",
            prefix + "hours_per_week": "6,5",
            prefix + "period_start": "",
            prefix + "period_end": (day + timedelta(days=3 * 365)).isoformat(),
            prefix + "revisit_on": (day + timedelta(days=150)).isoformat(),
            prefix + "reasons": "Støttebehovet er dokumenteret.",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "En bevilling kræver en periode." in body
    assert "Perioden kan højst være to år." in body
    assert not SupportDecision.objects.exists()


def _meeting_form(consultant, day, **changes) -> dict:
    return {
        "date": day.isoformat(),
        "start": "09:00",
        "end": "11:00",
        "place": "Rådhuset",
        "application_deadline": (day - timedelta(days=7)).isoformat(),
        "members": [consultant.pk],
        "client_token": str(uuid.uuid4()),
        **changes,
    }


def test_the_meeting_form_tells_a_day_that_has_passed_and_an_end_before_the_start_together(
    client, world, consultant
):
    yesterday = timezone.localdate() - timedelta(days=1)
    client.force_login(world.administrator)
    response = client.post(
        reverse("visitation_meeting_create"),
        _meeting_form(consultant, yesterday, start="11:00", end="09:00"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["date"] == ["Mødet kan ikke ligge i fortiden."]
    assert errors["end"] == ["Mødet skal slutte, efter det er begyndt."]
    assert not VisitationMeeting.objects.exists()
    # A change of a planned meeting the same.
    meeting = plan(world, members=[consultant])
    response = client.post(
        reverse("visitation_meeting_edit", args=[meeting.pk]),
        _edit_form(
            meeting,
            date=(timezone.localdate() + timedelta(days=400)).isoformat(),
            start="11:00",
            end="09:00",
        ),
    )
    errors = response.context["form"].errors
    assert errors["date"] == ["Mødet kan højst ligge et år frem."]
    assert errors["end"] == ["Mødet skal slutte, efter det er begyndt."]


def test_the_meeting_form_tells_a_deadline_after_the_day_beside_a_missing_time(
    client, world, consultant
):
    day = timezone.localdate() + timedelta(days=14)
    while not is_working_day(day):
        day += timedelta(days=1)
    client.force_login(world.administrator)
    response = client.post(
        reverse("visitation_meeting_create"),
        _meeting_form(
            consultant, day, end="", application_deadline=(day + timedelta(days=1)).isoformat()
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"end", "application_deadline"}
    assert errors["application_deadline"] == ["Ansøgningsfristen skal ligge før mødet."]


def test_planning_raises_every_refusal_of_the_times_together(world):
    start = timezone.localtime() - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.meeting_plan(
            actor=world.administrator,
            starts_at=start,
            ends_at=start - timedelta(hours=1),
            place="Rådhuset",
            application_deadline=start.date() + timedelta(days=3),
            members=[world.administrator],
        )
    assert set(error.value.message_dict) == {"date", "end", "application_deadline"}


# --- 6. An automatic placement is not the leader's ------------------------------------------------


def test_placing_on_the_agenda_when_submitted_is_logged_as_automatic(world, consultant):
    meeting = plan(world)
    application = support_helpers.make_application(world, submit=True)
    event = SupportEvent.objects.get(application=application, kind=SupportEventKind.ON_AGENDA)
    assert event.actor is None
    assert event.message == f"Sat automatisk på dagsordenen til {meeting}."
    # Planning a meeting takes what waits by the rules too, not by the planner's choice.
    cancelled = services.meeting_cancel(actor=world.administrator, meeting_id=meeting.pk)
    assert cancelled.moved_to is None
    later = plan(world, days=20, deadline_days=10)
    placed = SupportEvent.objects.filter(
        application=application, kind=SupportEventKind.ON_AGENDA
    ).latest("created_at", "pk")
    assert placed.actor is None and str(later) in placed.message


def test_an_answer_put_on_the_agenda_is_logged_as_automatic(world):
    plan(world)
    application = support_helpers.make_application(world, submit=True)
    support_helpers.ask(world, application)
    support_services.support_answer(
        actor=world.leader, application_id=application.pk, answer="Barnet er der 35 timer."
    )
    events = SupportEvent.objects.filter(application=application, kind=SupportEventKind.ON_AGENDA)
    assert events.count() >= 1 and all(e.actor is None for e in events)


def test_a_meeting_with_decisions_is_neither_moved_nor_cancelled(world):
    """Its decisions and letters name its day: once one application on it is decided, the
    meeting keeps its time and is not cancelled; its place may still be corrected."""

    decided, waiting = make_application(world), make_application(world)
    meeting = begin(plan(world))
    grant(world, _item(decided), outcome="rejected", reasons="Afvist: grund.")
    with pytest.raises(StateError, match="1 ansøgning på mødet er afgjort"):
        services.meeting_cancel(actor=world.administrator, meeting_id=meeting.pk)
    later = meeting.starts_at + timedelta(days=6)
    with pytest.raises(StateError, match="kan ikke flyttes"):
        services.meeting_move(
            actor=world.administrator,
            meeting_id=meeting.pk,
            starts_at=later,
            ends_at=later + timedelta(hours=2),
            place=meeting.place,
            application_deadline=meeting.application_deadline,
            members=list(meeting.members.all()),
        )
    meeting.refresh_from_db()
    assert meeting.status == VisitationMeetingStatus.PLANNED
    assert _item(waiting).meeting == meeting
