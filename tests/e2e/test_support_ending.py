"""In Chromium: the committee ends a grant at its re-visitation. Nothing is chosen beforehand;
choosing "Ophørt" shows the last day with support (proposed) and hides the hours and period of
a grant; the ending is saved with that day and has a decision letter."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from indsats.models import AgendaItem, AgendaItemStatus, SupportDecision
from indsats.supportmeetings import services
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.indsats.supportmeetings.helpers import begin, grant, make_application, plan


def test_ending_shows_the_last_day_and_hides_the_grant_fields(
    page, live_server, world, console_errors
):
    today = timezone.localdate()
    app = make_application(world, child="Alma Testbarn")
    plan(world)
    grant(
        world,
        AgendaItem.objects.get(application=app, status=AgendaItemStatus.WAITING),
        period_start=today,
        period_end=today + timedelta(days=200),
        revisit_on=today + timedelta(days=150),
    )
    meeting = plan(world, days=30, deadline_days=20)
    services.revisit_place(actor=world.administrator, application_id=app.pk, meeting_id=meeting.pk)
    begin(meeting)
    proposed = services.default_stop(app)

    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/stoette/moeder/{meeting.pk}/")
    form = page.locator(".decision-form").first
    outcome = form.get_by_label("Afgørelse")
    expect(outcome).to_have_value("")
    hours = form.get_by_label("Støttetimer om ugen")
    stops = form.get_by_label("Støtten ophører den")
    expect(hours).to_be_hidden()
    expect(stops).to_be_hidden()
    outcome.select_option(label="Forlænget")
    expect(hours).to_be_visible()
    expect(stops).to_be_hidden()
    outcome.select_option(label="Ophørt")
    expect(hours).to_be_hidden()
    expect(form.get_by_label("Genvisitation")).to_be_hidden()
    expect(stops).to_be_visible()
    expect(stops).to_have_value(proposed.isoformat())
    assert serious_accessibility_violations(page) == []
    form.get_by_label("Begrundelse").fill("Barnet trives nu uden støtte.")
    form.get_by_role("button", name="Gem afgørelsen").click()
    expect(page.get_by_role("link", name="Afgørelsesbrev (PDF)").first).to_be_visible()
    decision = SupportDecision.objects.get(application=app, outcome="ended")
    assert decision.stops_on == proposed and decision.hours_per_week is None
