"""Hours per pedagogist, course and week as CSV (for Danish Excel: semicolons, decimal commas,
a byte-order mark) and as an Excel workbook (numbers as numbers, dates as dates).

The exports scale with the database, not with Python: no model instances, one row of plain
values per hour entry. On PostgreSQL the CSV is made by the database itself (`COPY ... TO
STDOUT`, the values formatted in SQL exactly as `spreadsheet._danish` formats them) and streamed
to the person as it comes; elsewhere (SQLite) a `values_list` loop writes the same bytes. An
Excel file larger than `HOURS_EXPORT_XLSX_INLINE_ROWS` is built by the worker (`services.
hour_export_build`), which reports its progress as it writes.
"""

import contextlib
import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Replace
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from forloeb.hours.weeks import monday_of
from forloeb.models import HourCategory, HourEntry, SheetStatus
from forloeb.spreadsheet import _danish, _Echo, is_formula_like, xlsx_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The CSV goes out in pieces of about this many bytes (not one write per row).
CHUNK_BYTES = 64 * 1024

# The columns of a row, in the order of `headers()`.
COLUMNS = (
    "sheet__pedagogist__user__name",
    "sheet__week_start",
    "course__agreement__request__institution__name",
    "course__agreement__request__group__name",
    "course_id",
    "category",
    "hours",
    "sheet__status",
)
ORDER = ("sheet__pedagogist__user__name", "sheet__week_start", "course_id", "category")


def entries_between(entries: QuerySet[HourEntry], start: date, end: date) -> QuerySet[HourEntry]:
    """The entries of the weeks from `start` to `end`, in the order of the export. `entries` is
    what the person may read (`forloeb.access.hour_entries_for`)."""
    return entries.filter(
        sheet__week_start__gte=monday_of(start), sheet__week_start__lte=end
    ).order_by(*ORDER)


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


def rows(entries: QuerySet[HourEntry], *, chunk_size: int = 5000) -> Iterator[list]:
    """Each entry as the export's row of plain values (Decimal hours, a date for the Monday)."""
    categories = {value: str(label) for value, label in HourCategory.choices}
    statuses = {value: str(label) for value, label in SheetStatus.choices}
    no_course = _("Not tied to a course")
    for name, monday, institution, group, course_id, category, hours, status in entries.values_list(
        *COLUMNS
    ).iterator(chunk_size=chunk_size):
        year, week, _day = monday.isocalendar()
        yield [
            name,
            year,
            week,
            monday,
            institution or "",
            group or "",
            course_id or no_course,
            categories.get(category, category),
            hours,
            statuses.get(status, status),
        ]


# --- CSV ------------------------------------------------------------------------------------


def _header_line() -> bytes:
    return (
        "\ufeff" + csv.writer(_Echo(), delimiter=";", lineterminator="\n").writerow(headers())
    ).encode()


def _chunked(pieces: Iterable[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _python_lines(entries: QuerySet[HourEntry]) -> Iterator[bytes]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\n")
    for row in rows(entries):
        yield writer.writerow([_danish(value) for value in row]).encode()


class _Text(Func):
    """Text that would start a formula gets a leading apostrophe (as `spreadsheet._danish`)."""

    template = (
        "CASE WHEN LEFT(%(expressions)s, 1) IN ('=', '+', '-', '@', CHR(9), CHR(13)) "
        "THEN '''' || %(expressions)s ELSE %(expressions)s END"
    )
    output_field = CharField()


def _labels(field: str, choices) -> Case:
    return Case(
        *(When(**{field: value}, then=Value(str(label))) for value, label in choices),
        default=F(field),
        output_field=CharField(),
    )


def copy_sql(entries: QuerySet[HourEntry]) -> tuple[str, tuple]:
    """The SELECT whose rows are the CSV's lines, every value already formatted in SQL."""
    week_start = F("sheet__week_start")
    formatted = entries.annotate(
        x_name=_Text(F("sheet__pedagogist__user__name")),
        x_year=Func(
            week_start,
            template="EXTRACT(ISOYEAR FROM %(expressions)s)::int",
            output_field=IntegerField(),
        ),
        x_week=Func(
            week_start,
            template="EXTRACT(WEEK FROM %(expressions)s)::int",
            output_field=IntegerField(),
        ),
        x_monday=Func(
            week_start, template="TO_CHAR(%(expressions)s, 'DD.MM.YYYY')", output_field=CharField()
        ),
        x_institution=_Text(F("course__agreement__request__institution__name")),
        x_group=_Text(F("course__agreement__request__group__name")),
        x_course=Coalesce(
            Cast("course_id", CharField()),
            Value(_("Not tied to a course")),
            output_field=CharField(),
        ),
        x_category=_labels("category", HourCategory.choices),
        x_hours=Replace(Cast("hours", CharField()), Value("."), Value(",")),
        x_status=_labels("sheet__status", SheetStatus.choices),
    ).values_list(
        "x_name",
        "x_year",
        "x_week",
        "x_monday",
        "x_institution",
        "x_group",
        "x_course",
        "x_category",
        "x_hours",
        "x_status",
    )
    return formatted.query.sql_with_params()


def _copy_lines(entries: QuerySet[HourEntry]) -> Iterator[bytes]:
    sql, params = copy_sql(entries)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor (Django binds parameters on the client)
        select = raw.mogrify(sql, params)
        with raw.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')") as copy:
            for data in copy:
                yield bytes(data)


def csv_chunks(entries: QuerySet[HourEntry]) -> Iterator[bytes]:
    """The whole file: the header at once (the first byte before the database has sorted
    anything), then the rows in pieces of about 64 kB."""
    yield _header_line()
    lines: Callable[[QuerySet[HourEntry]], Iterator[bytes]] = (
        _copy_lines if connection.vendor == "postgresql" else _python_lines
    )
    yield from _chunked(lines(entries))


def as_csv(entries: QuerySet[HourEntry], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --- Excel ----------------------------------------------------------------------------------


def write_workbook(
    entries: QuerySet[HourEntry],
    target,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 5000,
) -> int:
    """Writes the workbook to `target` (a path or a binary file) row by row: openpyxl's
    write-only mode keeps only the row at hand, so memory stays flat however long the period.
    `progress(rows written)` is called every `every` rows. Returns the number of rows."""
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
    written = 0
    try:
        written = _append_rows(sheet, entries, progress, every)
    except BaseException:
        _let_go(book)  # rows that could not be read: the sheet's writer closed now
        raise
    _save(book, target)
    return written


def _append_rows(sheet, entries, progress, every) -> int:
    written = 0
    for row in rows(entries):
        # Whole numbers and harmless text go in as they are; only hours (a number format),
        # dates and text that looks like a formula need a cell object made here.
        sheet.append(
            [
                value
                if type(value) is int or (type(value) is str and not is_formula_like(value))
                else xlsx_cell(sheet, value)
                for value in row
            ]
        )
        written += 1
        if progress is not None and written % every == 0:
            progress(written)
    return written


def _let_go(book: Workbook) -> None:
    for sheet in book.worksheets:
        # The write-only sheet's row writer, stopped half way: closed here, not by a finaliser.
        rows_writer = getattr(sheet, "_rows", None)
        if rows_writer is not None:
            with contextlib.suppress(Exception):
                rows_writer.close()


def _save(book: Workbook, target) -> None:
    """`book.save(target)`, with the archive let go when the write fails (a full disk): left
    to the garbage collector, its close met the target already closed and raised from a
    finaliser, at whatever moment the collector ran."""
    archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    try:
        ExcelWriter(book, archive).save()  # closes the archive when it is whole
    except BaseException:
        with contextlib.suppress(OSError, ValueError):  # the write's own error is the one to tell
            archive.close()
        _let_go(book)
        archive.fp = None  # nothing left for a finaliser to close
        raise


def as_xlsx(entries: QuerySet[HourEntry], name: str) -> HttpResponse:
    """A workbook small enough to build in the request."""
    buffer = io.BytesIO()
    write_workbook(entries, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
