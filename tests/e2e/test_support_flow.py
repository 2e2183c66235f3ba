"""In Chromium: a leader applies for kompenserende støtte with two attached assessments, the
administration plans a visitation meeting (the application lands on its agenda), the committee
grants the support on the board, and the decision letter downloads with the decision in it."""

import io
import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from indsats.models import (
    AgendaItem,
    SupportApplication,
    SupportDecision,
    SupportStatus,
)
from institutioner.models import AccessLogEntry
from institutioner.workdays import working_day_on_or_after
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD

# The smallest files the content check takes for a PDF and a PNG.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 16


def _log_out(page, name):
    page.get_by_role("button", name=re.compile(name)).click()
    page.get_by_role("button", name="Log ud").click()


def _attach(page, base, application_pk, kind_label, name, content, mimetype):
    page.goto(f"{base}/stoette/{application_pk}/dokumenter/ny/")
    page.locator("#id_kind").select_option(label=kind_label)
    page.locator("#id_file").set_input_files(
        files=[{"name": name, "mimeType": mimetype, "buffer": content}]
    )
    page.get_by_role("button", name="Vedhæft", exact=True).click()
    expect(page.get_by_role("link", name=name)).to_be_visible()


def test_apply_visit_grant_and_download_the_letter(
    page, live_server, world, consultant, console_errors
):
    base = live_server.url
    today = timezone.localdate()
    start = today + timedelta(days=30)

    # --- The leader writes the application.
    log_in(page, base, "lene@example.dk", PASSWORD)
    page.goto(f"{base}/stoette/ny/")
    page.locator("#id_group").select_option(label="Sommerfuglen (Børnehuset Mariehønen)")
    page.locator("#id_child_name").fill("Alma Testbarn")
    page.locator("#id_child_birth_date").fill("2022-03-14")
    page.locator("#id_everyday_needs").fill("Alma har brug for en voksen ved overgange og i leg.")
    page.locator("#id_hours_per_week").fill("10")
    page.locator("#id_period_start").fill(start.isoformat())
    page.locator("#id_period_end").fill((start + timedelta(days=180)).isoformat())
    page.get_by_label("Begge forældremyndighedsindehavere har givet samtykke").check()
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"Ansøgning nr\. \d+"))).to_be_visible()
    application = SupportApplication.objects.get(child_name="Alma Testbarn")
    assert serious_accessibility_violations(page) == []

    # Submitting without the assessments says which are missing and sends nothing.
    page.get_by_role("button", name="Indsend", exact=True).click()
    refusal = page.locator(".alert-danger")
    expect(refusal).to_contain_text("Pædagogisk-psykologisk vurdering (PPV)")
    expect(refusal).to_contain_text("Tværfaglig vurdering")
    application.refresh_from_db()
    assert application.status == SupportStatus.DRAFT

    _attach(
        page,
        base,
        application.pk,
        "Pædagogisk-psykologisk vurdering (PPV)",
        "ppv.pdf",
        PDF,
        "application/pdf",
    )
    _attach(page, base, application.pk, "Tværfaglig vurdering", "tvaerfaglig.png", PNG, "image/png")
    page.goto(f"{base}/stoette/{application.pk}/")
    page.get_by_role("button", name="Indsend", exact=True).click()
    expect(page.get_by_text("Indsendt").first).to_be_visible()
    application.refresh_from_db()
    assert application.status == SupportStatus.SUBMITTED
    assert application.documents.count() == 2
    _log_out(page, "Lene Leder")

    # --- The administration plans the meeting; the application is put on its agenda.
    log_in(page, base, "frida@example.dk", PASSWORD)
    page.goto(f"{base}/stoette/moeder/ny/")
    # A meeting is held on a working day, whatever day the test runs on.
    meeting_day = working_day_on_or_after(today + timedelta(days=14))
    page.locator("#id_date").fill(meeting_day.isoformat())
    page.locator("#id_start").fill("09:00")
    page.locator("#id_end").fill("11:00")
    page.locator("#id_place").fill("Rådhuset, mødelokale 2")
    page.locator("#id_application_deadline").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label(re.compile("Sara Småbørnskonsulent")).check()
    page.get_by_role("button", name=re.compile("Planlæg")).click()
    expect(page.get_by_text("Alma Testbarn")).to_be_visible()
    assert AgendaItem.objects.filter(application=application, status="waiting").exists()
    assert serious_accessibility_violations(page) == []

    # --- The meeting's day has come (decisions are saved from its start): on the board,
    # granted, ten hours a week, with a re-visitation date.
    from indsats.models import VisitationMeeting

    meeting = AgendaItem.objects.get(application=application, status="waiting").meeting
    VisitationMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=2)
    )
    page.reload()
    form = page.locator(".decision-form").first
    form.get_by_label("Afgørelse").select_option(label="Bevilget")
    form.get_by_label("Støttetimer om ugen").fill("10")
    form.get_by_label("Fra").fill(start.isoformat())
    form.get_by_label("Til").fill((start + timedelta(days=180)).isoformat())
    form.get_by_label("Genvisitation").fill((start + timedelta(days=150)).isoformat())
    form.get_by_label("Begrundelse").fill("Vurderingerne viser et betydeligt støttebehov.")
    form.get_by_role("button", name="Gem afgørelsen").click()
    letter = page.get_by_role("link", name="Afgørelsesbrev (PDF)")
    expect(letter).to_be_visible()
    decision = SupportDecision.objects.get(application=application)
    assert decision.outcome == "granted"
    application.refresh_from_db()
    assert application.status == SupportStatus.GRANTED

    # The letter opens in the browser (inline); fetched with the page's own session.
    response = page.request.get(base + letter.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Alma Testbarn" in text
    assert "10" in text
    assert "Vurderingerne viser et betydeligt støttebehov." in text
    # Every read of the child's data was logged: the board and the letter.
    names = set(
        AccessLogEntry.objects.filter(user=world.administrator).values_list("url_name", flat=True)
    )
    assert {"visitation_meeting_detail", "support_decision_letter"} <= names
    _log_out(page, "Frida Forvaltning")

    # --- The leader sees the decision on the application.
    log_in(page, base, "lene@example.dk", PASSWORD)
    page.goto(f"{base}/stoette/{application.pk}/")
    expect(page.get_by_text("Bevilget").first).to_be_visible()
    assert console_errors == []
