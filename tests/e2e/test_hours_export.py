"""In Chromium: the administration asks for five years of hours in Excel, watches the worker
build it (the progress on the page) and downloads the file."""

import re
import threading
from datetime import timedelta
from decimal import Decimal

import openpyxl
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from forloeb.hours import services
from forloeb.hours import weeks as hours
from forloeb.models import (
    HourCategory,
    HourEntry,
    HourExport,
    HourExportStatus,
    SheetStatus,
    WeekSheet,
)
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD

WEEKS = 250  # almost five years
ROWS = WEEKS * len(HourCategory)
ROWS_DA = f"{ROWS:,}".replace(",", ".")  # as Danish writes it: 1.250


def _years_of_hours(world) -> tuple:
    mondays = [hours.this_monday() - timedelta(weeks=w) for w in range(1, WEEKS + 1)]
    sheets = WeekSheet.objects.bulk_create(
        WeekSheet(
            pedagogist=world.pedagogist,
            week_start=monday,
            status=SheetStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for monday in mondays
    )
    HourEntry.objects.bulk_create(
        HourEntry(sheet=sheet, course=None, category=category, hours=Decimal("1.5"))
        for sheet in sheets
        for category in HourCategory.values
    )
    return mondays[-1], mondays[0] + timedelta(days=6)


def test_a_large_excel_export_shows_its_progress_and_downloads(
    page, live_server, world, settings, console_errors
):
    settings.HOURS_EXPORT_XLSX_INLINE_ROWS = 100
    start, end = _years_of_hours(world)
    log_in(page, live_server.url, world.administrator.email, PASSWORD)
    page.goto(
        f"{live_server.url}{reverse('hours_delivered')}?fra={start.isoformat()}&til={end.isoformat()}"
    )
    page.get_by_role("link", name="Eksportér Excel").click()
    expect(page.get_by_text(f"{ROWS_DA} rækker timer")).to_be_visible()
    page.get_by_role("button", name="Byg Excel-filen").click()
    expect(page.get_by_role("heading", name="Excel-eksport af timer")).to_be_visible()
    expect(page.locator("#eksport-status")).to_contain_text("Venter")
    assert serious_accessibility_violations(page) == []
    made = HourExport.objects.get()

    # The worker's part, played by a thread calling what the task calls; it pauses after its
    # first progress report until the browser has seen it.
    halfway, seen = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def paused(written: int) -> None:
        if not halfway.is_set():
            halfway.set()
            seen.wait(timeout=30)

    def worker() -> None:
        try:
            services.hour_export_build(export_id=made.pk, progress_every=500, after_progress=paused)
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert halfway.wait(timeout=30)
    # The page reloads itself every two seconds while the file is built.
    expect(page.locator("#eksport-status")).to_contain_text(
        f"500 af {ROWS_DA} rækker", timeout=10_000
    )
    expect(page.locator("progress")).to_have_attribute("value", str(500 * 100 // ROWS))
    seen.set()
    thread.join(timeout=60)
    assert errors == []

    link = page.get_by_role("link", name=re.compile(r"Hent timer-.*\.xlsx"))
    expect(link).to_be_visible(timeout=10_000)
    expect(page.locator("#eksport-status")).to_contain_text("Klar")
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as downloaded:  # the path has no .xlsx ending
        book = openpyxl.load_workbook(downloaded)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Pædagog" and len(rows) == ROWS + 1
    assert {row[8] for row in rows[1:]} == {1.5}
    made.refresh_from_db()
    assert made.status == HourExportStatus.DONE
    assert console_errors == []
