"""Ending a grant at a re-visitation: the last day with support is chosen and kept, the hours
and period of a grant are not asked for; the ending and a rejection get a decision letter; the
agenda shows the grant in force; the decision form chooses nothing beforehand."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    SupportDecision,
    SupportStatus,
)
from indsats.supportmeetings import services
from indsats.supportmeetings.forms import DecisionForm
from institutioner.models import Notification, StoredFile
from tests.indsats.supportmeetings.helpers import begin, grant, make_application, plan


def _pdf_text(response) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())


def _item(app) -> AgendaItem:
    return AgendaItem.objects.get(application=app, status=AgendaItemStatus.WAITING)


def _in_force(world, *, days=200):
    """A case granted 8,5 hours a week from today for `days` days, up for re-visitation at a
    second meeting (not begun). Returns the application, the grant and the re-visitation item."""
    today = timezone.localdate()
    app = make_application(world, child="Emil Eksempel")
    plan(world)
    first = grant(
        world,
        _item(app),
        period_start=today,
        period_end=today + timedelta(days=days),
        revisit_on=today + timedelta(days=max(days - 30, 0)),
    )
    second = plan(world, days=30, deadline_days=20, members=[world.administrator])
    item = services.revisit_place(
        actor=world.administrator, application_id=app.pk, meeting_id=second.pk
    )
    return app, first, item


def _d(day) -> str:
    return f"{day:%d.%m.%Y}"


def test_an_ending_keeps_its_last_day_and_none_of_a_grants_fields(world):
    app, first, item = _in_force(world)
    stop = timezone.localdate() + timedelta(days=20)
    decision = grant(
        world,
        item,
        outcome="ended",
        stops_on=stop,
        # What a grant would use is not kept for an ending.
        hours_per_week=Decimal("10"),
        period_start=first.period_end + timedelta(days=1),
        period_end=first.period_end + timedelta(days=100),
        revisit_on=first.period_end + timedelta(days=50),
        reasons="Barnet trives nu uden støtte.",
    )
    assert decision.stops_on == stop == decision.period_end
    assert decision.hours_per_week is None and decision.period_start is None
    assert decision.revisit_on is None
    app.refresh_from_db()
    assert app.status == SupportStatus.ENDED and app.revisit_on is None


def test_an_endings_last_day_is_from_today_to_the_end_of_the_grant_in_force(world):
    today = timezone.localdate()
    _app, first, item = _in_force(world)
    cases = [
        (None, "Vælg den sidste dag med støtte."),
        (today - timedelta(days=1), f"Støtten kan ikke ophøre før i dag ({_d(today)})."),
        (
            first.period_end + timedelta(days=1),
            f"Den nuværende bevilling udløber {_d(first.period_end)}; "
            "støtten kan ikke ophøre senere end det.",
        ),
    ]
    for stops_on, message in cases:
        with pytest.raises(ValidationError) as error:
            grant(world, item, outcome="ended", stops_on=stops_on, reasons="Begrundelse.")
        assert error.value.message_dict == {"stops_on": [message]}
    assert not SupportDecision.objects.filter(outcome="ended").exists()
    # Today and the grant's own last day are both allowed.
    assert grant(world, item, outcome="ended", stops_on=first.period_end, reasons="Nok.")


def test_the_form_proposes_the_month_end_within_the_grant(world):
    today = timezone.localdate()
    month_end = (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    _app, _first, item = _in_force(world)
    assert DecisionForm(item=item).initial["stops_on"] == month_end
    # A grant ending before the month does: its own last day.
    AgendaItem.objects.filter(pk=item.pk).update(status=AgendaItemStatus.REMOVED)
    _app, short, short_item = _in_force(world, days=10)
    assert DecisionForm(item=short_item).initial["stops_on"] == min(month_end, short.period_end)
    # A new application is not ended: no such field.
    new = make_application(world, child="Anna")
    plan(world, days=40, deadline_days=20)
    assert "stops_on" not in DecisionForm(item=_item(new)).fields


def test_the_ending_letter_and_the_email_say_from_when(client, world):
    _app, first, item = _in_force(world)
    stop = timezone.localdate() + timedelta(days=20)
    decision = grant(
        world, item, outcome="ended", stops_on=stop, reasons="Barnet trives nu uden støtte."
    )
    assert StoredFile.objects.filter(producer="support_decision_letter", object_id=decision.pk)
    client.force_login(world.leader)
    response = client.get(reverse("support_decision_letter", args=[decision.pk]))
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "Afgørelse om kompenserende støtte" in text and "Ophørt" in text
    assert f"Støtten ophører den {_d(stop)}" in text
    assert "Barnet trives nu uden støtte." in text
    # The grant that stops: its hours and period.
    assert "8,5 timer om ugen" in text or "8.5 timer om ugen" in text
    assert f"{_d(first.period_start)}–{_d(first.period_end)}" in text
    assert "til og med den" in text
    told = Notification.objects.filter(template="support_decided").order_by("-pk").first()
    body = " ".join(told.body_text.split())
    assert f"Støtten ophører den {stop.day}." in body and "ophørt" in body
    assert "afgørelsesbrevet" in body
    # The application's page shows the day and links the letter.
    page = client.get(reverse("support_detail", args=[decision.application_id])).content.decode()
    assert "Støtten ophører den" in page
    assert reverse("support_decision_letter", args=[decision.pk]) in page


def test_a_rejection_gets_a_letter_with_its_reasons(client, world):
    app = make_application(world)
    plan(world)
    decision = grant(world, _item(app), outcome="rejected", reasons="Behovet kan dækkes lokalt.")
    client.force_login(world.leader)
    response = client.get(reverse("support_decision_letter", args=[decision.pk]))
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "Afvist" in text and "Behovet kan dækkes lokalt." in text
    assert "givet afslag på ansøgningen" in text
    assert "Genvisitation" not in text
    # A question (more information) is no decision letter.
    other = make_application(world, child="Anna")
    plan(world, days=40, deadline_days=20)
    asked = grant(world, _item(other), outcome="more_info", reasons="Send PPV.")
    assert client.get(reverse("support_decision_letter", args=[asked.pk])).status_code == 404


def test_the_board_and_the_agenda_show_the_grant_in_force(client, world):
    _app, first, item = _in_force(world)
    client.force_login(world.administrator)
    body = client.get(reverse("visitation_meeting_detail", args=[item.meeting_id])).content
    body = " ".join(body.decode().split())
    shown = re.search(r'grant-in-force">(.*?)</dd>', body).group(1)
    assert "Bevilget" in shown and "8,5 timer om ugen" in shown
    assert f"{first.period_start:%-d}. " in shown and f"{first.period_end.year}" in shown
    agenda = _pdf_text(client.get(reverse("visitation_meeting_agenda_pdf", args=[item.meeting_id])))
    assert "Nuværende bevilling" in agenda
    assert f"{_d(first.period_start)}–{_d(first.period_end)}" in agenda
    # A new application has no grant in force to show.
    assert agenda.count("Nuværende bevilling") == 1


def test_the_decision_form_chooses_nothing_and_asks_for_a_choice(client, world, consultant):
    app = make_application(world)
    meeting = begin(plan(world, members=[consultant]))
    item = _item(app)
    prefix = f"item{item.pk}-"
    client.force_login(consultant)
    body = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    select = re.search(rf'<select name="{prefix}outcome".*?</select>', body, re.S).group(0)
    assert "selected" not in select.replace('value="" selected', "")
    assert re.search(r'<option value="" selected>Vælg …</option>', select)
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {
            prefix + "hours_per_week": "7,5",
            prefix + "reasons": "Mit begrundede skøn.",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vælg en afgørelse." in body and "Mit begrundede skøn." in body and "7,5" in body
    assert not SupportDecision.objects.exists()


def test_ending_on_the_board_ignores_the_hidden_grant_fields(client, world):
    _app, _first, item = _in_force(world)
    meeting = begin(item.meeting)
    prefix = f"item{item.pk}-"
    stop = timezone.localdate() + timedelta(days=5)
    client.force_login(world.administrator)
    body = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    assert "Støtten ophører den" in body and 'data-for-outcomes="ended"' in body
    assert "js/shown-by-choice.js" in body
    response = client.post(
        reverse("agenda_item_decide", args=[meeting.pk, item.pk]),
        {
            prefix + "outcome": "ended",
            prefix + "hours_per_week": "mange",  # left in a hidden field: not an error
            prefix + "period_start": "2027-01-04",
            prefix + "stops_on": stop.isoformat(),
            prefix + "reasons": "Barnet trives nu uden støtte.",
        },
    )
    assert response.status_code == 302
    decision = SupportDecision.objects.get(outcome="ended")
    assert decision.stops_on == stop and decision.hours_per_week is None
    assert decision.period_start is None
    page = client.get(reverse("visitation_meeting_detail", args=[meeting.pk])).content.decode()
    assert "Afgørelsesbrev (PDF)" in page
    assert f"Støtten ophører den {stop.day}." in " ".join(page.split())
    minutes = _pdf_text(client.get(reverse("visitation_meeting_minutes_pdf", args=[meeting.pk])))
    assert f"Støtten ophører den {_d(stop)}" in minutes
