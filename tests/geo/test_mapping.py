"""Today's unit for a unit of either map, and the old communes a new one was made of."""

import pytest

from cancuoc.geo.mapping import UnitNotResolved, former_units, resolve_unit
from cancuoc.geo.models import AdministrativeUnit, Reorganisation, UnitKind
from cancuoc.geo.selectors import unit_by_code
from cancuoc.geo.services import NewUnit, geo_load, units_create
from cancuoc.lib.errors import DomainError
from cancuoc.registry.models import Residence

OLD = Reorganisation.PRE_2025


def old(code: str):
    return unit_by_code(code, reorganisation=OLD)


@pytest.fixture
def maps(db):
    geo_load()


def test_a_unit_of_todays_map_is_its_own(maps):
    for code in ("38", "16540", "00004"):
        unit = unit_by_code(code)
        assert resolve_unit(unit, "Phường Lê Chân") == unit


def test_merged_communes_resolve_to_the_commune_they_became(maps):
    # Quảng Hải, Quảng Nhân and Quảng Ninh (huyện Quảng Xương) became Xã Quảng Ninh, which
    # took Quảng Hải's code: the code alone says nothing about which map it is from.
    quang_ninh = unit_by_code("16540")
    assert quang_ninh.name == "Xã Quảng Ninh"
    for code in ("16540", "16462", "16465"):
        assert resolve_unit(old(code)) == quang_ninh
    assert [(u.code, u.name) for u in former_units(quang_ninh)] == [
        ("16462", "Xã Quảng Nhân"),
        ("16465", "Xã Quảng Ninh"),
        ("16540", "Xã Quảng Hải"),
    ]
    assert resolve_unit(old("00004")).name == "Phường Ba Đình"


def test_a_divided_commune_goes_by_the_address_else_to_its_default(maps):
    # Phường Vĩnh Niệm (quận Lê Chân, Hải Phòng) went to Phường An Biên (default) and, in
    # part, to Phường Lê Chân.
    vinh_niem, an_bien, le_chan = old("11407"), unit_by_code("11407"), unit_by_code("11383")
    assert (vinh_niem.name, an_bien.name, le_chan.name) == (
        "Phường Vĩnh Niệm",
        "Phường An Biên",
        "Phường Lê Chân",
    )
    assert resolve_unit(vinh_niem) == an_bien
    assert resolve_unit(vinh_niem, "") == an_bien
    # The district's name is not the new ward's: "Quận Lê Chân" decides nothing.
    assert resolve_unit(vinh_niem, "12 Hoàng Minh Thảo, P. Vĩnh Niệm, Quận Lê Chân") == an_bien
    assert resolve_unit(vinh_niem, "12 Hoàng Minh Thảo, nay là phường Lê Chân") == le_chan
    assert resolve_unit(vinh_niem, "12 Hoang Minh Thao, PHUONG LE CHAN, Hai Phong") == le_chan
    # Naming both parts decides nothing either.
    assert resolve_unit(vinh_niem, "Phường Lê Chân hoặc Phường An Biên") == an_bien
    assert vinh_niem in former_units(an_bien) and vinh_niem in former_units(le_chan)


def test_a_village_loaded_under_a_part_decides_for_a_divided_commune(maps):
    # Phường An Biên of the old map went to Phường Lê Chân (default) and Phường An Biên.
    old_an_bien = old("11371")
    assert resolve_unit(old_an_bien) == unit_by_code("11383")
    units_create(
        [NewUnit("11407901", "Tổ dân phố Hàng Kênh 3", UnitKind.RESIDENTIAL_GROUP, "11407")]
    )
    assert resolve_unit(old_an_bien, "tổ dân phố Hàng Kênh 3, Phường An Biên") == unit_by_code(
        "11407"
    )


def test_an_old_village_resolves_through_its_commune(maps):
    units_create(
        [NewUnit("16540901", "Thôn Hải Thượng", UnitKind.VILLAGE, "16540", reorganisation=OLD)]
    )
    assert resolve_unit(old("16540901")) == unit_by_code("16540")


def test_an_old_district_resolves_only_when_it_became_one_unit(maps):
    assert resolve_unit(old("755")).name == "Đặc khu Côn Đảo"
    with pytest.raises(
        UnitNotResolved, match=r"Huyện Quảng Xương \(mã 406, trước 01/7/2025\) nay thuộc 8 đơn vị"
    ) as refused:
        resolve_unit(old("406"))
    assert isinstance(refused.value, DomainError)
    with pytest.raises(UnitNotResolved, match=r"Kiên Giang \(mã 91, .*\) nay thuộc 48 đơn vị"):
        resolve_unit(old("91"))


def test_a_new_province_was_made_of_the_old_provinces_communes(maps):
    # Today's An Giang (91) is the old An Giang (89) and the old Kiên Giang (91).
    old_communes = AdministrativeUnit.objects.former().communes()
    assert set(former_units(unit_by_code("91"))) == set(old_communes.subtree(old("89"))) | set(
        old_communes.subtree(old("91"))
    )


def test_a_residence_keeps_the_old_unit_it_was_recorded_under(maps, add_person):
    person = add_person()
    residence = Residence.objects.get(person=person)
    residence.recorded_unit = old("16462")
    residence.unit = resolve_unit(residence.recorded_unit)
    residence.save()
    residence.refresh_from_db()
    assert residence.recorded_unit.name == "Xã Quảng Nhân"
    assert residence.unit.code == "16540" and residence.unit.reorganisation == "2025"
