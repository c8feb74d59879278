"""The canonical file's column of the old map: a commune's code before 1 July 2025 places the
person in today's unit it became and keeps the old one on the residence."""

import pytest

from cancuoc.geo.models import UnitKind
from cancuoc.geo.services import NewUnit, geo_load, units_create
from cancuoc.imports.services import person_import
from cancuoc.registry.canonical import HEADERS
from cancuoc.registry.models import Residence

OLD_CODE = "Mã đơn vị thường trú trước 01/7/2025"


@pytest.fixture
def maps(db):
    geo_load()
    units_create([NewUnit("16540777", "Thôn Hải Thượng", UnitKind.VILLAGE, "16540")])


def test_the_old_code_column_is_part_of_the_canonical_file():
    assert HEADERS[-1] == OLD_CODE


def test_an_old_commune_code_places_the_person_in_todays_unit_and_is_kept(maps, tmp_path):
    path = tmp_path / "ma-cu.csv"
    path.write_text(
        f"Họ và tên,Ngày sinh,Giới tính,Mã đơn vị thường trú,{OLD_CODE}\n"
        "Lê Văn Một,1970,Nam,,16540\n"  # Xã Quảng Hải (old) became part of today's 16540
        "Lê Thị Hai,1972,Nữ,16540777,16462\n"  # today's village given too: it stays
        "Lê Văn Ba,1975,Nam,,99999\n",
        encoding="utf-8",
    )
    job = person_import(path=path).job
    reasons = list(job.rejected.values_list("row", "reasons"))
    assert (job.rows_read, job.rows_accepted, job.rows_rejected) == (3, 2, 1), reasons
    rejected = job.rejected.get()
    assert (rejected.row, rejected.column) == (4, OLD_CODE)
    places = {
        r.person.full_name: (r.unit.code, r.recorded_unit.name)
        for r in Residence.objects.select_related("person", "unit", "recorded_unit")
    }
    assert places == {
        "Lê Văn Một": ("16540", "Xã Quảng Hải"),
        "Lê Thị Hai": ("16540777", "Xã Quảng Nhân"),
    }
