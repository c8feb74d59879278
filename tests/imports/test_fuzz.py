"""Random files through the import (issue 15): random bytes as a CSV, random workbooks within
the limits. Whatever the file, the import either refuses it with its own error
(ImportFileError) and changes nothing, or finishes its job with every row accounted for:
read = accepted + rejected + merged, and exactly the accepted rows added to the register."""

import itertools
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cancuoc.imports.errors import ImportFileError
from cancuoc.imports.models import ImportJob, ImportStatus
from cancuoc.imports.services import person_import
from cancuoc.registry.canonical import HEADERS
from cancuoc.registry.models import Person

# Fast enough to run every time (about 10 s; 400 examples each found nothing more).
FUZZ = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
_names = itertools.count(1)
HEADER_LINE = ",".join(f'"{h}"' for h in HEADERS).encode() + b"\n"

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30
) | st.sampled_from(
    [
        "Nguyễn Văn An",
        "Nam",
        "Nữ",
        "16000001",
        "10/05/1980",
        "Kinh",
        "\u202eAn",
        "A\x00B",
        '=HYPERLINK("http://x.example")',
        "+84912345678",
        "x" * 1500,
        "   ",
        "(1)",
    ]
)
cells = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["=1+1", "=A1&B1", "=SUM(A1:A3)"]),
)


def imported(path: Path, atomic: bool) -> None:
    """Import ``path`` and check that it was all or accounted for."""
    before = Person.objects.count()
    source = f"fuzz-{next(_names)}"
    try:
        job = person_import(path=path, source=source, atomic=atomic, batch_size=7).job
    except ImportFileError:
        assert Person.objects.count() == before
        assert not ImportJob.objects.filter(source=source, status=ImportStatus.DONE).exists()
        return
    assert job.status == ImportStatus.DONE
    assert job.rows_read == job.rows_accepted + job.rows_rejected + job.rows_merged
    assert Person.objects.count() - before == job.rows_accepted
    assert job.rejected.count() == job.rows_rejected


@pytest.fixture
def folder():
    with tempfile.TemporaryDirectory(prefix="cancuoc-fuzz-") as name:
        yield Path(name)


@settings(max_examples=200, **FUZZ)
@given(
    data=st.binary(max_size=3000),
    with_header=st.booleans(),
    atomic=st.booleans(),
    suffix=st.sampled_from([".csv", ".txt", ".xlsx"]),
)
def test_random_bytes_are_refused_or_imported_never_half(
    area, folder, data, with_header, atomic, suffix
):
    path = folder / f"tep-{next(_names)}{suffix}"
    path.write_bytes((HEADER_LINE if with_header else b"") + data)
    imported(path, atomic)


sheets = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3),  # title rows above the header
        st.lists(st.sampled_from(HEADERS), min_size=0, max_size=12, unique=True),
        st.lists(st.lists(cells, max_size=14), max_size=12),  # data rows
        st.lists(st.tuples(st.integers(1, 8), st.integers(1, 8)), max_size=2),  # merges
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, **FUZZ)
@given(sheets=sheets, atomic=st.booleans())
def test_random_workbooks_are_refused_or_imported_never_half(area, folder, sheets, atomic):
    book = Workbook()
    book.remove(book.active)
    for index, (titles, headers, rows, merges) in enumerate(sheets):
        sheet = book.create_sheet(f"Trang {index}")
        for _ in range(titles):
            sheet.append(["DANH SÁCH NHÂN KHẨU"])
        sheet.append(["Mã bản ghi", "Họ, chữ đệm và tên", "Ngày sinh", "Giới tính", *headers])
        for row in rows:
            sheet.append([_writable(cell) for cell in row])
        for top, left in merges:
            sheet.merge_cells(
                start_row=top, start_column=left, end_row=top + 1, end_column=left + 1
            )
    path = folder / f"so-{next(_names)}.xlsx"
    book.save(path)
    imported(path, atomic)


def _writable(cell):
    """What XLSX can hold: XML has no NUL nor most other control characters (the import
    meets those in CSV files)."""
    return ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell
