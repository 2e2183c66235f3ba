"""The whole front door in Chromium: the leader asks, the administration triages and invites,
the leader sees the meeting and downloads an .ics that a calendar accepts."""

import re
from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from indsats.models import InterventionRequest, RequestStatus
from institutioner.workdays import working_day_on_or_after
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD


def test_leader_submits_administration_accepts_and_invites(
    page, live_server, world, console_errors
):
    # --- The leader fills in the request and submits it.
    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.get_by_role("link", name="Anmod om en indsats").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Stue/gruppe").select_option(label="Sommerfuglen (Børnehuset Mariehønen)")
    page.get_by_label("Behovet med jeres egne ord").fill("Uro ved frokost; børnene venter længe.")
    page.get_by_label("Børnegruppe").check()
    page.get_by_label("Social udvikling").check()
    page.get_by_label("Børnenes alder").select_option(label="3–6 år")
    page.get_by_label("Antal børn i gruppen").fill("21")
    # A working day: a weekend or holiday is refused as the wished start.
    start = working_day_on_or_after(timezone.localdate() + timedelta(days=20))
    page.get_by_label("Ønsket start").fill(start.isoformat())
    page.get_by_label("Ønsket varighed (uger)").fill("8")
    page.get_by_label("Tirsdag").check()
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Anmodningen er gemt som kladde")).to_be_visible()
    page.get_by_role("button", name="Indsend").click()
    expect(page.get_by_text("Anmodningen er indsendt")).to_be_visible()
    req = InterventionRequest.objects.get()
    assert req.status == RequestStatus.SUBMITTED
    page.get_by_role("button", name=re.compile("Lene Leder")).click()
    page.get_by_role("button", name="Log ud").click()

    # --- The administration finds it in the queue, accepts and plans the meeting.
    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.get_by_role("link", name="Visitation", exact=True).first.click()
    expect(
        page.get_by_role("link", name=re.compile(f"Nr. {req.pk} · Børnehuset Mariehønen"))
    ).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name=re.compile(f"Nr. {req.pk} · Børnehuset Mariehønen")).click()
    expect(page.get_by_label(re.compile("Paula Pædagog"))).to_be_checked()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Timer om ugen for hver pædagog").fill("6")
    page.get_by_role("button", name="Bevilg").click()
    expect(page.get_by_text("Anmodningen er bevilget")).to_be_visible()
    page.get_by_role("link", name="Planlæg indsatsmødet").click()
    meeting_day = timezone.localdate() + timedelta(days=5)
    page.get_by_label("Dato").fill(meeting_day.isoformat())
    page.get_by_label("Fra").fill("09:00")
    page.get_by_label("Til").fill("10:30")
    page.get_by_label("Sted").fill("Personalerummet")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Planlæg og send invitationer").click()
    expect(page.get_by_text("Indsatsmødet er planlagt")).to_be_visible()
    page.get_by_role("button", name=re.compile("Frida Forvaltning")).click()
    page.get_by_role("button", name="Log ud").click()

    # --- The leader sees the meeting on the start page and downloads the invitation.
    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    expect(page.get_by_role("heading", name="Kommende indsatsmøder")).to_be_visible()
    expect(page.get_by_text("Personalerummet")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Føj til kalender").first.click()
    ics = download_info.value.path().read_bytes()
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].dt.date() == meeting_day
    assert event["DTSTART"].dt.hour == 9
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert "Børnehuset Mariehønen" in str(event["SUMMARY"])
    page.goto(f"{live_server.url}/anmodninger/{req.pk}/")
    expect(page.get_by_text("Indsatsmøde planlagt")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    assert console_errors == []
