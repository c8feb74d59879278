"""Tables people open in Excel: XLSX (openpyxl, streamed) or CSV (UTF-8 with a BOM so that
Excel shows Vietnamese correctly).

Every cell goes through :func:`cell_value`: dates are written as dates and numbers as
numbers (Excel sorts, sums and formats them in the reader's own locale), and text that a
spreadsheet would run as a formula is neutralised (OWASP's CSV-injection rule: a leading
``= + - @``, tab or carriage return gets a leading apostrophe), with the characters XLSX
cannot hold removed."""

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# Columns that hold long text, by key: their width in characters.
WIDE = {
    "full_name": 28,
    "reasons": 30,
    "village": 18,
    "commune": 22,
    "card": 14,
    "personal_id": 15,
    "phone": 12,
    "birth": 11,
}


DATE_FORMAT = "dd/mm/yyyy"
NUMBER_FORMAT = "#,##0"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 (so XLSX) cannot hold: control characters but tab, newline, carriage return.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class UnsupportedFormat(ValueError):
    pass


def clean_text(value: str) -> str:
    """Text without the characters XLSX cannot hold."""
    return _ILLEGAL.sub("", value)


def text_value(value: str) -> str:
    """Text for a CSV cell: a spreadsheet will show it, never run it (a leading apostrophe,
    as OWASP advises, where it would start a formula)."""
    value = clean_text(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def cell_value(value):
    """A value as it goes into a CSV cell: dates and numbers as themselves, text neutralised."""
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return text_value(str(value))


def xlsx_cell(sheet: Worksheet, value) -> WriteOnlyCell:
    """A cell of a streamed sheet: dates as dates and numbers as numbers, with formats; text
    kept exactly (a phone "+84…" stays so) but always text: stored as a string with Excel's
    quote prefix, never as a formula."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATE_FORMAT + " hh:mm"
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif value is None or isinstance(value, bool | int | float):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
            cell.number_format = NUMBER_FORMAT
    else:
        text = clean_text(str(value))
        cell = WriteOnlyCell(sheet, value=text)
        if text.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    return cell


def sheet_append(sheet: Worksheet, values: Sequence) -> None:
    """A row of an ordinary (not streamed) sheet whose text stays text, as ``xlsx_cell``
    writes it: a name or code starting like a formula is a string with the quote prefix.
    A streamed (write-only) sheet takes the cells of ``xlsx_cell``."""
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([xlsx_cell(sheet, value) for value in values])
        return
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


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
            writer.writerow([_csv_value(row[key]) for _, key in columns])
            count += 1
    return count


def _csv_value(value):
    if isinstance(value, date):
        return f"{value:%d/%m/%Y %H:%M}" if isinstance(value, datetime) else f"{value:%d/%m/%Y}"
    return cell_value(value)


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
        cell = xlsx_cell(sheet, title)
        cell.font = Font(bold=True, size=13)
        sheet.append([cell])
    headers = []
    for header, _ in columns:
        cell = xlsx_cell(sheet, header)
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, row[key]) for _, key in columns])
        count += 1
    book.save(path)
    return count
