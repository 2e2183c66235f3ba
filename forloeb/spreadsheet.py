import csv
import io
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

# A text cell starting with one of these is read as a formula (or a command) by Excel and
# LibreOffice: a name such as "=HYPERLINK(...)" must stay text in every export.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _danish(value) -> str:
    """A CSV cell: numbers the Danish way; text that would start a formula gets a leading
    apostrophe (OWASP's advice), numbers (-1,50 included) stay numbers."""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return f"'{text}" if is_formula_like(text) else text


def xlsx_cell(sheet, value) -> Cell:
    """An Excel cell: Decimals as numbers with two decimals, dates as dates, and text always as
    text (never a formula, whatever it starts with)."""
    cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
    if isinstance(value, Decimal):
        cell.number_format = "0.00"
    elif isinstance(value, date):
        cell.number_format = "DD-MM-YYYY"
    elif isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def table_csv(name: str, header: list[str], rows: list[list]) -> HttpResponse:
    """A small table (a dashboard's) as CSV for Danish Excel."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else _danish(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def table_xlsx(name: str, title: str, header: list[str], rows: list[list]) -> HttpResponse:
    """A small table as an Excel sheet: numbers as numbers, a bold frozen header."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = xlsx_cell(sheet, text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def table_response(fmt: str, name: str, title: str, header: list[str], rows: list[list]):
    """A dashboard's table as `fmt` ("csv" or "xlsx")."""
    if fmt == "xlsx":
        return table_xlsx(name, title, header, rows)
    return table_csv(name, header, rows)
