"""Tables people open in Excel: XLSX (openpyxl, streamed) or CSV (UTF-8 with a BOM so that
Excel shows Vietnamese correctly)."""

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Columns that hold long text, by key: their width in characters.
WIDE = {"full_name": 28, "reasons": 30, "village": 18, "commune": 22, "card": 14,
        "personal_id": 15, "phone": 12, "birth": 11}  # fmt: skip


class UnsupportedFormat(ValueError):
    pass


def write_table(
    path: Path, *, columns: Sequence[tuple[str, str]], rows: Iterable[dict], title: str = ""
) -> int:
    """Write ``rows`` (dicts keyed by the second item of each column) under the headers
    (first items); the format follows the file's suffix. Returns the number of rows."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _write_csv(path, columns, rows)
    if suffix == ".xlsx":
        return _write_xlsx(path, columns, rows, title)
    raise UnsupportedFormat(
        f"{path.name}: chỉ ghi được .xlsx hoặc .csv / only .xlsx or .csv can be written"
    )


def _write_csv(path: Path, columns: Sequence[tuple[str, str]], rows: Iterable[dict]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for header, _ in columns])
        for row in rows:
            writer.writerow([row[key] for _, key in columns])
            count += 1
    return count


def _write_xlsx(
    path: Path, columns: Sequence[tuple[str, str]], rows: Iterable[dict], title: str
) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.freeze_panes = "A3" if title else "A2"
    # Printed lists (door-to-door, village meetings) fit the page width, landscape.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    for index, (header, key) in enumerate(columns, start=1):
        # Wide enough to read without resizing: the header, or more for names and places.
        width = max(len(header) + 2, WIDE.get(key, 10))
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    if title:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True, size=13)
        sheet.append([cell])
    headers = []
    for header, _ in columns:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    count = 0
    for row in rows:
        sheet.append([row[key] for _, key in columns])
        count += 1
    book.save(path)
    return count
