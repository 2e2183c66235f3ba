"""In Chromium on a phone-sized screen: the pedagogist fills in the week, meets a Danish message
for a wrong value without losing the rest, submits; the leader sees the delivered hours."""

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from forloeb.hours import weeks as hours
from forloeb.models import HourCategory, HourEntry, SheetStatus, WeekSheet
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.indsats.helpers import accept, agreement_in_force, make_request


def test_pedagogist_fills_and_submits_a_week_on_a_phone(page, live_server, world, console_errors):
    start = hours.this_monday() - timedelta(weeks=2)
    req = make_request(world, submit=True, wished_start=start, wished_weeks=10)
    accept(world, req, hours="6")
    course = agreement_in_force(world, req)[0].course
    page.set_viewport_size({"width": 390, "height": 844})

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.get_by_role("button", name=re.compile("menu|navigation", re.I)).click()
    page.get_by_role("link", name="Timer", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"Uge \d+, \d{4}"))).to_be_visible()
    expect(page.get_by_text("Udfyldt på forhånd")).to_be_visible()
    practice = page.get_by_label("Praksis, Børnehuset Mariehønen, Sommerfuglen")
    expect(practice).to_have_value("6")
    assert practice.is_visible()
    assert serious_accessibility_violations(page) == []

    practice.fill("5,5")
    page.get_by_label("Sparring, Ikke knyttet til et forløb").fill("1,5")
    page.get_by_label("Transport, Ikke knyttet til et forløb").fill("-2")
    page.get_by_label("Note til ugen").fill("Kursus torsdag")
    # The totals follow what is typed.
    expect(page.locator("[data-grand-total] [data-total]")).to_have_text("8")
    page.get_by_role("button", name="Gem og indsend").click()
    expect(page.get_by_text("Timer kan ikke være negative.").first).to_be_visible()
    expect(practice).to_have_value("5,5")
    expect(page.get_by_label("Note til ugen")).to_have_value("Kursus torsdag")
    assert not WeekSheet.objects.exists()

    page.get_by_label("Transport, Ikke knyttet til et forløb").fill("2")
    page.get_by_role("button", name="Gem og indsend").click()
    expect(page.get_by_text(re.compile(r"Uge \d+, \d{4} er indsendt"))).to_be_visible()
    expect(page.get_by_role("button", name="Genåbn ugen")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    sheet = WeekSheet.objects.get()
    assert sheet.status == SheetStatus.SUBMITTED
    assert {(e.course_id, e.category): e.hours for e in HourEntry.objects.all()} == {
        (course.pk, HourCategory.PRACTICE): Decimal("5.5"),
        (course.pk, HourCategory.PREPARATION): Decimal("1"),
        (None, HourCategory.SPARRING): Decimal("1.5"),
        (None, HourCategory.TRANSPORT): Decimal("2"),
    }
    assert console_errors == []

    page.context.clear_cookies()
    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/timer/leveret/")
    row = page.get_by_role("row", name=re.compile("Børnehuset Mariehønen"))
    expect(row).to_contain_text("6,5")
    expect(page.get_by_text("Ikke knyttet")).to_have_count(0)


def test_the_same_week_saved_in_two_tabs(page, live_server, world, console_errors):
    """Both tabs opened the week; the first saves; the second gets a Danish message and keeps
    its typed numbers, and saving once more saves them."""
    start = hours.this_monday() - timedelta(weeks=2)
    req = make_request(world, submit=True, wished_start=start, wished_weeks=10)
    accept(world, req, hours="6")
    course = agreement_in_force(world, req)[0].course
    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    year, week, _day = hours.this_monday().isocalendar()
    url = f"{live_server.url}/timer/uge/{year}/{week}/"
    label = "Praksis, Børnehuset Mariehønen, Sommerfuglen"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)

    page.get_by_label(label).fill("4")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_text("Ugen er gemt.")).to_be_visible()

    other.get_by_label(label).fill("7,5")
    other.get_by_role("button", name="Gem", exact=True).click()
    expect(other.get_by_text("blev gemt i en anden fane eller et andet vindue")).to_be_visible()
    expect(other.get_by_label(label)).to_have_value("7,5")
    assert serious_accessibility_violations(other) == []
    practice = HourEntry.objects.get(course=course, category=HourCategory.PRACTICE)
    assert practice.hours == Decimal("4")

    other.get_by_role("button", name="Gem", exact=True).click()
    expect(other.get_by_text("Ugen er gemt.")).to_be_visible()
    practice.refresh_from_db()
    assert practice.hours == Decimal("7.5")
    assert console_errors == []


def test_the_live_total_counts_only_what_the_server_takes(page, live_server, world, console_errors):
    """ "1e2" and "1.000,5" are refused on save, so the running total leaves them out instead of
    adding 100 or 1; a value the server takes counts as typed."""
    start = hours.this_monday() - timedelta(weeks=2)
    req = make_request(world, submit=True, wished_start=start, wished_weeks=10)
    accept(world, req, hours="6")
    agreement_in_force(world, req)
    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    year, week, _day = hours.this_monday().isocalendar()
    page.goto(f"{live_server.url}/timer/uge/{year}/{week}/")
    total = page.locator("[data-grand-total] [data-total]")
    sparring = page.get_by_label("Sparring, Ikke knyttet til et forløb")
    meeting = page.get_by_label("Møde, Ikke knyttet til et forløb")
    expect(total).to_have_text("7")

    sparring.fill("1e2")
    expect(total).to_have_text("7")
    meeting.fill("1.000,5")
    expect(total).to_have_text("7")
    meeting.fill("1,255")
    expect(total).to_have_text("7")
    meeting.fill("1,5")
    expect(total).to_have_text("8,5")

    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_text("Skriv timerne som et tal, fx 1,5.").first).to_be_visible()
    expect(sparring).to_have_value("1e2")
    assert not WeekSheet.objects.exists()
    assert console_errors == []
