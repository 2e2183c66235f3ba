"""Every export writes text that looks like a formula as text (#15 item 6)."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from forloeb.spreadsheet import table_csv, table_xlsx

FORMULAS = [
    "=1+2",
    '=HYPERLINK("https://example.com","x")',
    "+45 12",
    "-x",
    "@SUM(A1)",
    "\tx",
    "\rx",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cells_that_start_a_formula_are_quoted(text):
    response = table_csv("t", ["Navn", "Timer"], [[text, Decimal("-1.50")], ["Æblehaven", -3]])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'" + text, "-1,50"]
    assert rows[2] == ["Æblehaven", "-3"]


@pytest.mark.parametrize("text", FORMULAS)
def test_xlsx_cells_that_start_a_formula_are_text(text):
    response = table_xlsx("t", "Ark", [text, "Timer"], [[text, Decimal("-1.50")], ["Æble", -3]])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, first, second = list(sheet.iter_rows(max_row=3))
    for cell in (header[0], first[0]):
        assert cell.data_type == "s"
        assert cell.value == text.replace("\r", "\n")  # XML keeps no lone carriage return
    assert first[1].value == -1.5 and first[1].data_type == "n"
    assert second[1].value == -3 and second[1].data_type == "n"
