"""XLSX read by calamine (fast) gives the cells openpyxl gives; what calamine cannot read as
openpyxl does (an error cell, a long shared string, a sheet too large to hold) is read by
openpyxl (readers.py)."""

import pickle
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from cancuoc.imports import readers
from cancuoc.imports.limits import ImportLimits
from cancuoc.imports.readers import file_facts, file_layout, file_rows

HEADER = [
    "Mã bản ghi",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số điện thoại",
    "Mã đơn vị thường trú",
]


@pytest.fixture(autouse=True)
def _fresh_answers():
    readers._calamine_fits.cache_clear()
    yield
    readers._calamine_fits.cache_clear()


def commune_workbook(path, *, phone="0912345678"):
    """Data from column B under two title rows (one merged), a blank row, a row of column
    numbers; dates as dates, as serial numbers and as text; numbers as numbers and as text;
    a second sheet and a chart sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Thôn 1"
    sheet["B1"] = "DANH SÁCH NHÂN KHẨU THÔN 1"
    sheet.merge_cells("B1:G1")
    sheet["B2"] = "Xã Quảng Hải"
    sheet.append([])  # row 3
    sheet.append([None, *HEADER])  # row 4
    sheet.append([None, *[f"({n})" for n in range(1, 7)]])
    sheet.append([None, "T1", "Lê Thị Hoa", datetime(1980, 3, 5), "Nữ", phone, "16000001"])
    sheet.append([None, "T2", "Lê Văn Nam", 29285, "Nam", 912345678, 16000001])
    sheet.append([])  # row 8, blank
    sheet.append([None, "T3", "Lê Văn Ba", "05/03/1980", "Nam", "0912 345 678", 16000001.5])
    sheet.append([None, "T4", "Lê Văn Tư", datetime(1980, 3, 5, 10, 30), True, None, 0])
    other = book.create_sheet("Thôn 2")
    other.append(HEADER)
    other.append(["T5", "Trần Văn Năm", date(1990, 1, 2), "Nam", "", "16000002"])
    chart = BarChart()
    chart.add_data(Reference(other, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("Biểu đồ").add_chart(chart)
    book.save(path)
    return path


def rows_of(path):
    facts = file_facts(path)
    layout = file_layout(path, facts)
    return [(r.sheet.name, r.number, _days(r.raw)) for r in file_rows(path, facts, layout)]


def _days(cells):
    """openpyxl gives a whole day as a datetime at midnight, calamine as a date."""
    return tuple(
        c.date() if isinstance(c, datetime) and c == datetime(*c.timetuple()[:3]) else c
        for c in cells
    )


def openpyxl_rows(path, monkeypatch):
    monkeypatch.setattr(readers, "CALAMINE_MAX_MB", 0)
    readers._calamine_fits.cache_clear()
    try:
        return rows_of(path)
    finally:
        monkeypatch.undo()
        readers._calamine_fits.cache_clear()


def test_calamine_reads_the_cells_openpyxl_reads(tmp_path, monkeypatch):
    path = commune_workbook(tmp_path / "thon.xlsx")
    assert readers._calamine_fits(path, path.stat().st_mtime_ns, 1000)

    fast = rows_of(path)

    assert fast == openpyxl_rows(path, monkeypatch)
    # row numbers as Excel shows them; the title, header, column-number and blank rows left out
    assert [(name, number) for name, number, _ in fast] == [
        ("Thôn 1", 6),
        ("Thôn 1", 7),
        ("Thôn 1", 9),
        ("Thôn 1", 10),
        ("Thôn 2", 2),
    ]
    assert fast[0][2] == (
        None,
        "T1",
        "Lê Thị Hoa",
        date(1980, 3, 5),
        "Nữ",
        "0912345678",
        "16000001",
    )
    # whole numbers as int (a lost leading zero is put back by parsing.digits), others float
    assert fast[1][2][3:] == (29285, "Nam", 912345678, 16000001)
    assert type(fast[1][2][5]) is int
    assert fast[2][2][6] == 16000001.5
    assert fast[3][2][3:] == (datetime(1980, 3, 5, 10, 30), True, None, 0)
    assert fast[4][2][4] is None  # an empty text cell is None, as openpyxl says it


def test_the_header_and_the_merged_title_are_found_as_openpyxl_finds_them(tmp_path):
    path = commune_workbook(tmp_path / "thon.xlsx")

    layout = file_layout(path, file_facts(path))

    first, second = layout.sheets
    assert (first.name, first.index, first.header_row) == ("Thôn 1", 0, 4)
    assert first.titles == ("DANH SÁCH NHÂN KHẨU THÔN 1", "Xã Quảng Hải")
    assert first.headers[0] == "" and first.headers[1:7] == HEADER
    assert (second.name, second.index, second.header_row) == ("Thôn 2", 1, 1)
    assert first.estimated_rows == 10 - 4


def test_each_sheet_is_read_once_for_the_layout_and_the_rows(tmp_path):
    path = commune_workbook(tmp_path / "thon.xlsx")
    facts = file_facts(path)
    layout = file_layout(path, facts)
    assert sorted(layout.grids) == [0, 1]

    again = pickle.loads(pickle.dumps(layout))  # calamine's sheets stay behind
    rows = list(file_rows(path, facts, layout))

    assert layout.grids == {} and again.grids == {}
    assert [r.number for r in file_rows(path, facts, again)] == [r.number for r in rows]


def test_an_error_cell_is_read_by_openpyxl_and_kept_as_it_says(tmp_path):
    path = commune_workbook(tmp_path / "loi.xlsx", phone="#N/A")  # openpyxl writes t="e"

    assert not readers._calamine_fits(path, path.stat().st_mtime_ns, 1000)
    assert rows_of(path)[0][2][5] == "#N/A"  # calamine would say it is empty


def test_a_shared_string_over_the_cell_limit_is_read_by_openpyxl(tmp_path):
    path = tmp_path / "dai.xlsx"
    strings = [f"<si><t>{t}</t></si>" for t in [*HEADER, "T1", "x" * 2000]]
    cells = "".join(f'<c r="{"ABCDEF"[i]}1" t="s"><v>{i}</v></c>' for i in range(6))
    rows = [f'<row r="1">{cells}</row>', '<row r="2"><c r="B2" t="s"><v>7</v></c></row>']
    from .hostile import xlsx_write

    xlsx_write(path, rows, strings)
    modified = path.stat().st_mtime_ns

    assert not readers._calamine_fits(path, modified, 1000)
    assert readers._calamine_fits(path, modified, 5000)
    layout = file_layout(path, file_facts(path), limits=_limits(max_cell_chars=1000))
    (row,) = file_rows(path, file_facts(path), layout)
    assert str(row.raw[1]).startswith("xxxx") and row.raw[1].length == 2000  # a LongText


def test_a_sheet_over_the_memory_budget_is_streamed_by_openpyxl(tmp_path, monkeypatch):
    path = commune_workbook(tmp_path / "thon.xlsx")
    monkeypatch.setattr(readers, "CALAMINE_MAX_MB", 0)

    assert not readers._calamine_fits(path, path.stat().st_mtime_ns, 1000)
    assert file_layout(path, file_facts(path)).grids == {}


def _limits(**changed) -> ImportLimits:
    base = ImportLimits(
        max_uncompressed_mb=512,
        max_shared_strings_mb=64,
        max_compression_ratio=200,
        max_rows=1000,
        max_columns=200,
        max_cell_chars=1000,
    )
    return ImportLimits(**{**base.__dict__, **changed})
