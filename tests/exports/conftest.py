"""Exports work on the signing cast (two units, a two-level school, a graduate in the first unit's favorites,
reviewers of each level and outsiders); `xlsx` reads what a download holds."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from tests.contracts.conftest import (  # noqa: F401
    _tab_counters_follow_every_change,
    cast,
    invite,
    many_invitations,
    second_graduate,
    sign,
    sign_until_school,
    unauthenticate,
)


def read_xlsx(data: bytes) -> SimpleNamespace:
    """The first sheet's rows (header first) as values, its cells, and every XML part's text (to search it)."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    cells = [list(row) for row in sheet.iter_rows()]
    return SimpleNamespace(
        title=sheet.title, rows=[[cell.value for cell in row] for row in cells], cells=cells, text=text,
        header=[cell.value for cell in cells[0]], body=[[cell.value for cell in row] for row in cells[1:]],
    )


@pytest.fixture
def xlsx():
    def read(response) -> SimpleNamespace:
        assert response.status_code == 200, response.status_code
        data = b"".join(response.streaming_content) if response.streaming else response.content
        return read_xlsx(data)

    return read
