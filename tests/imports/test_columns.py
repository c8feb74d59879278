"""Headers with or without diacritics, DC01's names, a site's own names; files that cannot be
read say why before anything is written."""

import unicodedata

import pytest
from django.utils import translation

from cancuoc.imports.errors import ImportFileError
from cancuoc.imports.mapping import column_aliases, header_key
from cancuoc.imports.models import ImportJob
from cancuoc.imports.services import person_import
from cancuoc.lib.text import TONES
from cancuoc.registry.models import Person


def test_headers_match_without_diacritics_punctuation_or_notes():
    aliases = column_aliases()
    assert header_key("Ngày, tháng, năm sinh (*)") == "ngay thang nam sinh"
    for header in ["Họ, chữ đệm và tên", "HO VA TEN", "ho_ten", "Họ, chữ đệm và tên khai sinh"]:
        assert aliases[header_key(header)] == "full_name"
    assert aliases[header_key("Số hộ khẩu")] == "household_code"


def test_a_site_adds_its_own_headers(settings):
    settings.CANCUOC_IMPORT_COLUMNS = {"ref": ["Số phiếu DC01"], "phone": ["Di động"]}
    aliases = column_aliases()
    assert aliases["so phieu dc01"] == "ref" and aliases["di dong"] == "phone"


def test_an_unknown_field_in_the_setting_is_refused(settings):
    settings.CANCUOC_IMPORT_COLUMNS = {"blood_group": ["Nhóm máu"]}
    with pytest.raises(ValueError, match="blood_group"):
        column_aliases()


def write(path, text):
    path.write_bytes(text.encode())
    return path


def windows_1258(text: str) -> bytes:
    """As Excel on Vietnamese Windows saves a CSV: letters with their quality marks composed,
    tone marks as separate combining characters."""
    letters = []
    for letter in text:
        parts = unicodedata.normalize("NFD", letter)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        letters.append(base + "".join(c for c in parts if c in TONES))
    return "".join(letters).encode("cp1258")


def test_a_windows_csv_with_semicolons_is_read(area, tmp_path):
    path = tmp_path / "thon.csv"
    path.write_bytes(
        windows_1258(
            "Mã bản ghi;Họ và tên;Ngày sinh;Giới tính;Mã đơn vị thường trú\r\n"
            "1;Trần Thị Thủy;1/2/1985;Nữ;16000001\r\n"
        )
    )
    job = person_import(path=path, source="thon").job
    assert (job.rows_accepted, job.rows_rejected) == (1, 0)
    assert Person.objects.get().full_name == "Trần Thị Thủy"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Họ và tên,Ngày sinh,Dân tộc\r\nAn,1980,Kinh\r\n", "Giới tính"),
        ("Mã,Họ tên,Họ và tên,Ngày sinh,Giới tính\r\n", "cùng là “Họ, chữ đệm và tên”"),
        ("a,b,c\r\n1,2,3\r\n", "không tìm thấy dòng tiêu đề"),
    ],
)
def test_a_file_without_the_needed_columns_stops_before_writing(area, tmp_path, text, message):
    with pytest.raises(ImportFileError, match=message):
        person_import(path=write(tmp_path / "x.csv", text), source="x")
    assert not ImportJob.objects.exists()


def test_an_old_excel_file_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(ImportFileError, match=r"hãy lưu thành \.xlsx") as refused:
        person_import(path=write(tmp_path / "x.xls", "not really"), source="x")
    with translation.override("en"):
        assert "save it as .xlsx or .csv" in str(refused.value)
