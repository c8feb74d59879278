"""Rows of a commune's file (CSV or XLSX), streamed, each with where it came from.

Files are read as communes make them: title rows above the header (the header is the first
row, among the first :data:`HEADER_SEARCH_ROWS`, where at least three cells name a field),
several sheets, a row of column numbers "(1) (2) (3)" under the header, the header repeated
further down, blank lines. CSV is read with the csv module, streamed.

XLSX is read with python-calamine (Rust), five to ten times faster than openpyxl, which is
what makes an XLSX import as fast as the same rows as CSV. calamine reads a whole sheet into
memory and cannot stream it, says a formula's error ("#N/A") as an empty cell, and copies a
shared string into every cell that uses it. So openpyxl in read-only mode (streamed, memory
flat) still reads a file with an error cell, a shared string longer than the cell limit, or
more cells than :data:`CALAMINE_MAX_MB` holds (:func:`_calamine_fits`); both give the same
cells (:func:`_calamine_rows`). limits.file_check has checked the zip before either opens it.
"""

import codecs
import csv
import hashlib
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import python_calamine
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cancuoc.lib.text import nfc, strip_diacritics

from .errors import ImportFileError
from .limits import KEPT_CHARS, ImportLimits, csv_dialect, long_text
from .mapping import Columns, header_key, person_columns

HEADER_SEARCH_ROWS = 30
IDENTITY_NUMBERS = {"personal_id", "card_number"}
MIN_HEADER_FIELDS = 3
CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_COLUMN_NUMBER = re.compile(r"\(?\d{1,3}\)?")
# What calamine may hold of one sheet, as _calamine_fits estimates it; a larger sheet is
# streamed by openpyxl, slower but in flat memory.
CALAMINE_MAX_MB = 2048
CALAMINE_CELL_BYTES = 64  # a cell in calamine's grid (32) and as a Python object, read
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_ERROR_CELL = re.compile(rb"\st\s*=\s*[\"']e[\"']")


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    lines: int  # newlines in the file: the size of a CSV in rows, for the progress bar
    encoding: str  # of a CSV: utf-8-sig, or cp1258 (Vietnamese Windows) when not UTF-8


@dataclass
class _BadByte:
    """Where a decoding of the whole file first failed."""

    offset: int = -1
    line: int = 0
    byte: int = 0

    def note(self, chunk: bytes, start: int, lines: int, at: int) -> None:
        self.offset, self.byte = start + at, chunk[at] if at < len(chunk) else 0
        self.line = lines + chunk.count(b"\n", 0, at) + 1


def file_facts(path: Path) -> FileFacts:
    """One pass over the bytes: the checksum that identifies the file, and, of a CSV, its
    encoding, the whole file decoded before any row is read: UTF-8 if it all decodes;
    Windows-1258 if it all decodes so and has no UTF-8 letter before its first byte that is
    not UTF-8. Otherwise :class:`ImportFileError`, naming the line and byte: a UTF-8 file
    with one stray byte must not be read as Windows-1258 (every letter would be garbled), nor
    fail half-way through its import."""
    text = path.suffix.lower() in CSV_SUFFIXES
    if text:
        with path.open("rb") as handle:
            if handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                return _utf16_facts(path)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_bad, cp1258_bad = _BadByte(), _BadByte()
    lines = start = 0
    letters_before = False  # non-ASCII (so UTF-8 letters) before the first bad UTF-8 byte
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            if text and utf8_bad.offset < 0:
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    # the error counts from the bytes held back from the last chunk
                    at = max(error.start - pending, 0)
                    utf8_bad.note(chunk, start, lines, at)
                    letters_before = letters_before or not chunk[:at].isascii()
                else:
                    letters_before = letters_before or not chunk.isascii()
            if text and cp1258_bad.offset < 0:
                try:
                    chunk.decode("cp1258")  # one byte a character: chunks decode alone
                except UnicodeDecodeError as error:
                    cp1258_bad.note(chunk, start, lines, error.start)
            lines += chunk.count(b"\n")
            start += len(chunk)
    if text and utf8_bad.offset < 0:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_bad = _BadByte(start, lines + 1, 0)
    if not text or utf8_bad.offset < 0:
        return FileFacts(digest.hexdigest(), lines, "utf-8-sig")
    if letters_before or cp1258_bad.offset >= 0:
        bad = utf8_bad
        raise ImportFileError(
            f"tệp {path.name} không phải văn bản UTF-8 (hay Windows-1258): byte 0x{bad.byte:02X} "
            f"ở dòng {bad.line:,} (byte thứ {bad.offset + 1:,}); không nhập dòng nào, hãy lưu "
            "lại tệp dạng CSV UTF-8",
            f"file {path.name} is not UTF-8 (nor Windows-1258) text: byte 0x{bad.byte:02X} on "
            f"line {bad.line:,} (byte {bad.offset + 1:,}); no row imported, save the file "
            "again as CSV UTF-8",
        )
    return FileFacts(digest.hexdigest(), lines, "cp1258")


def _utf16_facts(path: Path) -> FileFacts:
    """A CSV in UTF-16 with its byte-order mark (Excel's "Unicode text"), decoded whole;
    a byte that does not decode is an error naming its line, as for UTF-8."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-16")()
    lines = start = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            pending = len(decoder.getstate()[0])
            try:
                decoded = decoder.decode(chunk, final=len(chunk) < 1 << 20)
            except UnicodeDecodeError as error:
                at = max(error.start - pending, 0)
                line = lines + chunk[:at].decode("utf-16-le", "replace").count("\n") + 1
                raise ImportFileError(
                    f"tệp {path.name} không phải văn bản UTF-16: byte thứ {start + at + 1:,} ở "
                    f"dòng {line:,} không đọc được; không nhập dòng nào, hãy lưu lại tệp dạng "
                    "CSV UTF-8",
                    f"file {path.name} is not UTF-16 text: byte {start + at + 1:,} on line "
                    f"{line:,} does not decode; no row imported, save the file again as CSV UTF-8",
                ) from None
            lines += decoded.count("\n")
            start += len(chunk)
    return FileFacts(digest.hexdigest(), lines, "utf-16")


@dataclass
class SheetLayout:
    name: str
    index: int
    header_row: int
    headers: list[str]  # the header text of each position, as typed ("" if none)
    fields: dict[int, str]  # position -> field (of PersonRecord, or of the columns read)
    estimated_rows: int
    canonical: dict[str, str]  # field -> its canonical header, for fields the file lacks
    max_cell_chars: int = 1000  # longer cells reject their row (parsing.py)
    titles: tuple[str, ...] = ()  # the cells of the rows above the header, as typed
    text_only: bool = False  # a CSV: every cell is text, numbers as typed (or as exported)
    # positions of the columns holding identity numbers beyond the first of their field
    # ("Số CMND/CCCD", a second "Số CCCD"): their values go where their length says
    number_positions: tuple[int, ...] = ()
    # where the signatures start, for the footer rows after it (see _footer)
    person_positions: tuple[int, ...] = ()

    @cached_property
    def unmapped_positions(self) -> list[int]:
        return [i for i in range(len(self.headers)) if i not in self.fields]

    def unmapped(self) -> list[str]:
        return [h for i, h in enumerate(self.headers) if h and i not in self.fields]

    @cached_property
    def field_headers(self) -> dict[str, str]:
        return {name: self.headers[i] for i, name in self.fields.items()}

    def column(self, position: int) -> str:
        """The header of a position, or its letter when it has none."""
        if position < len(self.headers) and self.headers[position]:
            return self.headers[position]
        return get_column_letter(position + 1)

    def repeats_header(self, cells) -> bool:
        return all(i < len(cells) and _text(cells[i]) == self.headers[i] for i in self.fields)


@dataclass
class FileLayout:
    sheets: list[SheetLayout]
    limits: ImportLimits
    # what is not imported, and why: {"vi": …, "en": …} (errors.note_text)
    notes: list[dict[str, str]] = field(default_factory=list)
    # The sheets calamine read for the layout, by index, read again by file_rows rather than
    # from the file (in the reading process, forked, they are shared with this one).
    grids: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "grids": {}}  # calamine's sheets do not pickle

    @property
    def estimated_rows(self) -> int:
        return sum(s.estimated_rows for s in self.sheets)


@dataclass(frozen=True, slots=True)
class SourceRow:
    sheet: SheetLayout
    number: int  # the row as Excel shows it (1-based, title and header rows included)
    raw: tuple  # every cell as read (text, number, datetime)
    cells: dict[str, Any]  # field -> its cell

    @property
    def sheet_name(self) -> str:
        return self.sheet.name

    def __reduce__(self):
        # By position: a dataclass with slots pickles through dataclasses.fields() per object
        # (rows cross from the reading process to the writing one, see pipeline.py).
        return (SourceRow, (self.sheet, self.number, self.raw, self.cells))

    def header(self, name: str) -> str:
        """The header the file gives to field ``name`` (the canonical one if it has none)."""
        return self.sheet.field_headers.get(name) or self.sheet.canonical.get(name, name)

    def values(self) -> list[tuple[str, Any]]:
        """(header, value as JSON) of every column, to keep the row whole."""
        width = len(self.sheet.headers)
        return [
            (self.sheet.column(i), _json(cell))
            for i, cell in enumerate(self.raw)
            if i < width or not _blank([cell])
        ]


def file_layout(
    path: Path,
    facts: FileFacts,
    columns: Columns | None = None,
    limits: ImportLimits | None = None,
) -> FileLayout:
    """Find the header of every sheet, before any row is imported: a sheet whose header
    lacks a required column, or maps two columns to one field, stops the import here.
    ``columns``: what the file holds (by default the person file; rosters have their own).
    ``limits``: checked again row by row as the file is read (by default the command's)."""
    columns = columns or person_columns()
    layout = FileLayout([], limits or ImportLimits.from_settings())
    for name, index, estimated, rows in _sheets(path, facts, layout.limits, layout.grids):
        found, filled, titles = None, 0, []
        for number, cells in rows:
            fields = _header_fields(cells, columns.aliases) if number <= HEADER_SEARCH_ROWS else {}
            named = set(fields.values())
            if len(fields) >= MIN_HEADER_FIELDS or named.issuperset(columns.required):
                found = number, [_text(c) for c in cells], fields, titles
                break
            filled += not _blank(cells)
            if number <= HEADER_SEARCH_ROWS:
                titles += [t for c in cells if isinstance(c, str) and (t := _text(c)[:200])]
        if found is None:
            layout.notes.append(
                {
                    "vi": f"Trang tính “{name}”: không thấy dòng tiêu đề trong "
                    f"{HEADER_SEARCH_ROWS} dòng đầu, không nhập {filled} dòng có dữ liệu",
                    "en": f"Sheet “{name}”: no header row in the first {HEADER_SEARCH_ROWS} "
                    f"rows, {filled} non-empty rows not imported",
                }
            )
            layout.grids.pop(index, None)
            continue
        number, headers, fields, titles = found
        numbers = _numbers_gathered(fields)
        _check_fields(name, headers, fields, columns)
        sheet = SheetLayout(
            name,
            index,
            number,
            headers,
            fields,
            max(estimated - number, 0),
            columns.headers,
            layout.limits.max_cell_chars,
            titles=tuple(titles),
            text_only=path.suffix.lower() in CSV_SUFFIXES,
            number_positions=numbers,
            person_positions=tuple(
                i for i, f in fields.items() if f in ("full_name", "birth_date", "sex")
            ),
        )
        if sheet.unmapped():
            unmapped = ", ".join(sheet.unmapped())
            layout.notes.append(
                {
                    "vi": f"Trang tính “{name}”: các cột không nhập vào sổ (giữ trong tệp gốc): "
                    f"{unmapped}",
                    "en": f"Sheet “{name}”: columns not imported into the register (kept in "
                    f"the file): {unmapped}",
                }
            )
        layout.sheets.append(sheet)
    if not layout.sheets:
        raise ImportFileError(
            f"không tìm thấy dòng tiêu đề {columns.what_vi} trong tệp",
            f"no header row of {columns.what_en} in the file",
        )
    return layout


def _numbers_gathered(fields: dict[int, str]) -> tuple[int, ...]:
    """The positions whose values go where their length says (parsing.py): every column of
    both numbers ("Số CMND/CCCD"), and a second column of one of them ("Số CCCD" beside "Số
    định danh"), which is read so rather than refusing the file for two alike headers."""
    seen: set[str] = set()
    gathered = []
    for position, name in fields.items():
        if name == "id_numbers" or (name in IDENTITY_NUMBERS and name in seen):
            fields[position] = "id_numbers"
            gathered.append(position)
        seen.add(name)
    return tuple(gathered)


def _check_fields(sheet: str, headers: list[str], fields: dict[int, str], columns: Columns) -> None:
    seen: dict[str, int] = {}
    for position, name in fields.items():
        if name in seen and name != "id_numbers":
            first, second = headers[seen[name]], headers[position]
            raise ImportFileError(
                f"trang tính “{sheet}”: hai cột “{first}” và “{second}” cùng là "
                f"“{columns.headers.get(name, name)}”",
                f"sheet “{sheet}”: columns “{first}” and “{second}” both map to “{name}”",
            )
        seen[name] = position
    missing = [columns.headers.get(n, n) for n in columns.required if n not in seen]
    if missing:
        raise ImportFileError(
            f"trang tính “{sheet}”: thiếu cột bắt buộc {', '.join(missing)}",
            f"sheet “{sheet}”: required columns missing: {', '.join(missing)}",
        )


def file_rows(path: Path, facts: FileFacts, layout: FileLayout) -> Iterator[SourceRow]:
    """Every data row of the file, in order; blank rows, the column-number row under the
    header and repeated headers are left out (they are no one's data)."""
    by_index = {s.index: s for s in layout.sheets}
    # each sheet's grid is let go of as its rows are read (in a forked reader, its copy)
    grids = layout.grids
    for _name, index, _estimated, rows in _sheets(path, facts, layout.limits, grids, read=True):
        sheet = by_index.get(index)
        if sheet is None:
            continue
        fields = sheet.fields.items()
        signed = False  # a footer row was seen: the signatures and names below it are not
        for number, cells in rows:
            if number <= sheet.header_row or _blank(cells):
                continue
            if number == sheet.header_row + 1 and _column_numbers(cells):
                continue
            if sheet.repeats_header(cells):
                continue
            if not _person_like(sheet, cells) and _section(cells):
                continue
            if not _person_like(sheet, cells) and (signed or _footer(cells)):
                signed = True
                continue
            width = len(cells)
            row_cells = {name: cells[i] if i < width else None for i, name in fields}
            if sheet.number_positions:
                row_cells["id_numbers"] = tuple(
                    cells[i] for i in sheet.number_positions if i < width
                )
            yield SourceRow(sheet, number, cells, row_cells)


def _sheets(
    path: Path, facts: FileFacts, limits: ImportLimits, grids: dict, *, read: bool = False
) -> Iterator[tuple[str, int, int, Iterator]]:
    """(name, index, estimated rows, iterator of (row number, cells)) of every sheet.
    ``grids``: the sheets calamine read, by index: filled, or (``read``) taken from."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        sheets = _csv_sheet(path, facts)
    elif suffix in XLSX_SUFFIXES:
        sheets = _xlsx_sheets(path, limits, grids, read)
    else:
        raise ImportFileError(
            f"không đọc được tệp {suffix or 'không đuôi'}: hãy lưu thành .xlsx hoặc .csv",
            f"cannot read a {suffix or 'suffix-less'} file: save it as .xlsx or .csv",
        )
    read = [0]  # rows of every sheet so far
    for name, index, estimated, rows in sheets:
        yield name, index, estimated, _within(path.name, name, rows, limits, read)


def _within(
    file: str, sheet: str, rows: Iterator, limits: ImportLimits, read: list[int]
) -> Iterator[tuple[int, Any]]:
    """The rows of a sheet, stopped at the first over the limits: what limits.file_check
    could not see (cells without a reference, a file changed since) costs no more than that.
    An error of the XLSX reader half-way (a part that does not decompress or parse) is said
    as an ImportFileError, with where."""
    number = 0
    try:
        for number, cells in rows:
            read[0] += 1
            if read[0] > limits.max_rows or number > limits.max_rows:
                raise limits.rows_error(f"tệp {file}", f"file {file}")
            if len(cells) > limits.max_columns:
                raise limits.columns_error(
                    f"tệp {file}, {sheet}, dòng {number}",
                    f"file {file}, {sheet}, row {number}",
                    len(cells),
                )
            yield number, cells
    except ImportFileError:
        raise
    except Exception as error:  # the readers raise many kinds for a broken file
        raise ImportFileError(
            f"tệp {file}, {sheet}, sau dòng {number}: không đọc được ({type(error).__name__})",
            f"file {file}, {sheet}, after row {number}: unreadable ({type(error).__name__})",
        ) from error


def _csv_sheet(path: Path, facts: FileFacts) -> Iterator[tuple[str, int, int, Iterator]]:
    with path.open(encoding=facts.encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        rows = enumerate(csv.reader(handle, csv_dialect(sample)), start=1)
        yield path.name, 0, facts.lines, rows


def _xlsx_sheets(
    path: Path, limits: ImportLimits, grids: dict, read: bool
) -> Iterator[tuple[str, int, int, Iterator]]:
    if _calamine_fits(path, path.stat().st_mtime_ns, limits.max_cell_chars):
        yield from _calamine_sheets(path, grids, read)
    else:
        yield from _openpyxl_sheets(path, limits)


def _calamine_sheets(
    path: Path, grids: dict, read: bool
) -> Iterator[tuple[str, int, int, Iterator]]:
    """The worksheets (not chart sheets) in order, as openpyxl's ``book.worksheets``; each
    read whole, once for the layout and the rows (see FileLayout.grids)."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
    except Exception as error:  # calamine raises its own kinds, and OSError
        raise _not_xlsx(error) from error
    with book:
        names = [
            m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        for index, name in enumerate(names):
            try:
                sheet = grids.pop(index, None) if read else None
                if sheet is None:
                    sheet = book.get_sheet_by_name(name)  # the whole sheet, read here
            except Exception as error:
                raise ImportFileError(
                    f"tệp {path.name}, {name}: không đọc được ({type(error).__name__})",
                    f"file {path.name}, {name}: unreadable ({type(error).__name__})",
                ) from error
            if not read:
                grids[index] = sheet
            end = sheet.end
            yield name, index, end[0] + 1 if end else 0, _calamine_rows(sheet)
            del sheet  # its grid, before the next sheet's is read (when read=True)


def _calamine_rows(sheet) -> Iterator[tuple[int, tuple]]:
    """(row number, cells) as openpyxl gives them: None for an empty cell (calamine says
    ""), whole numbers as int (calamine: float, as the file stores them), cells from column
    A (calamine starts its rows at the first column holding anything; it does give the empty
    rows above the first one holding anything). Dates of a whole day are a ``date`` here and
    a ``datetime`` in openpyxl: parsing.py reads both the same."""
    start = sheet.start
    if start is None:  # an empty sheet
        return
    lead = (None,) * start[1]
    for number, row in enumerate(sheet.iter_rows(), 1):
        cells = lead + tuple(
            None
            if cell == ""
            else int(cell)
            if type(cell) is float and cell.is_integer() and -1e15 < cell < 1e15
            else cell
            for cell in row
        )
        yield number, cells


@lru_cache(maxsize=8)
def _calamine_fits(path: Path, modified: int, max_cell_chars: int) -> bool:
    """Whether calamine may read the file: no error cell in a worksheet (calamine would say
    it is empty), no shared string longer than ``max_cell_chars`` (calamine copies it into
    each cell using it; openpyxl's reader keeps one, cut by _long_texts_cut), and at most
    :data:`CALAMINE_MAX_MB` for the largest sheet's grid. One pass over the parts, whose
    sizes limits.file_check has bounded; remembered (by ``modified``) for file_rows, which
    asks again after file_layout. A file calamine cannot open goes to openpyxl, whose error
    is the one the user has always seen."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = {p.filename: p for p in archive.infolist()}
            longest = 0
            for name in parts:
                if name.lower().endswith("sharedstrings.xml"):
                    longest = max(longest, _longest_item(archive.read(name)))
            if longest > max_cell_chars:
                return False
            for name, info in parts.items():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                cells, errors = _cells_scan(archive, name)
                grid = cells * (CALAMINE_CELL_BYTES + longest) + info.file_size
                if errors or grid > CALAMINE_MAX_MB * 1024 * 1024:
                    return False
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError):
        return False
    return True


def _longest_item(strings: bytes) -> int:
    """Bytes between the starts of two shared strings (<si>): at least the characters of
    the first, as text in UTF-8 or as entities takes at least a byte a character."""
    starts = [m.start() for m in _SHARED_STRING.finditer(strings)]
    starts.append(len(strings))
    return max((b - a for a, b in pairwise(starts)), default=0)


def _cells_scan(archive: zipfile.ZipFile, part: str) -> tuple[int, bool]:
    """The cells of a worksheet (at most) and whether one is an error (t="e"), streamed."""
    cells, tail = 0, b""
    with archive.open(part) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b"<", max(len(data) - 256, 0))  # a tag cut in two: read whole
            cut = len(data) if cut == -1 else cut  # with the next chunk
            head, tail = data[:cut], data[cut:]
            if (b'"e"' in head or b"'e'" in head) and _ERROR_CELL.search(head):
                return cells, True
            cells += _cells_count(head)
    if (b'"e"' in tail or b"'e'" in tail) and _ERROR_CELL.search(tail):
        return cells, True
    return cells + _cells_count(tail), False


def _cells_count(data: bytes) -> int:
    """Cell start tags, or more (<col>, <cfRule>): what the sheet may cost, from above."""
    return data.count(b"<c") + data.count(b":c ") + data.count(b":c>")


def _not_xlsx(error: Exception) -> ImportFileError:
    return ImportFileError(
        f"tệp không phải XLSX hợp lệ ({type(error).__name__})",
        f"not a valid XLSX file ({type(error).__name__})",
    )


def _openpyxl_sheets(path: Path, limits: ImportLimits) -> Iterator[tuple[str, int, int, Iterator]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise _not_xlsx(error) from error
    try:
        if book.worksheets:
            # The sheets share one list of the file's strings (openpyxl's, a private name):
            # a long one is cut there once, not in each of the rows that refer to it.
            _long_texts_cut(book.worksheets[0]._shared_strings, limits.max_cell_chars)
        for index, sheet in enumerate(book.worksheets):
            estimated = sheet.max_row or 0
            # Some programs write a wrong size into the file: read to the real end instead.
            sheet.reset_dimensions()
            yield sheet.title, index, estimated, enumerate(sheet.iter_rows(values_only=True), 1)
    finally:
        book.close()


def _long_texts_cut(strings: list, limit: int) -> None:
    for i, value in enumerate(strings):
        if isinstance(value, str) and len(value) > limit:
            strings[i] = long_text(value)


def _header_fields(cells, aliases: dict[str, str]) -> dict[int, str]:
    return {
        i: aliases[key]
        for i, cell in enumerate(cells)
        if isinstance(cell, str) and len(cell) <= 200 and (key := header_key(cell)) in aliases
    }


# The end of a commune's list: totals, who drew it up, who confirms, where and when, signs.
_FOOTER = re.compile(
    r"(?:tong cong|tong so\b|cong\s*(?:[:\d]|$)|nguoi lap|xac nhan|truong cong an|"
    r"truong thon|truong ban|chu tich|t\s*/\s*m\b|tm\b|k\s*/\s*t\b|kt\b|thu truong|"
    r"can bo (?:lap|tong hop|dieu tra)|\(?ky,? (?:ten|ghi ro)|\(ky\b|"
    r"(?:.{0,60}\b)?ngay\b.{0,12}\bthang\b.{0,12}\bnam\b)"
)


def _footer(cells) -> bool:
    """A total, a "Người lập danh sách", "Xác nhận của …", "…, ngày … tháng … năm …" or a
    signature's note in one of the row's text cells."""
    for cell in cells:
        if (
            isinstance(cell, str)
            and cell.strip()
            and len(cell) <= 200
            and _FOOTER.match(strip_diacritics(" ".join(cell.split())).lower())
        ):
            return True
    return False


# A village's heading inside a list ("Thôn Đông Hải", "II. XÓM 3", "I | Tổ dân phố 5"): the
# rows below it are its people; the heading itself is no one's row. Read with its diacritics:
# "Tổ 5" is a group, "Tô Văn An" a person (so are Đới, Lăng and Bàn, not đội, làng, bản);
# without diacritics only the words no name begins with.
_SECTION = re.compile(
    r"(?:[ivxlc]+|\d+)?\s*[.):]?\s*"
    r"(?:thôn|xóm|bản|ấp|làng|tổ dân phố|tổ|khu phố|khu|đội|buôn|sóc|khóm|cụm|plei|"
    r"thon|xom|to dan pho|khu pho|khom|buon|plei)\b"
)


def _section(cells) -> bool:
    """One heading in the row (with its number, if any) naming a village or a group."""
    texts = [_text(cell) for cell in cells if not _blank([cell])]
    heading = " ".join(texts)
    return 1 <= len(texts) <= 2 and len(heading) <= 100 and bool(_SECTION.match(heading.lower()))


def _person_like(sheet: SheetLayout, cells) -> bool:
    """At least two of the name, birth date and sex are filled: a person's row, whatever
    it says (a name may begin "Tống Sơn")."""
    width = len(cells)
    filled = sum(1 for i in sheet.person_positions if i < width and not _blank([cells[i]]))
    return filled >= 2


def _column_numbers(cells) -> bool:
    filled = [_text(c) for c in cells if not _blank([c])]
    return len(filled) >= MIN_HEADER_FIELDS and all(_COLUMN_NUMBER.fullmatch(c) for c in filled)


def _blank(cells) -> bool:
    for cell in cells:  # a loop, not all(…): asked of every row, and the first cell decides
        if cell is not None and (not isinstance(cell, str) or (cell and not cell.isspace())):
            return False
    return True


def _text(cell: Any) -> str:
    """A header as the job's notes and rejected rows name it."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(nfc(str(cell)).replace("\x00", "\ufffd").split())


def _json(cell: Any) -> Any:
    """The cell as JSON keeps it: text and numbers as they are, dates as dd/mm/yyyy."""
    if isinstance(cell, str):
        if len(cell) > KEPT_CHARS:
            cell = str(long_text(cell))  # a rejected row keeps what it said, not all of it
        return cell.replace("\x00", "\ufffd")  # PostgreSQL's text and JSON hold no NUL
    if isinstance(cell, float) and not math.isfinite(cell):
        return str(cell)  # a cell may say 1e999: JSON has no infinity
    if cell is None or isinstance(cell, bool | int | float | str):
        return cell
    if isinstance(cell, datetime):
        return f"{cell:%d/%m/%Y}" if cell.time() == time.min else f"{cell:%d/%m/%Y %H:%M}"
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    return str(cell)
