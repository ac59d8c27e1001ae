"""safe_cell: text a spreadsheet program would run as a formula is written as text; everything else is unchanged."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from signing_platform.spreadsheets import safe_cell, safe_row

FORMULAS = [
    "=cmd|' /C calc'!A0", "=1+1", "+1+1", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1", "=", "-", "+86 139 0000 0000",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_starts_a_formula_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["张三", "", "a=b", "1+1", " =1+1", "'=already quoted", "13900000001", 2026, -5, 0, 3.14, -0.5, Decimal("-1.5"),
     datetime.date(2026, 7, 1), None, True],
)
def test_everything_else_is_unchanged(value):
    assert safe_cell(value) == value and type(safe_cell(value)) is type(value)


def test_a_row_keeps_its_order_and_its_numbers():
    assert safe_row(["=1+1", 5, "张三", -5]) == ["'=1+1", 5, "张三", -5]


def test_an_xlsx_written_through_safe_row_holds_text_not_formulas():
    workbook = Workbook()
    workbook.active.append(safe_row([*FORMULAS, -5]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = list(load_workbook(buffer).active.iter_rows(values_only=False))[0]
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in cells[:-1]) and cells[-1].value == -5
    assert cells[0].value == "'=cmd|' /C calc'!A0"


def test_a_csv_written_through_safe_row_reads_back_quoted():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(safe_row(FORMULAS))
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'" + text for text in FORMULAS]
