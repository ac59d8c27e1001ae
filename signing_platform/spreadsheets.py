"""Cells of the spreadsheets and CSV files the platform writes: text a spreadsheet program would run as a formula is
written as plain text.

What people import is kept as they typed it (a roster name `=cmd|' /C calc'!A0` is data, and the pages escape it);
the danger is a file we write being opened in Excel or WPS, which take a cell starting with = + - @ (or a tab or
carriage return before them) as a formula. OWASP's remedy: a leading single quote, which makes the cell text.
Every writer of XLSX or CSV passes its rows through `safe_row` (openpyxl would even store such text as a formula).
"""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that would start a formula, prefixed with '; anything else (numbers, dates, other text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]
