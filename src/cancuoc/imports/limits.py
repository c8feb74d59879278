"""What a file may hold, checked before any of it is read for import: a hostile file is
refused in milliseconds, with bounded memory, naming the limit it broke.

An XLSX is a zip of XML parts. openpyxl (read-only) streams the worksheets, but reads the
shared strings, the styles and the workbook whole, and fills the gaps between the row and
column numbers a sheet gives with empty cells: a 410 KB file holding one 400 MB string, or
one cell numbered XFD1048576, costs gigabytes or minutes. So, from the zip's directory (the
sizes it declares are the sizes zipfile lets out): the total uncompressed size, each part's
compression ratio, and the size of each part read whole; then each worksheet is streamed
once, decompressed in chunks, for the highest row and column numbers it names, stopping at
the first that is over the limit. A CSV is read once with the csv module: rows, columns,
and the cells the csv module refuses.

Files are also checked row by row as they are read (readers.py), for what a file could hide
from this check (cells without a reference); and cells longer than ``max_cell_chars``
reject their row (parsing.py). docs/import-format.md lists the limits and their settings.
"""

import csv
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string
from openpyxl.xml.constants import SHARED_STRINGS, XLSM, XLSX, XLTM, XLTX

from .errors import ImportFileError

MB = 1024 * 1024
# The parts openpyxl parses whole into a tree (workbook, styles, relations, content types)
# are small in any real file; a large one only costs memory.
MAX_OTHER_PART_MB = 16
MAX_PARTS = 10_000
KEPT_CHARS = 1000  # of a cell, in a rejected row: enough to see what it was
RATIO_FROM_BYTES = MB  # smaller parts may compress as well as they like
CHUNK = MB
# Fast (a literal to search for first): row start tags, with a namespace prefix too; the
# number of a row (cells' references start with a letter); column letters of 2–3 letters
# (one letter is column 26 at most).
_PREFIXED_ROW = re.compile(rb"<[A-Za-z_][\w.-]*:row[\s>/]")
_ROW_NUMBER = re.compile(rb' r="(\d{1,12})"')
_WIDE_COLUMN = re.compile(rb' r="([A-Za-z]{2,8})\d')
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# Row and cell start tags, prefixed or not: a row's width is at least its number of cells,
# whatever the references say (openpyxl builds a whole row before anyone can count it, and a
# row of 300,000 cells named "A1" is 40 KB zipped and 200 MB read).
_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")


@dataclass(frozen=True)
class ImportLimits:
    max_uncompressed_mb: int
    max_shared_strings_mb: int
    max_compression_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int

    @classmethod
    def from_settings(cls, *, upload: bool = False) -> "ImportLimits":
        """The limits of the command; ``upload``: of a file imported in a web request, whose
        rows are fewer (CANCUOC_IMPORT_UPLOAD_MAX_ROWS)."""
        rows = settings.CANCUOC_IMPORT_MAX_ROWS
        if upload:
            rows = min(rows, settings.CANCUOC_IMPORT_UPLOAD_MAX_ROWS)
        return cls(
            max_uncompressed_mb=settings.CANCUOC_IMPORT_MAX_UNCOMPRESSED_MB,
            max_shared_strings_mb=settings.CANCUOC_IMPORT_MAX_SHARED_STRINGS_MB,
            max_compression_ratio=settings.CANCUOC_IMPORT_MAX_COMPRESSION_RATIO,
            max_rows=rows,
            max_columns=settings.CANCUOC_IMPORT_MAX_COLUMNS,
            max_cell_chars=settings.CANCUOC_IMPORT_MAX_CELL_CHARS,
        )

    def rows_error(self, where_vi: str, where_en: str) -> ImportFileError:
        return ImportFileError(
            f"{where_vi}: quá {self.max_rows:,} dòng (giới hạn CANCUOC_IMPORT_MAX_ROWS / "
            "CANCUOC_IMPORT_UPLOAD_MAX_ROWS); tệp lớn hơn hãy chia nhỏ hoặc nhập bằng lệnh "
            "`cancuoc import`",
            f"{where_en}: more than {self.max_rows:,} rows (limit CANCUOC_IMPORT_MAX_ROWS / "
            "CANCUOC_IMPORT_UPLOAD_MAX_ROWS); split a larger file or import it with "
            "`cancuoc import`",
        )

    def columns_error(self, where_vi: str, where_en: str, columns: int) -> ImportFileError:
        return ImportFileError(
            f"{where_vi}: {columns:,} cột, quá giới hạn {self.max_columns:,} cột "
            "(CANCUOC_IMPORT_MAX_COLUMNS)",
            f"{where_en}: {columns:,} columns, over the limit of {self.max_columns:,} "
            "(CANCUOC_IMPORT_MAX_COLUMNS)",
        )


@dataclass(frozen=True, slots=True)
class LongText:
    """A text cell longer than the limit, in place of its text: its row is rejected, and
    only the start of it is kept (in the rejected row) or compared (with a header)."""

    length: int
    start: str

    def __str__(self) -> str:
        return f"{self.start}… ({self.length:,})"


def long_text(value: str) -> LongText:
    return LongText(len(value), value[:40])


def file_check(path: Path, encoding: str, limits: ImportLimits) -> None:
    """Refuse, before it is read, a file over the limits (:class:`ImportFileError`).
    ``encoding``: of a CSV, as readers.file_facts found it."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        _xlsx_check(path, limits)
    elif suffix in {".csv", ".txt"}:
        _csv_check(path, encoding, limits)


def _csv_check(path: Path, encoding: str, limits: ImportLimits) -> None:
    """Read a CSV once as the import will (same dialect guess): rows and columns within the
    limits, and no cell the csv module refuses (longer than its field size limit)."""
    with path.open(encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        dialect = csv_dialect(sample)
        reader = csv.reader(handle, dialect)
        try:
            for number, cells in enumerate(reader, start=1):
                if number > limits.max_rows:
                    raise limits.rows_error(f"tệp {path.name}", f"file {path.name}")
                if len(cells) > limits.max_columns:
                    raise limits.columns_error(
                        f"tệp {path.name}, dòng {number}",
                        f"file {path.name}, row {number}",
                        len(cells),
                    )
        except csv.Error as error:
            raise ImportFileError(
                f"tệp {path.name}, dòng {reader.line_num}: không đọc được CSV ({error})",
                f"file {path.name}, line {reader.line_num}: not readable as CSV ({error})",
            ) from None


def csv_dialect(sample: str):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _xlsx_check(path: Path, limits: ImportLimits) -> None:
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _not_xlsx(name, error) from None
    with archive:
        parts = archive.infolist()
        _sizes_check(name, parts, limits)
        sheets = _worksheets(path, name, {p.filename: p for p in parts}, limits)
        rows = 0
        scanned: dict[str, tuple[int, int]] = {}
        for title, target in sheets:
            if target not in scanned:
                scanned[target] = _sheet_scan(archive, name, target, limits)
            sheet_rows, columns = scanned[target]
            rows += sheet_rows
            if rows > limits.max_rows:
                raise limits.rows_error(f"tệp {name}", f"file {name}")
            if columns > limits.max_columns:
                raise limits.columns_error(
                    f"tệp {name}, trang tính “{title}”", f"file {name}, sheet “{title}”", columns
                )


def _sizes_check(name: str, parts: list[zipfile.ZipInfo], limits: ImportLimits) -> None:
    if len(parts) > MAX_PARTS:
        raise ImportFileError(
            f"tệp {name} có {len(parts):,} phần, quá {MAX_PARTS:,}",
            f"file {name} holds {len(parts):,} parts, more than {MAX_PARTS:,}",
        )
    total = sum(p.file_size for p in parts)
    if total > limits.max_uncompressed_mb * MB:
        raise ImportFileError(
            f"tệp {name} giải nén ra {_mb(total)} MB, quá giới hạn "
            f"{limits.max_uncompressed_mb} MB (CANCUOC_IMPORT_MAX_UNCOMPRESSED_MB)",
            f"file {name} unpacks to {_mb(total)} MB, over the limit of "
            f"{limits.max_uncompressed_mb} MB (CANCUOC_IMPORT_MAX_UNCOMPRESSED_MB)",
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FROM_BYTES and ratio > limits.max_compression_ratio:
            raise ImportFileError(
                f"tệp {name}: phần {part.filename} nén {ratio:,.0f} lần, quá giới hạn "
                f"{limits.max_compression_ratio} (CANCUOC_IMPORT_MAX_COMPRESSION_RATIO)",
                f"file {name}: part {part.filename} is compressed {ratio:,.0f} times, over "
                f"the limit of {limits.max_compression_ratio} "
                "(CANCUOC_IMPORT_MAX_COMPRESSION_RATIO)",
            )


def _worksheets(
    path: Path, name: str, parts: dict[str, zipfile.ZipInfo], limits: ImportLimits
) -> list[tuple[str, str]]:
    """(title, part) of each sheet, found as openpyxl finds them, after checking that the
    parts it reads whole on the way, and every part that is not a worksheet, are small."""
    for part in parts:
        if part == "[Content_Types].xml" or part.endswith(".rels"):
            _part_check(name, parts[part], MAX_OTHER_PART_MB)
    try:
        reader = ExcelReader(str(path), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise _not_xlsx(name, error) from None
    try:
        reader.read_manifest()
        for kind in (XLSX, XLSM, XLTX, XLTM):
            found = reader.package.find(kind)
            if found is not None and found.PartName[1:] in parts:
                _part_check(name, parts[found.PartName[1:]], MAX_OTHER_PART_MB)
        reader.read_workbook()
        sheets = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in parts
        ]
        strings = reader.package.find(SHARED_STRINGS)
    except ImportFileError:
        raise
    except Exception as error:
        raise _not_xlsx(name, error) from None
    finally:
        reader.archive.close()
    shared = strings.PartName[1:] if strings is not None else "xl/sharedStrings.xml"
    if shared in parts:
        _part_check(
            name,
            parts[shared],
            limits.max_shared_strings_mb,
            setting=" (CANCUOC_IMPORT_MAX_SHARED_STRINGS_MB)",
        )
    targets = {target for _title, target in sheets}
    for part, info in parts.items():
        if part != shared and part not in targets and part.lower().endswith(_XML_SUFFIXES):
            _part_check(name, info, MAX_OTHER_PART_MB)
    return sheets


def _part_check(name: str, info: zipfile.ZipInfo, limit_mb: int, *, setting: str = "") -> None:
    """A part openpyxl reads whole."""
    if info.file_size > limit_mb * MB:
        raise ImportFileError(
            f"tệp {name}: phần {info.filename} giải nén ra {_mb(info.file_size)} MB, quá "
            f"giới hạn {limit_mb} MB{setting}",
            f"file {name}: part {info.filename} unpacks to {_mb(info.file_size)} MB, over "
            f"the limit of {limit_mb} MB{setting}",
        )


def _sheet_scan(
    archive: zipfile.ZipFile, name: str, part: str, limits: ImportLimits
) -> tuple[int, int]:
    """The rows and columns openpyxl will give a worksheet: the highest row number (or the
    count of rows, if higher) and the highest column letter its cells name; streamed, and
    stopped as soon as either is over the limit."""
    rows = last_row = columns = 0
    open_cells = 0  # cells of the row still open at the end of the last chunk read
    tail = b""
    try:
        with archive.open(part) as source:
            while chunk := source.read(CHUNK):
                data = tail + chunk
                cut = data.rfind(b"<")  # a tag cut in two is read whole with the next chunk
                if cut == -1 or len(data) - cut > 4096:
                    cut = len(data)
                data, tail = data[:cut], data[cut:]
                rows, last_row, columns = _scan(data, rows, last_row, columns)
                open_cells, columns = _cells_per_row(data, open_cells, columns)
                if max(rows, last_row) > limits.max_rows or columns > limits.max_columns:
                    break
            else:
                rows, last_row, columns = _scan(tail, rows, last_row, columns)
                open_cells, columns = _cells_per_row(tail, open_cells, columns)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise _not_xlsx(name, error) from None
    return max(rows, last_row), columns


def _cells_per_row(data: bytes, open_cells: int, columns: int) -> tuple[int, int]:
    """Count the cells of each row (the first piece continues the row left open by the last
    chunk): the widest row so far bounds ``columns`` from below."""
    pieces = _ROW_START.split(data)
    open_cells += len(_CELL_START.findall(pieces[0]))
    for piece in pieces[1:]:
        columns = max(columns, open_cells)
        open_cells = len(_CELL_START.findall(piece))
    return open_cells, max(columns, open_cells)


def _scan(data: bytes, rows: int, last_row: int, columns: int) -> tuple[int, int, int]:
    rows += data.count(b"<row ") + data.count(b"<row>")
    if b":row" in data:
        rows += len(_PREFIXED_ROW.findall(data))
    numbers = _ROW_NUMBER.findall(data)
    if numbers:
        last_row = max(last_row, *map(int, numbers))
    letters = set(_WIDE_COLUMN.findall(data))
    if letters:
        widest = max(letters, key=lambda c: (len(c), c.upper())).decode().upper()
        columns = max(columns, column_index_from_string(widest) if len(widest) <= 3 else 1 << 20)
    return rows, last_row, columns


def _not_xlsx(name: str, error: Exception) -> ImportFileError:
    return ImportFileError(
        f"tệp {name} không phải XLSX hợp lệ ({type(error).__name__})",
        f"file {name} is not a valid XLSX file ({type(error).__name__})",
    )


def _mb(size: int) -> str:
    return f"{size / MB:,.1f}"
