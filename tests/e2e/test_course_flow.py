"""In Chromium: the pedagogist ticks the start-up, moves the course on and writes in the logbook;
the institution's staff reads it."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.indsats.helpers import agreement_in_force


def test_pedagogist_keeps_the_course_and_staff_reads_it(page, live_server, world, console_errors):
    agreement, _version = agreement_in_force(world)
    course = agreement.course

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.get_by_role("link", name="Forløb", exact=True).first.click()
    page.get_by_role("link", name=re.compile("Børnehuset Mariehønen")).click()
    expect(page.get_by_role("heading", name="Faser")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name=re.compile("Koordinering")).click()
    expect(page.get_by_text("Paula Pædagog").first).to_be_visible()
    page.get_by_role("button", name="Gå videre til forløb").click()
    expect(page.get_by_text("Forløbet er nu i fasen forløb.")).to_be_visible()
    page.get_by_label(re.compile("Hvad blev gjort og hvorfor")).fill(
        "Tre legegrupper om formiddagen."
    )
    page.get_by_label("Social udvikling").check()
    page.get_by_role("button", name="Tilføj til logbogen").click()
    expect(page.get_by_text("Noten er tilføjet logbogen.")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name=re.compile("Paula Pædagog")).click()
    page.get_by_role("button", name="Log ud").click()

    log_in(page, live_server.url, "per@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{course.pk}/")
    expect(page.get_by_text("Tre legegrupper om formiddagen.")).to_be_visible()
    expect(page.get_by_role("button", name="Tilføj til logbogen")).to_have_count(0)
    assert console_errors == []
