"""In Chromium: a pedagogist records a training day; the leader meets the message under the bell
on a phone and sees the day fall away in her week plan."""

import re
from datetime import date, time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from forloeb.models import Absence
from institutioner.models import Notification
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.forloeb.plan.helpers import agreement, christmas_year


def test_an_absence_reaches_the_leader_and_her_week_plan(page, live_server, world, console_errors):
    agreement(world, weekdays=(1, 3), time_from=time(9), time_to=time(12))
    Notification.objects.update(read_at=timezone.now())
    tuesday = date(christmas_year(), 12, 8)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    year, week, _day = tuesday.isocalendar()

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.get_by_role("link", name="Plan").click()
    page.get_by_role("link", name="Registrér fravær").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Type").select_option("training_day")
    page.get_by_label("Første dag").fill(tuesday.isoformat())
    page.get_by_label("Note").fill("Vejlederuddannelsen")
    page.get_by_role("button", name="Registrér fravær").click()
    expect(page.get_by_text("Fraværet er registreret")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/plan/uge/{year}/{week}/$"))
    expect(page.get_by_text("Fravær: uddannelsesdag")).to_be_visible()
    assert Absence.objects.get().starts_on == tuesday
    assert serious_accessibility_violations(page) == []
    page.context.clear_cookies()

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    bell = page.get_by_role("link", name=re.compile(r"^Notifikationer 1 ulæst$"))
    expect(bell).to_be_visible()
    bell.click()
    page.get_by_role("link", name=re.compile("Paula Pædagog er fraværende")).click()
    expect(page).to_have_url(re.compile(rf"/plan/uge/{year}/{week}/$"))
    expect(page.get_by_role("heading", name=f"Ugeplan, uge {week}")).to_be_visible()
    cancelled = page.locator(".plan-cancelled")
    expect(cancelled).to_have_count(1)
    expect(cancelled).to_contain_text("Fraværende: ingen praksis")
    expect(page.get_by_text("uddannelsesdag")).to_have_count(0)
    # The Thursday still holds practice.
    expect(page.locator(".plan-practice")).to_have_count(1)
    # Each day is a card under the last on a phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_a_calendar_address_is_copied_and_opened_on_a_phone(
    page, live_server, world, console_errors
):
    """On a phone the whole subscription address is seen (wrapped, not cut off), a button
    copies it, and a link hands it to the calendar program (webcal://)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(live_server.url + "/kalender/")
    page.get_by_role("button", name="Lav en adresse").first.click()
    address = page.locator("textarea[readonly]").first
    url = address.input_value()
    assert url.startswith(live_server.url + "/kalender/")
    box = address.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert address.evaluate("e => e.scrollHeight <= e.clientHeight + 1")  # all of it in view
    # A municipality's longer host name, a larger number and a secret whose hyphens break the
    # lines early are still seen whole (the box grows with the address).
    longer = (
        "https://indsatsteamet.dagtilbud.eksempel-kommune.dk/kalender/123456/"
        + "Ab-cD_ef-GH-ij_KL-mn-OP_qr-ST-uv_WX-yz-01_23-4.ics"
    )
    address.evaluate("(e, url) => { e.value = url; }", longer)
    assert address.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    address.evaluate("(e, url) => { e.value = url; }", url)
    page.get_by_role("button", name="Kopiér adressen").first.click()
    expect(page.get_by_role("button", name="Kopieret").first).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    webcal = page.get_by_role("link", name="Åbn i kalenderprogrammet").first
    assert webcal.get_attribute("href") == "webcal://" + url.split("://", 1)[1]
    assert serious_accessibility_violations(page) == []


def test_a_leader_proposes_a_cancelled_day_and_withdraws_the_proposal(
    page, live_server, world, console_errors
):
    """The QA's leader read "Ændringen er fortrudt" after taking back her own proposal: the
    page says the proposal is withdrawn and the plan unchanged, and marks it so."""
    from forloeb.models import PlanChange, PlanChangeStatus

    ag, _version = agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    tuesday = date(christmas_year(), 12, 8)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)

    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{ag.course.pk}/")
    page.get_by_text("Foreslå en ændring af en praksisdag").click()
    page.locator("select[name=plan-kind]").select_option("cancel")
    page.get_by_label("Praksisdag").fill(tuesday.isoformat())
    page.get_by_label("Begrundelse").fill("Udflugt med hele huset")
    page.get_by_role("button", name="Send forslaget").click()
    page.get_by_role("button", name="Træk forslaget tilbage").click()
    expect(page.get_by_text("Forslaget er trukket tilbage; planen er uændret.")).to_be_visible()
    expect(page.get_by_text("Ændringen er fortrudt")).to_have_count(0)
    changes = page.locator("#planens-aendringer")
    expect(changes.locator(".badge", has_text="Trukket tilbage")).to_have_count(1)
    expect(changes).to_contain_text("forslaget trukket tilbage af Lene Leder")
    assert PlanChange.objects.get().status == PlanChangeStatus.WITHDRAWN
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_the_pedagogist_declines_a_proposal_with_why_and_the_leader_reads_it(
    page, live_server, world, console_errors
):
    """A leader told only "afvist" on a Monday morning does not know why: the pedagogist may
    write a line when she declines, and the leader reads it in the message and on the page."""
    from forloeb.models import PlanChange, PlanChangeStatus
    from forloeb.plan import services
    from forloeb.plan.services import ChangeInput

    ag, _version = agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    tuesday = date(christmas_year(), 12, 8)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    services.plan_change_make(
        actor=world.leader,
        course_id=ag.course.pk,
        data=ChangeInput(kind="cancel", day=tuesday, reason="Udflugt med hele huset"),
        proposal=True,
    )
    Notification.objects.update(read_at=timezone.now())
    why = "Jeg er i et andet forløb den dag; lad os tage det på næste praksisdag."

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{ag.course.pk}/")
    changes = page.locator("#planens-aendringer")
    changes.get_by_text("Afvis", exact=True).click()
    changes.get_by_label("Hvorfor afviser du? (valgfrit)").fill(why)
    assert serious_accessibility_violations(page) == []
    changes.get_by_role("button", name="Afvis forslaget").click()
    expect(page.get_by_text("Forslaget er afvist; lederen har fået besked.")).to_be_visible()
    assert PlanChange.objects.get().status == PlanChangeStatus.DECLINED
    page.context.clear_cookies()

    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{ag.course.pk}/")
    expect(page.locator("#planens-aendringer")).to_contain_text(
        f"Begrundelse for afvisningen: {why}"
    )
    note = Notification.objects.get(template="plan_change_declined")
    assert f"Begrundelse for afvisningen: {why}" in note.body_text
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_the_change_form_shows_only_the_fields_of_the_chosen_kind(
    page, live_server, world, console_errors
):
    """Testers chose "En ekstra dag", filled "Praksisdag" and read "Vælg den nye dag": the form
    shows the practice day for a cancellation, the new day and its times for an extra day, both
    for a move."""
    ag, _version = agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{ag.course.pk}/")
    page.get_by_text("Foreslå en ændring af en praksisdag").click()
    kind = page.locator("select[name=plan-kind]")
    fields = ("plan-day", "plan-new_day", "plan-new_time_from", "plan-new_time_to")
    for choice, shown in (
        ("extra", (False, True, True, True)),
        ("cancel", (True, False, False, False)),
        ("move", (True, True, True, True)),
    ):
        kind.select_option(choice)
        for name, visible in zip(fields, shown, strict=True):
            if visible:
                expect(page.locator(f"[name={name}]")).to_be_visible()
            else:
                expect(page.locator(f"[name={name}]")).to_be_hidden()
        expect(page.get_by_label("Begrundelse")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_the_pedagogist_declines_a_proposal_from_her_start_page_on_a_phone(
    page, live_server, world, console_errors
):
    """The start page listed the leader's proposal with only a link: she answers it there, on a
    phone, with why, and stays on the start page."""
    from forloeb.models import PlanChange, PlanChangeStatus
    from forloeb.plan import services
    from forloeb.plan.services import ChangeInput

    ag, _version = agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    tuesday = date(christmas_year(), 12, 8)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    services.plan_change_make(
        actor=world.leader,
        course_id=ag.course.pk,
        data=ChangeInput(kind="cancel", day=tuesday, reason="Udflugt med hele huset"),
        proposal=True,
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(live_server.url + "/")
    waiting = page.locator("section[aria-labelledby=start-proposals]")
    waiting.get_by_text("Afvis", exact=True).click()
    waiting.get_by_label("Hvorfor afviser du? (valgfrit)").fill("Jeg er på kursus den dag.")
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    waiting.get_by_role("button", name="Afvis forslaget").click()
    expect(page.get_by_text("Forslaget er afvist; lederen har fået besked.")).to_be_visible()
    assert page.url == live_server.url + "/"
    expect(page.locator("section[aria-labelledby=start-proposals]")).to_have_count(0)
    change = PlanChange.objects.get()
    assert (change.status, change.decline_reason) == (
        PlanChangeStatus.DECLINED,
        "Jeg er på kursus den dag.",
    )
    assert console_errors == []
