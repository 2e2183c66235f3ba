"""Hours per pedagogist, course and week as CSV (for Danish Excel: semicolons, decimal commas,
a byte-order mark) and as an Excel workbook (numbers as numbers, dates as dates). Both stream
row by row, so a long period does not fill the memory."""

import csv
import io
from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from forloeb.hours.weeks import monday_of
from forloeb.models import HourCategory, HourEntry, SheetStatus
from forloeb.spreadsheet import _danish, _Echo, xlsx_cell


def entries_between(entries: QuerySet[HourEntry], start: date, end: date) -> QuerySet[HourEntry]:
    """The entries of the weeks from `start` to `end`, in the order of the export. `entries` is
    what the person may read (`forloeb.access.hour_entries_for`)."""
    return (
        entries.filter(sheet__week_start__gte=monday_of(start), sheet__week_start__lte=end)
        .select_related(
            "sheet__pedagogist__user",
            "course__agreement__request__institution",
            "course__agreement__request__group",
        )
        .order_by("sheet__pedagogist__user__name", "sheet__week_start", "course_id", "category")
    )


def headers() -> list[str]:
    return [
        pgettext("export", "Pedagogist"),
        pgettext("export", "Year"),
        pgettext("export", "Week"),
        pgettext("export", "Monday of the week"),
        pgettext("export", "Institution"),
        pgettext("export", "Group"),
        pgettext("export", "Course no."),
        pgettext("export", "Category"),
        pgettext("export", "Hours"),
        pgettext("export", "Status"),
    ]


def _row(entry: HourEntry) -> list:
    year, week, _day = entry.sheet.week_start.isocalendar()
    req = entry.course.agreement.request if entry.course else None
    return [
        entry.sheet.pedagogist.user.name,
        year,
        week,
        entry.sheet.week_start,
        req.institution.name if req else "",
        req.group.name if req and req.group else "",
        entry.course_id or _("Not tied to a course"),
        str(HourCategory(entry.category).label),
        entry.hours,
        str(SheetStatus(entry.sheet.status).label),
    ]


def csv_lines(entries: QuerySet[HourEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(headers())
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow([_danish(value) for value in _row(entry)])


def as_csv(entries: QuerySet[HourEntry], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def workbook(entries: QuerySet[HourEntry]) -> Workbook:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Hours"))
    for column, width in zip("ABCDEFGHIJ", (24, 7, 6, 14, 30, 16, 10, 14, 9, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for title in headers():
        cell = xlsx_cell(sheet, title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for entry in entries.iterator(chunk_size=2000):
        sheet.append([xlsx_cell(sheet, value) for value in _row(entry)])
    return book


def as_xlsx(entries: QuerySet[HourEntry], name: str) -> HttpResponse:

    buffer = io.BytesIO()
    workbook(entries).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
