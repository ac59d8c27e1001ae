"""Writing an export's rows as an XLSX file in constant memory.

openpyxl's write-only mode writes each appended row to a temporary file at once (with inline strings, so there is no
shared-strings table growing with the rows) and zips it into the target at save: memory does not grow with the row
count (bench/exports.py measures it against a normal-mode workbook of the same rows). Every cell goes through
signing_platform.spreadsheets.safe_row, so text that a spreadsheet would run as a formula is written as text.
"""

from collections.abc import Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from signing_platform.spreadsheets import safe_row

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Wide enough for a name, a masked ID number or a time; a unit's name wraps at the edge.
COLUMN_WIDTH = 20


def write_xlsx(target, *, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence],
               progress: Callable[[int], None] | None = None, every: int = 2000) -> int:
    """Write the header row and `rows` to `target` (a path or a binary file); `progress(n)` after every `every`
    rows. Returns how many rows were written (the header not counted)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTH
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in safe_row(headers):
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    written = 0
    for row in rows:
        sheet.append(safe_row(row))
        written += 1
        if progress is not None and written % every == 0:
            progress(written)
    workbook.save(target)
    return written
