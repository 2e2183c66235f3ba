"""The statistics' tables as CSV (for Danish Excel: semicolons, decimal commas, a UTF-8 BOM)
and as an Excel workbook (one sheet a table, numbers as numbers).

A small writer of its own: the hours' and dashboards' writer lives in a higher app, which
indsats may not import. The figures are counts and sums, but the table titles and district
names are text, so text that would start a formula still gets a leading apostrophe (OWASP's
advice).
"""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

from indsats.supportstats.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def tables_csv(name: str, tables: list[Table]) -> HttpResponse:
    """Each table under its title, a blank line between them."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([csv_cell(table.title)])
        writer.writerow([csv_cell(text) for text in table.header])
        for row in table.all_rows:
            writer.writerow([csv_cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx_cell(sheet, value, bold: Font | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
    if isinstance(value, Decimal):
        cell.number_format = "0.0"
    elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold is not None:
        cell.font = bold
    return cell


def tables_xlsx(name: str, tables: list[Table]) -> HttpResponse:
    """One sheet a table (write-only mode): the title, a bold header, then the rows."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        title = "".join(" " if ch in "[]:*?/\\" else ch for ch in table.title)
        sheet = book.create_sheet(title[:31])
        sheet.append([_xlsx_cell(sheet, table.title, bold)])
        sheet.append([_xlsx_cell(sheet, text, bold) for text in table.header])
        for row in table.all_rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
