"""In Chromium: the administration searches the access log, exports it, makes an access request
that a worker makes in the background and downloads it; the leader then sees who looked at her
data. Every page is checked with axe."""

import io
import json
import pathlib
import zipfile
from contextlib import nullcontext

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from playwright.sync_api import expect

from config.celery import app
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.indsats.helpers import make_request


@pytest.fixture
def worker(transactional_db):
    """A real worker on Redis where CI has it; on a laptop without Redis the task runs in the
    web server's thread right after the commit."""
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        app.conf.task_always_eager = False
        context = start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10)
    else:
        app.conf.task_always_eager = True
        context = nullcontext()
    with context:
        yield
    app.conf.task_always_eager = False


def test_search_the_log_and_download_an_access_request(
    page, live_server, console_errors, world, worker
):
    req = make_request(world, submit=True, need="Lenes behov i browseren")
    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    # A look-up to find: Frida opens Lene's request.
    page.goto(f"{live_server.url}/anmodninger/{req.pk}/")

    page.get_by_role("link", name="Opslagslog").click()
    expect(page.get_by_role("heading", name="Opslagslog")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Vedrører (person)").select_option(label="Lene Leder (lene@example.dk)")
    page.get_by_role("button", name="Søg").click()
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Frida Forvaltning")
    expect(rows.first).to_contain_text(f"Anmodning om indsats nr. {req.pk}")
    assert serious_accessibility_violations(page) == []

    # A bad date is said in Danish; no search is run (the whole log is not shown as its result)
    # and the person chosen is kept for the corrected search.
    page.get_by_label("Fra").fill("1800-01-01")
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_text("Vælg en dato mellem")).to_be_visible()
    expect(page.get_by_text("Søgningen blev ikke udført")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(0)
    expect(page.get_by_label("Vedrører (person)")).to_have_value(str(world.leader.pk))
    page.get_by_label("Fra").fill("")
    page.get_by_role("button", name="Søg").click()
    expect(page.locator("tbody tr").first).to_contain_text("Frida Forvaltning")

    with page.expect_download() as download:
        page.get_by_role("button", name="Eksportér som CSV").click()
    assert download.value.suggested_filename.startswith("opslagslog-")
    text = pathlib.Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert f"Anmodning om indsats nr. {req.pk}" in text

    page.get_by_role("link", name="Indsigt").click()
    expect(page.get_by_role("heading", name="Indsigt")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Person").select_option(label="Lene Leder (lene@example.dk)")
    page.get_by_role("button", name="Lav en indsigt").click()
    expect(page.get_by_role("heading", name="Indsigt nr.")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    # The page follows the worker by itself until the file is ready.
    link = page.get_by_role("link", name="Hent indsigten (ZIP)")
    expect(link).to_be_visible(timeout=60_000)
    expect(page.locator("#status")).to_contain_text("Klar")
    with page.expect_download() as download:
        link.click()
    data = pathlib.Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        html = archive.read("indsigt.html").decode()
        requests = json.loads(archive.read("data/requests.json"))
    assert "Indsigt: Lene Leder" in html
    assert [r["need"] for r in requests] == ["Lenes behov i browseren"]
    assert console_errors == []

    # Lene sees that Frida looked, from the user menu.
    page.context.clear_cookies()
    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.get_by_role("button", name="Lene Leder").click()
    page.get_by_role("link", name="Hvem har set mine oplysninger").click()
    expect(page.get_by_role("heading", name="Hvem har set mine oplysninger")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Frida Forvaltning")
    assert serious_accessibility_violations(page) == []
