"""The week sheet, the delivered hours and the exports with a year of hours for 60 pedagogists
(about 28,000 hour rows): time per request and the exports' peak memory (numbers, not limits)."""

import tracemalloc
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from forloeb.hours import weeks as hours
from forloeb.models import HourEntry, SheetStatus, WeekSheet
from tests import factories
from tests.indsats.helpers import accept, agreement_in_force, make_request

PEDAGOGISTS = 60
WEEKS = 52


@pytest.fixture
def year_of_hours(world):
    courses = []
    for _n in range(3):
        start = hours.this_monday() - timedelta(weeks=WEEKS - 1)
        req = make_request(world, submit=True, wished_start=start, wished_weeks=52)
        accept(world, req, hours="4")
        courses.append(agreement_in_force(world, req)[0].course)
    pedagogists = [world.pedagogist] + [
        factories.PedagogistFactory() for _ in range(PEDAGOGISTS - 1)
    ]
    mondays = [hours.this_monday() - timedelta(weeks=w) for w in range(1, WEEKS + 1)]
    sheets = WeekSheet.objects.bulk_create(
        WeekSheet(pedagogist=p, week_start=m, status=SheetStatus.OPEN)
        for p in pedagogists
        for m in mondays
    )
    entries = []
    for sheet in sheets:
        for course in courses:
            entries.append(HourEntry(sheet=sheet, course=course, category="practice", hours=4))
            entries.append(HourEntry(sheet=sheet, course=course, category="preparation", hours=1))
        for category, value in (("meeting", "3"), ("transport", "2"), ("practice", "17")):
            entries.append(
                HourEntry(sheet=sheet, course=None, category=category, hours=Decimal(value))
            )
    HourEntry.objects.bulk_create(entries, batch_size=5000)
    WeekSheet.objects.update(status=SheetStatus.SUBMITTED, submitted_at=world.leader.date_joined)
    return {"courses": courses, "entries": len(entries), "mondays": mondays}


def _peak_mb(func) -> float:
    tracemalloc.start()
    func()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 1024 / 1024, 1)


def test_bench_hours(client, world, year_of_hours, bench, settings):
    # A year here is 28,000 rows: measured in the request, as before issue 21 (beyond
    # HOURS_EXPORT_XLSX_INLINE_ROWS the app builds it in the background instead).
    settings.HOURS_EXPORT_XLSX_INLINE_ROWS = 10**9
    facts = {"pedagogists": PEDAGOGISTS, "weeks": WEEKS, "hour_rows": year_of_hours["entries"]}
    client.force_login(world.pedagogist.user)
    year, week, _day = year_of_hours["mondays"][0].isocalendar()
    sheet_url = reverse("week_sheet", args=[year, week])
    assert client.get(sheet_url).status_code == 200
    bench("hours_week_sheet", lambda: client.get(sheet_url), **facts)

    client.force_login(world.administrator)
    delivered = reverse("hours_delivered")
    assert client.get(delivered).status_code == 200
    bench("hours_delivered_8_weeks", lambda: client.get(delivered), **facts)

    period = {
        "fra": year_of_hours["mondays"][-1].isoformat(),
        "til": year_of_hours["mondays"][0].isoformat(),
    }
    csv_url, xlsx_url = (reverse("hours_export", args=[fmt]) for fmt in ("csv", "xlsx"))

    def csv_export():
        response = client.get(csv_url, period)
        return sum(len(chunk) for chunk in response.streaming_content)

    def xlsx_export():
        return len(client.get(xlsx_url, period).content)

    lines = csv_export()
    assert lines > year_of_hours["entries"] * 40
    bench(
        "hours_export_csv_year",
        csv_export,
        rounds=5,
        warmup=1,
        peak_memory_mb=_peak_mb(csv_export),
        **facts,
    )
    bench(
        "hours_export_xlsx_year",
        xlsx_export,
        rounds=3,
        warmup=1,
        peak_memory_mb=_peak_mb(xlsx_export),
        **facts,
    )
