"""A workbook as a commune sends it imports with precise errors, and nothing is lost."""

import unicodedata
from datetime import date, datetime

from django.utils import translation
from openpyxl import Workbook, load_workbook

from cancuoc.imports.models import ImportJob
from cancuoc.imports.services import person_import
from cancuoc.registry import personal_id
from cancuoc.registry.models import Household, Person


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


HOA_ID = personal_id.generate(province_code="038", birth_year=1980, sex="F", serial=1)
BAD_YEAR_ID = personal_id.generate(province_code="038", birth_year=1991, sex="F", serial=7)


def messy_workbook(path):
    book = Workbook()
    village = book.active
    village.title = "Thôn 1"
    village["A1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    village.merge_cells("A1:J1")
    village["A2"] = "DANH SÁCH NHÂN KHẨU THÔN 1 (tháng 4/2021)"
    village.merge_cells("A2:J2")
    village.append([])
    village.append(
        [
            "STT",
            "Ma ban ghi",
            nfd("Họ, chữ đệm và tên khai sinh"),
            "Ngay, thang, nam sinh (*)",
            "Gioi tinh",
            "So dinh danh ca nhan",
            "Số hộ khẩu",
            "Quan he voi chu ho",
            "Ma don vi thuong tru",
            "Ghi chú",
        ]
    )
    village.append([f"({n})" for n in range(1, 11)])
    rows = [
        [
            1,
            "T1-001",
            nfd("  Nguyễn   Thị Hoà "),
            "05/03/1980",
            nfd("Nữ"),
            int(HOA_ID),
            "H1",
            "Chủ hộ",
            16000001,
            "",
        ],
        [
            2,
            "T1-002",
            "Lê Văn Bình",
            datetime(2005, 11, 20),
            "nam",
            "",
            "H1",
            "Con",
            "16000001",
            "đi học xa",
        ],
        None,
        [3, "T1-003", "Trần Văn Cường", 1975, "Nam", "", "", "", "16000002", ""],
        [4, "T1-004", "Phạm Thị Dung", "31/02/1990", "Nữ", "", "", "", "16000001", ""],
        [5, "T1-005", "Võ Thị Em", "29221", "Nu", "", "", "", "16000001", ""],
        [6, "T1-006", "Đỗ Văn Phúc", "12/12/1970", "Nam", "", "", "", 99999999, ""],
        [7, "T1-007", "Hồ Văn Giang", "01/06/1990", "Nữ", BAD_YEAR_ID, "", "", "16000001", ""],
        ["", "   ", None, "", "", "", "", "", "", ""],
    ]
    for row in rows:
        village.append(row or [])
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Điền mỗi người một dòng; ngày ghi dd/mm/yyyy."])
    group = book.create_sheet("Tổ 1")
    group.append(
        [
            "Mã bản ghi",
            "Họ, chữ đệm và tên",
            "Ngày sinh",
            "Giới tính",
            "Mã đơn vị thường trú",
            "Địa chỉ thường trú",
        ]
    )
    group.append(["G-1", "Bùi Thị Hạnh", "03/1999", "Nữ", "16001001", "Số 5 ngõ 2"])
    group.append(["G-2", "Ngô Văn Ích", "1960-07-15", "", "16001001", ""])
    group.append(["G-3", "Dương Thị Kim", "15.08.2001", "NỮ", "16001001", ""])
    book.save(path)
    return path


def test_a_messy_workbook_imports_with_precise_errors(area, tmp_path):
    path = messy_workbook(tmp_path / "xa-mot.xlsx")

    result = person_import(path=path, source="xa-16000")

    job = ImportJob.objects.get()
    assert (job.rows_read, job.rows_accepted, job.rows_rejected, job.rows_merged) == (10, 7, 3, 0)
    assert job.rows_read == job.rows_accepted + job.rows_rejected + job.rows_merged
    assert job.rows_warned == 1
    errors = sorted((e.sheet, e.row, e.column, e.message_en) for e in result.errors)
    assert errors == [
        ("Thôn 1", 10, "Ngay, thang, nam sinh (*)", "“31/02/1990” is not a real date"),
        ("Thôn 1", 12, "Ma don vi thuong tru", "there is no unit with code 99999999"),
        ("Tổ 1", 3, "Giới tính", "must not be empty"),
    ]
    rejected = {r.row: r for r in job.rejected.all()}
    assert rejected[10].reasons[0]["vi"] == "“31/02/1990” không phải ngày có thật"
    assert ["Ghi chú", None] in rejected[10].cells  # every cell of the row is kept
    assert ["Ngay, thang, nam sinh (*)", "31/02/1990"] in rejected[10].cells
    assert any("Hướng dẫn" in note for note in job.notes_said)
    assert any("STT, Ghi chú" in note for note in job.notes_said)
    with translation.override("en"):
        assert any(note.startswith("Sheet “Hướng dẫn”: no header row") for note in job.notes_said)

    people = {p.source_ref: p for p in Person.objects.filter(source="xa-16000")}
    assert set(people) == {"T1-001", "T1-002", "T1-003", "T1-005", "T1-007", "G-1", "G-3"}
    hoa = people["T1-001"]
    assert hoa.full_name == "Nguyễn Thị Hoà" and unicodedata.is_normalized("NFC", hoa.full_name)
    assert (hoa.birth_date, hoa.sex, hoa.personal_id) == (date(1980, 3, 5), "F", HOA_ID)
    assert people["T1-002"].birth_date == date(2005, 11, 20)
    assert (people["T1-003"].birth_date, people["T1-003"].birth_date_precision) == (
        date(1975, 1, 1),
        "Y",
    )
    assert people["T1-005"].birth_date == date(1980, 1, 1)  # Excel serial 29221
    assert people["G-1"].birth_date_precision == "M"
    assert people["G-3"].birth_date == date(2001, 8, 15)
    giang = people["T1-007"]
    assert (giang.personal_id, giang.unverified_id) == ("", BAD_YEAR_ID)
    [warning] = job.warnings.all()
    assert (warning.sheet, warning.row, warning.source_ref) == ("Thôn 1", 13, "T1-007")
    household = Household.objects.get(code="H1")
    assert household.head == hoa and set(household.members.all()) == {hoa, people["T1-002"]}


def test_the_rejected_rows_come_back_as_a_workbook_with_reasons(area, tmp_path):
    out = tmp_path / "loai.xlsx"
    person_import(path=messy_workbook(tmp_path / "xa-mot.xlsx"), source="x", rejected_out=out)

    book = load_workbook(out)
    rows = list(book["Dòng bị loại"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Trang tính", "Dòng", "Cột", "Lý do")
    by_row = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_row) == {("Thôn 1", 10), ("Thôn 1", 12), ("Tổ 1", 3)}
    assert by_row[("Thôn 1", 10)]["Ma ban ghi"] == "T1-004"
    assert "không phải ngày có thật" in by_row[("Thôn 1", 10)]["Lý do"]
    assert by_row[("Tổ 1", 3)]["Mã bản ghi"] == "G-2"
    warnings = list(book["Cảnh báo"].iter_rows(values_only=True))
    assert warnings[1][:4] == ("Thôn 1", 13, "So dinh danh ca nhan", "T1-007")
