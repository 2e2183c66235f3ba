"""forloeb.access: who sees hours and week sheets, and what the closing report and the hour
exports hold for each person (leader, pedagogist, administration, staff, outsider)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from forloeb import access
from forloeb.hours import weeks as hours
from forloeb.models import HourCategory, HourEntry, SheetStatus, WeekSheet
from tests.indsats.helpers import agreement_in_force

ROLES = ["leader", "pedagogist", "administration", "staff", "outsider"]
PRACTICE = Decimal("7.75")
SPARRING = Decimal("1.25")
OPEN_WEEK = Decimal("3.5")


@pytest.fixture
def course_with_hours(world):
    """Paula's submitted week with practice on the course and sparring on no course, and an
    open (not yet submitted) week with more practice."""
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    submitted = WeekSheet.objects.create(
        pedagogist=world.pedagogist,
        week_start=hours.this_monday(),
        status=SheetStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    HourEntry.objects.create(
        sheet=submitted, course=course, category=HourCategory.PRACTICE, hours=PRACTICE
    )
    HourEntry.objects.create(
        sheet=submitted, course=None, category=HourCategory.SPARRING, hours=SPARRING
    )
    open_week = WeekSheet.objects.create(
        pedagogist=world.pedagogist, week_start=hours.this_monday() - timedelta(weeks=1)
    )
    HourEntry.objects.create(
        sheet=open_week, course=course, category=HourCategory.PRACTICE, hours=OPEN_WEEK
    )
    return course


def _pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize(
    ("role", "status", "hours_shown"),
    [
        ("leader", 200, True),
        ("pedagogist", 200, True),
        ("administration", 200, True),
        ("staff", 200, False),
        ("outsider", 404, False),
    ],
)
def test_closing_report_shows_hours_only_to_whoever_sees_them_on_the_course_page(
    client, world, course_with_hours, role, status, hours_shown
):
    course = course_with_hours
    client.force_login(world.user_for(role))
    page = client.get(reverse("course_detail", args=[course.pk]))
    response = client.get(reverse("course_report", args=[course.pk]))
    assert page.status_code == response.status_code == status
    assert access.closing_report_shows_hours(world.user_for(role), course) is hours_shown
    if status != 200:
        return
    text = _pdf_text(response)
    assert "Forløbsrapport (foreløbig)" in text and "Børnehuset Mariehønen" in text
    assert ("Timer leveret" in text or "Leverede timer" in text) is hours_shown
    assert ("7,75" in text) is hours_shown
    assert ("7,75" in page.content.decode()) is hours_shown
    # Only submitted weeks count, and never the sparring outside the course.
    assert "3,5" not in text and "1,25" not in text


def _export_rows(client, fmt: str):
    response = client.get(reverse("hours_export", args=[fmt]))
    if response.status_code != 200:
        return response.status_code, None
    if fmt == "csv":
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body), delimiter=";"))[1:]
        return 200, sorted(row[8] for row in rows)
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    return 200, sorted(f"{Decimal(str(row[8])):.2f}".replace(".", ",") for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("role", "status", "shown"),
    [
        # The course's submitted hours; the leader never sees the pedagogist's other work.
        ("leader", 200, ["7,75"]),
        # The pedagogist's own weeks, open ones included.
        ("pedagogist", 200, ["1,25", "3,50", "7,75"]),
        # Every reported week.
        ("administration", 200, ["1,25", "7,75"]),
        # Staff see no hours on the course page, so they get no export.
        ("staff", 404, None),
        # Another institution's leader: an export without rows.
        ("outsider", 200, []),
    ],
)
def test_hour_exports_per_role(client, world, course_with_hours, fmt, role, status, shown):
    client.force_login(world.user_for(role))
    assert _export_rows(client, fmt) == (status, shown)


@pytest.mark.parametrize(
    ("role", "entries", "sheets", "approves", "sees_hours"),
    [
        ("leader", [PRACTICE], 0, False, True),
        ("pedagogist", [SPARRING, OPEN_WEEK, PRACTICE], 2, False, True),
        ("administration", [SPARRING, PRACTICE], 2, True, True),
        ("staff", [], 0, False, False),
        ("outsider", [], 0, False, True),
    ],
)
def test_hour_scopes(world, course_with_hours, role, entries, sheets, approves, sees_hours):
    user = world.user_for(role)
    assert sorted(access.hour_entries_for(user).values_list("hours", flat=True)) == sorted(entries)
    assert access.week_sheets_for(user).count() == sheets
    assert access.can_approve_hours(user) is approves
    assert access.can_see_hours(user) is sees_hours


def test_no_one_signed_out_or_inactive_sees_hours(world, course_with_hours):
    from django.contrib.auth.models import AnonymousUser

    assert not access.can_see_hours(AnonymousUser())
    assert not access.hour_entries_for(AnonymousUser()).exists()
    world.administrator.is_active = False
    assert not access.can_see_hours(world.administrator)
    assert not access.hour_entries_for(world.administrator).exists()
    assert not access.week_sheets_for(world.administrator).exists()
