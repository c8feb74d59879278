import csv
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cancuoc.registry.choices import CardKind


@pytest.fixture
def people(add_person):
    add_person(full_name="Nguyễn Văn An", personal_id="038080001234")
    add_person(full_name="Lê Thị Bình", sex="F", permanent_unit="16001001")
    add_person(
        full_name="Trần Văn Có Chip",
        card_kind=CardKind.CCCD_CHIP,
        card_issued_on=date(2021, 3, 1),
    )


def test_the_worklist_is_written_as_xlsx_with_vietnamese_headers(people, tmp_path):
    out = tmp_path / "ds.xlsx"
    call_command("worklist", unit="38", as_of=date(2021, 4, 1), out=out)
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Phường Hai" not in rows[0][0] and "Thanh Hóa" in rows[0][0]
    assert rows[1][:5] == (
        "STT",
        "Họ, chữ đệm và tên",
        "Ngày sinh",
        "Giới tính",
        "Số định danh cá nhân",
    )
    names = {row[1] for row in rows[2:]}
    assert names == {"Nguyễn Văn An", "Lê Thị Bình"}


def test_the_worklist_of_a_commune_as_csv(people, tmp_path):
    out = tmp_path / "ds.csv"
    call_command("worklist", unit="16001", as_of=date(2021, 4, 1), out=out)
    with out.open(encoding="utf-8-sig") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["Họ, chữ đệm và tên"] == "Lê Thị Bình"
    assert row["Xã/phường"] == "Phường Hai" and row["Nhu cầu"] == "Cấp mới"


def test_an_unknown_unit_or_format_is_a_clear_error(people, tmp_path):
    with pytest.raises(CommandError, match="99999"):
        call_command("worklist", unit="99999", as_of=date(2021, 4, 1), out=tmp_path / "x.csv")
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("worklist", unit="38", as_of=date(2021, 4, 1), out=tmp_path / "x.pdf")
