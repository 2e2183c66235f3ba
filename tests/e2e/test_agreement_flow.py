"""In Chromium: the pedagogist writes and sends the agreement, leader and pedagogist sign it with
their passwords, and the signed PDF downloads with the content's hash in it."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from indsats.agreements import content as services
from indsats.models import AgreementVersion, VersionStatus
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.indsats.helpers import accept, make_request


def _log_out(page, name):
    page.get_by_role("button", name=re.compile(name)).click()
    page.get_by_role("button", name="Log ud").click()


def test_write_send_sign_and_download(page, live_server, world, console_errors):
    req = make_request(world, submit=True)
    accept(world, req)

    # --- The pedagogist starts the agreement from the request and fills in a goal.
    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/anmodninger/{req.pk}/")
    page.get_by_role("button", name="Skriv samarbejdsaftalen").click()
    expect(page.get_by_text("Der er lavet et udkast")).to_be_visible()
    expect(page.get_by_role("heading", name="Ret kladden")).to_be_visible()
    page.locator("#id_goals-0-text").fill("Børnene finder ro i legen i små grupper.")
    page.get_by_label("Hvad ledelsen forpligter sig til").fill("Lederen deltager i opstart.")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Gem kladden").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    page.get_by_role("button", name="Send til underskrift").click()
    expect(page.get_by_text("Aftalen er sendt til underskrift")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    # A wrong password signs nothing.
    page.get_by_label("Din adgangskode").fill("forkert")
    page.get_by_role("button", name="Underskriv").click()
    expect(page.get_by_text("Adgangskoden er ikke korrekt.")).to_be_visible()
    page.get_by_label("Din adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Underskriv").click()
    expect(page.get_by_text("Du har underskrevet aftalen.")).to_be_visible()
    _log_out(page, "Paula Pædagog")

    # --- The leader signs; the version comes into force.
    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/anmodninger/{req.pk}/")
    page.get_by_role("link", name="Åbn samarbejdsaftalen").click()
    expect(page.get_by_text("Børnene finder ro i legen i små grupper.")).to_be_visible()
    page.get_by_label("Din adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Underskriv").click()
    expect(page.get_by_text("Du har underskrevet aftalen.")).to_be_visible()
    expect(page.get_by_text("I kraft").first).to_be_visible()
    assert serious_accessibility_violations(page) == []

    version = AgreementVersion.objects.get(agreement__request=req)
    assert version.status == VersionStatus.IN_FORCE
    with page.expect_download() as download_info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
            "document.body.appendChild(a); a.click(); }",
            f"/aftaler/versioner/{version.pk}/pdf/",
        )
    pdf_bytes = download_info.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert version.content_hash in text.replace("\n", "")
    assert "Lene Leder" in text and "Paula Pædagog" in text
    assert version.content_hash == services.version_hash(
        agreement_id=version.agreement_id, number=version.number, content=version.content
    )
    assert console_errors == []
