"""Tables people open in Excel: XLSX (streamed, see :class:`XlsxStream`) or CSV (UTF-8 with a
BOM so that Excel shows Vietnamese correctly).

Every cell goes through :func:`cell_value`: dates are written as dates and numbers as
numbers (Excel sorts, sums and formats them in the reader's own locale), and text that a
spreadsheet would run as a formula is neutralised (OWASP's CSV-injection rule: a leading
``= + - @``, tab or carriage return gets a leading apostrophe), with the characters XLSX
cannot hold removed."""

import csv
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl.cell import WriteOnlyCell
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
    widths = [max(len(header) + 2, WIDE.get(key, 10)) for header, key in columns]
    keys = [key for _, key in columns]
    with XlsxStream(path, widths=widths, header_rows=2 if title else 1) as sheet:
        if title:
            sheet.append([title], style=XlsxStream.TITLE)
        sheet.append([header for header, _ in columns], style=XlsxStream.HEADER)
        count = 0
        for row in rows:
            sheet.append([row[key] for key in keys])
            count += 1
    return count


# The parts of a one-sheet workbook around the sheet itself (SpreadsheetML, ECMA-376).
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.styles+xml"/></Types>'
)
_ROOT_RELS = (
    f'{_HEAD}<Relationships xmlns="{_PACKAGE_REL}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'{_HEAD}<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
# Cell styles by index (cellXfs): 0 plain, 1 date, 2 date and time, 3 number "#,##0",
# 4 header (bold), 5 title (bold, larger); each again from 6 on with Excel's quote prefix, the
# mark of text that only looks like a formula (QUOTED is the offset).
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATE_FORMAT} hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="13"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="12">'
    + "".join(
        f'<xf numFmtId="{number}" fontId="{font}" fillId="0" borderId="0" xfId="0"'
        + (' applyNumberFormat="1"' if number else "")
        + (' applyFont="1"' if font else "")
        + (' quotePrefix="1"/>' if quoted else "/>")
        for quoted in (False, True)
        for number, font in ((0, 0), (164, 0), (165, 0), (3, 0), (0, 1), (0, 2))
    )
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
_EXCEL_EPOCH = date(1899, 12, 30)
_EPOCH_ORDINAL = _EXCEL_EPOCH.toordinal()


def _column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class XlsxStream:
    """One sheet of an XLSX file written row by row straight into its zip entry: constant
    memory whatever the number of rows. About eight times the rows per second of openpyxl's
    write-only mode or XlsxWriter's constant-memory mode, both of which build an object per
    cell (measured on worklist rows: 60,000 against 7,000 rows/s); a worklist export of a
    large commune is written in under a second. Text is written inline (no shared-string
    table to hold), as text: a value that would start a formula gets Excel's quote prefix."""

    PLAIN, DATE, DATETIME, NUMBER, HEADER, TITLE = range(6)
    QUOTED = 6
    _FLUSH = 500  # rows kept as text before they go to the compressor

    def __init__(self, path: Path, *, widths: Sequence[float], header_rows: int = 1) -> None:
        self.path, self.widths, self.header_rows = path, widths, header_rows
        self.letters = [_column_letters(n) for n in range(1, len(widths) + 1)]
        self.rows = 0
        self._pending: list[str] = []

    def __enter__(self) -> "XlsxStream":
        # Level 1: the sheet's XML compresses about tenfold even so, at a fraction of the time.
        self._zip = zipfile.ZipFile(
            self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        )
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
            ("xl/workbook.xml", self._workbook()),
        ):
            self._zip.writestr(name, text)
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._sheet.write(self._sheet_head().encode())
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self._flush()
            self._sheet.write(self._sheet_tail().encode())
        self._sheet.close()
        self._zip.close()

    def _workbook(self) -> str:
        # Printed lists repeat the title and header rows on every page.
        return (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets><definedNames>'
            '<definedName name="_xlnm.Print_Titles" localSheetId="0">'
            f"'Danh sách'!$1:${self.header_rows}</definedName></definedNames></workbook>"
        )

    def _sheet_head(self) -> str:
        first = f"A{self.header_rows + 1}"
        columns = "".join(
            f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
            for n, width in enumerate(self.widths, start=1)
        )
        # Printed lists (door-to-door, village meetings) fit the page width, landscape.
        return (
            f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            '<sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{self.header_rows}" topLeftCell="{first}" activePane="bottomLeft"'
            ' state="frozen"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
        )

    def _sheet_tail(self) -> str:
        return (
            '</sheetData><pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75"'
            ' header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            "</worksheet>"
        )

    def append(self, values: Sequence, *, style: int = PLAIN) -> None:
        """A row: text as text, dates as dates, numbers as numbers; ``style`` HEADER or TITLE
        for the rows above the table."""
        self.rows += 1
        number = str(self.rows)
        cells = []
        for letter, value in zip(self.letters, values, strict=False):
            if value is None or value == "":
                continue
            cells.append(self._cell(f"{letter}{number}", value, style))
        self._pending.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(self._pending) >= self._FLUSH:
            self._flush()

    def _cell(self, ref: str, value, style: int) -> str:
        if isinstance(value, str):
            text = clean_text(value)
            if text.startswith(_FORMULA_START):
                style += self.QUOTED
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            return (
                f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_xml_text(text)}'
                "</t></is></c>"
            )
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, datetime):
            moment = value.replace(tzinfo=None) - datetime(1899, 12, 30)
            serial = moment.days + moment.seconds / 86400
            return f'<c r="{ref}" s="{self.DATETIME}"><v>{serial!r}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="{self.DATE}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'
        if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            if isinstance(value, int) and abs(value) >= 1000:
                style = self.NUMBER
            return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
        return self._cell(ref, str(value), style)

    def _flush(self) -> None:
        if self._pending:
            self._sheet.write("".join(self._pending).encode())
            self._pending.clear()
