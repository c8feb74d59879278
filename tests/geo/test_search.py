"""Finding a unit by what an officer types: a code, a name with or without diacritics, or an
entry of the hand-over picker."""

import pytest

from cancuoc.geo.models import AdministrativeUnit, UnitKind
from cancuoc.geo.selectors import UnitNotFound, picker_communes, unit_from_picker, units_search
from cancuoc.geo.services import NewUnit, units_create


def test_names_are_searched_without_diacritics_and_codes_by_their_start(area):
    units = AdministrativeUnit.objects.current()
    assert [u.code for u in units_search("xa mot", units=units)] == ["16000"]
    assert [u.code for u in units_search("  Tổ DÂN ", units=units)] == ["16001001"]
    assert [u.code for u in units_search("16001", units=units)] == ["16001", "16001001"]
    assert units_search("", units=units) == []
    # Only within the units given (the user's area).
    assert (
        units_search("phuong", units=units.filter(path__startswith=units.get(code="16000").path))
        == []
    )


def test_a_name_edited_in_the_admin_is_searched_as_edited(area):
    unit = AdministrativeUnit.objects.get(code="16000")
    unit.name = "Xã Đông Sơn"
    unit.save()
    assert units_search("dong son", units=AdministrativeUnit.objects.all()) == [unit]


def test_the_picker_lists_communes_with_their_province_and_code(area):
    assert picker_communes() == ["Phường Hai, Thanh Hóa (16001)", "Xã Một, Thanh Hóa (16000)"]


def test_the_picker_reads_an_entry_a_code_or_a_single_name(area):
    assert unit_from_picker("Phường Hai, Thanh Hóa (16001)").code == "16001"
    assert unit_from_picker(" 16000001 ").code == "16000001"
    assert unit_from_picker("phuong hai").code == "16001"
    assert unit_from_picker("Xã Một, thanh hoa").code == "16000"
    with pytest.raises(UnitNotFound, match="Không có đơn vị nào tên Xã Ba"):
        unit_from_picker("Xã Ba")
    with pytest.raises(UnitNotFound, match="Cần chọn"):
        unit_from_picker("  ")
    with pytest.raises(UnitNotFound, match="mã 99999"):
        unit_from_picker("99999")


def test_a_name_borne_by_two_units_asks_for_the_code(area):
    units_create([NewUnit("17000", "Xã Một", UnitKind.COMMUNE, "38")])
    with pytest.raises(UnitNotFound, match="Có nhiều đơn vị tên xa mot"):
        unit_from_picker("xa mot")
    assert unit_from_picker("Xã Một, Thanh Hóa (17000)").code == "17000"
