"""The XLSX writer streams: its memory does not grow with the rows, and the file keeps what
printed lists need (frozen headers repeated on each page, widths, landscape A4 at page width);
other readers (calamine, as imports use) read the same values."""

import tracemalloc
from datetime import date

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from cancuoc.lib.tables import write_table

COLUMNS = [("Họ tên", "full_name"), ("Ngày sinh", "birth"), ("STT", "index")]


def _rows(count: int):
    for n in range(count):
        yield {"full_name": f"Nguyễn Văn {n} & <con>", "birth": date(1990, 1, 2), "index": n}


def _peak(tmp_path, count: int) -> int:
    tracemalloc.start()
    write_table(tmp_path / f"{count}.xlsx", columns=COLUMNS, rows=_rows(count), title="Tiêu đề")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_does_not_grow_with_the_rows(tmp_path):
    small, large = _peak(tmp_path, 2_000), _peak(tmp_path, 40_000)
    assert large < small * 1.5 and large < 4_000_000  # bytes: a batch of rows, not the file


def test_the_sheet_is_laid_out_for_printing(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    assert write_table(path, columns=COLUMNS, rows=_rows(3), title="Tiêu đề") == 3
    sheet = load_workbook(path).active
    assert sheet.title == "Danh sách" and sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.column_dimensions["A"].width == 28  # names are wide
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 13 and sheet["B2"].font.b
    read = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    assert read[2] == ["Nguyễn Văn 0 & <con>", date(1990, 1, 2), 0.0]


def test_without_a_title_the_header_is_the_first_row(tmp_path):
    path = tmp_path / "x.xlsx"
    write_table(path, columns=COLUMNS, rows=_rows(1))
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "Họ tên"
