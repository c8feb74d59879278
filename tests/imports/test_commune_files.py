"""The commune lists of tests/fixtures/communes (made by its make.py, modelled on lists of
2021) import unchanged, each with its exact outcome: read = accepted + rejected + merged,
every rejection's row, column and reason; a second import changes nothing."""

from pathlib import Path

import pytest
from django.utils import translation

from cancuoc.geo.services import geo_load
from cancuoc.imports.errors import ImportFileError
from cancuoc.imports.models import ImportJob
from cancuoc.imports.services import person_import
from cancuoc.registry.models import Person

FILES = Path(__file__).parents[1] / "fixtures" / "communes"
NO_UNIT = "no unit of residence: "

# file -> (read, accepted, rejected, merged), [(sheet, row, column, reason starts with)]
OUTCOMES = {
    "01-quang-hai-tieu-de.xlsx": (
        (6, 4, 2, 0),
        [
            ("Danh sách", 11, "Số CMND/CCCD", "“38085008901” is neither a CMND number"),
            ("Danh sách", 12, "Số CMND/CCCD", "digit 4 says sex M, the record says F"),
        ],
    ),
    "02-tan-phong-utf8-bom.csv": (
        (3, 2, 1, 0),
        [("02-tan-phong-utf8-bom.csv", 5, "Ngày sinh", "“31/02/1992” is not a real date")],
    ),
    "03-dia-chi-tu-do.csv": (
        (5, 3, 2, 0),
        [
            (
                "03-dia-chi-tu-do.csv",
                4,
                "Địa chỉ thường trú",
                "address: no administrative unit is named “Xã Quảng Hảii”; nearest names: "
                "Xã Quảng Hải, Huyện Quảng Xương, Thanh Hóa (16540, 2021 map)",
            ),
            ("03-dia-chi-tu-do.csv", 5, "Địa chỉ thường trú", NO_UNIT),
        ],
    ),
    "04-ba-dinh-windows-1258.csv": (
        (3, 2, 1, 0),
        [("04-ba-dinh-windows-1258.csv", 5, "Năm sinh", "the date of birth must lie between")],
    ),
    "05-quang-ninh-utf16.csv": (
        (4, 3, 1, 0),
        [("05-quang-ninh-utf16.csv", 7, "Số CMND", "card number 1234567 is neither")],
    ),
    "06-rach-gia-cong-an.xlsx": (
        (4, 2, 2, 0),
        [
            ("Rạch Giá", 6, "Nơi ĐKTT", "the address names no commune or ward of Thành phố Rạch"),
            ("Rạch Giá", 7, "Sinh ngày", "the date of birth must lie between"),
        ],
    ),
    "07-ma-ho-so-va-ma-don-vi.xlsx": ((5, 5, 0, 0), []),
    "08-khong-ghi-don-vi.csv": ((3, 2, 0, 1), []),
    "09-hai-trang-tinh.xlsx": (
        (4, 3, 1, 0),
        [("Tân Phong", 5, "Số CMND/CCCD", "“12345678901234” is neither a CMND number")],
    ),
    "10-cot-giong-nhau.csv": (
        (4, 2, 2, 0),
        [
            ("10-cot-giong-nhau.csv", 5, "Số CMND/CCCD", "digit 4 says sex M, the record says F"),
            ("10-cot-giong-nhau.csv", 6, "Số CMND/CCCD", "two different numbers for Số CCCD"),
        ],
    ),
}
UNITS = {"08-khong-ghi-don-vi.csv": "xã Quảng Hải, huyện Quảng Xương"}


@pytest.fixture
def maps(db):
    geo_load()  # both maps, and the mapping of old communes to today's


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_a_commune_list_imports_unchanged_with_its_exact_outcome(maps, name):
    counts, rejections = OUTCOMES[name]
    result = person_import(path=FILES / name, unit=UNITS.get(name, ""))
    job = result.job
    assert (job.rows_read, job.rows_accepted, job.rows_rejected, job.rows_merged) == counts
    assert job.rows_read == job.rows_accepted + job.rows_rejected + job.rows_merged
    found = sorted((e.sheet, e.row, e.column, e.message_en) for e in result.errors)
    assert len(found) == len(rejections)
    for (sheet, row, column, reason), expected in zip(found, rejections, strict=True):
        assert (sheet, row, column) == expected[:3]
        assert reason.startswith(expected[3]), reason
    assert sorted((r.sheet, r.row) for r in job.rejected.all()) == [r[:2] for r in rejections]

    again = person_import(path=FILES / name, unit=UNITS.get(name, "")).job
    assert (again.rows_accepted, again.rows_merged) == (0, counts[1] + counts[3])


def test_an_old_commune_of_the_title_rows_becomes_todays_commune(maps):
    person_import(path=FILES / "01-quang-hai-tieu-de.xlsx")
    homes = {
        p.full_name: {(r.unit.code, r.recorded_unit.name) for r in p.residences.all()}
        for p in Person.objects.prefetch_related("residences__unit", "residences__recorded_unit")
    }
    # Xã Quảng Hải (huyện Quảng Xương) is part of today's Xã Quảng Ninh, code 16540; the
    # residence keeps the commune the list named.
    assert homes == {
        name: {("16540", "Xã Quảng Hải")}
        for name in ["Lê Thị Lan", "Trần Văn Hùng", "Lê Thị Mai", "Nguyễn Thị Hà"]
    }
    job = ImportJob.objects.get()
    with translation.override("en"):
        assert "unit named by the title rows: Xã Quảng Hải, Huyện Quảng Xương" in job.notes_said[0]


def test_a_cmnd_cccd_column_puts_each_number_where_it_belongs(maps):
    person_import(path=FILES / "01-quang-hai-tieu-de.xlsx")
    hung = Person.objects.get(full_name="Trần Văn Hùng")
    mai = Person.objects.get(full_name="Lê Thị Mai")
    assert (hung.personal_id, mai.personal_id) == ("038075002345", "")
    warned = ImportJob.objects.get().warnings.order_by("row")
    assert [(w.row, w.column) for w in warned] == [(9, "Số CMND/CCCD"), (10, "Số CMND/CCCD")]
    assert "CMND 9 số …678 has no issue date" in warned[0].message_en


def test_a_file_with_a_byte_that_is_no_text_is_refused_naming_its_line(maps):
    with pytest.raises(ImportFileError) as refused:
        person_import(path=FILES / "11-byte-hong.csv")
    assert "byte 0x90 ở dòng 3" in str(refused.value)
    assert not Person.objects.exists() and not ImportJob.objects.exists()


def test_a_unit_that_names_several_offers_them(maps):
    with pytest.raises(ImportFileError) as refused:
        person_import(path=FILES / "08-khong-ghi-don-vi.csv", unit="xã Quảng Ninh")
    with translation.override("en"):
        said = str(refused.value)
    assert "several units are named" in said
    assert "Xã Quảng Ninh, Thanh Hóa (16540, 2025 map)" in said


def test_a_villages_heading_inside_the_list_is_no_ones_row(maps, tmp_path):
    path = tmp_path / "theo-thon.csv"
    path.write_text(
        "STT,Họ và tên,Ngày sinh,Giới tính\n"
        "I,THÔN ĐÔNG HẢI,,\n"
        "1,Lê Văn Một,1970,Nam\n"
        "II,Xóm 3,,\n"
        "2,Lê Thị Hai,1972,Nữ\n"
        ",Tổ dân phố 5,,\n"
        "3,Tô Văn Ba,,\n",  # a person with only a name (Tô, not Tổ): rejected, not skipped
        encoding="utf-8",
    )
    job = person_import(path=path, unit="xã Quảng Hải, huyện Quảng Xương").job
    assert (job.rows_read, job.rows_accepted, job.rows_rejected) == (3, 2, 1)
    assert list(job.rejected.values_list("row", flat=True)) == [7]
