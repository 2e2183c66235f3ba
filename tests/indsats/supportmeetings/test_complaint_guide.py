"""Every decision letter carries a complaint guide (klagevejledning, forvaltningsloven § 25):
the grant, the partial grant, the rejection, the extension and the ending, in the PDF and in the
e-mail that tells the leaders; the municipality's own text (SUPPORT_COMPLAINT_GUIDE) or a generic
one that names the municipality. A question (more information) is no decision and has none."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from indsats.models import AgendaItem, AgendaItemStatus
from indsats.supportmeetings import selectors, services
from institutioner.models import Notification
from tests.indsats.supportmeetings.helpers import grant, make_application, plan

OWN_TEXT = (
    "Klagen sendes til Børne- og Ungeforvaltningen, Rådhuset, inden fire uger. "
    "Skriv til dagtilbud@kommune.dk."
)


def _words(text: str) -> str:
    return " ".join(text.split())


def _letter_text(client, decision) -> str:
    response = client.get(reverse("support_decision_letter", args=[decision.pk]))
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    return _words("\n".join(page.extract_text() for page in pages))


def _item(app) -> AgendaItem:
    return AgendaItem.objects.get(application=app, status=AgendaItemStatus.WAITING)


def _danish(text: str) -> str:
    with translation.override("da"):
        return gettext(text)


def _decide(world, outcome: str):
    """A decision of `outcome` on a new application (an extension and an ending at a
    re-visitation of a grant in force)."""
    app = make_application(world)
    plan(world)
    if outcome in ("granted", "partly_granted", "rejected", "more_info"):
        hours = Decimal("6") if outcome == "partly_granted" else Decimal("8.5")
        return grant(world, _item(app), outcome=outcome, hours_per_week=hours)
    today = timezone.localdate()
    first = grant(
        world,
        _item(app),
        period_start=today,
        period_end=today + timedelta(days=200),
        revisit_on=today + timedelta(days=170),
    )
    second = plan(world, days=30, deadline_days=20, members=[world.administrator])
    item = services.revisit_place(
        actor=world.administrator, application_id=app.pk, meeting_id=second.pk
    )
    if outcome == "ended":
        return grant(world, item, outcome="ended", stops_on=today + timedelta(days=20))
    return grant(
        world,
        item,
        outcome="extended",
        period_start=first.period_end + timedelta(days=1),
        period_end=first.period_end + timedelta(days=180),
        revisit_on=first.period_end + timedelta(days=150),
    )


def _email(decision) -> str:
    told = Notification.objects.filter(template="support_decided", recipient__isnull=False)
    return _words(told.order_by("-pk").first().body_text)


@pytest.mark.parametrize("outcome", ["granted", "partly_granted", "rejected", "extended", "ended"])
def test_every_decision_letter_and_its_email_tell_how_to_complain(client, world, settings, outcome):
    settings.MUNICIPALITY_NAME = "Fjordby Kommune"
    decision = _decide(world, outcome)
    client.force_login(world.leader)
    text = _letter_text(client, decision)
    heading = _danish("Complaint guide")
    with translation.override("da"):
        guide = _words(selectors.complaint_guide())
    assert heading in text
    assert guide in text
    # The generic text names the municipality the complaint goes to.
    assert "Fjordby Kommune" in guide
    assert text.index(heading) > text.index(decision.reasons)
    body = _email(decision)
    assert f"{heading}: {guide}" in body


def test_the_municipality_writes_its_own_complaint_guide(client, world, settings):
    settings.SUPPORT_COMPLAINT_GUIDE = OWN_TEXT
    decision = _decide(world, "rejected")
    client.force_login(world.leader)
    text = _letter_text(client, decision)
    assert OWN_TEXT in text
    with translation.override("da"):
        settings.SUPPORT_COMPLAINT_GUIDE = ""
        generic = _words(selectors.complaint_guide())
    assert generic not in text
    assert OWN_TEXT in _email(decision)


def test_a_question_is_no_decision_and_tells_no_complaint_guide(world):
    _decide(world, "more_info")
    body = _email(None)
    assert _danish("Complaint guide") not in body
