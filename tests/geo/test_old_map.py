"""The map before 1 July 2025 (63 provinces, districts, communes) loaded beside today's, and
the mapping between them, from vietnamadminunits' data."""

import pytest
from django.core.management import call_command

from cancuoc.accounts.models import AuditEvent
from cancuoc.geo.dataset import province_communes
from cancuoc.geo.models import AdministrativeUnit, Reorganisation, UnitKind, UnitSuccession
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.geo.services import NewUnit, geo_load, units_create

OLD = Reorganisation.PRE_2025

# What the data says (vietnamadminunits 1.0.4): the map as it stood on 30 June 2025.
OLD_PROVINCES, OLD_DISTRICTS, OLD_COMMUNES = 63, 696, 10_035
ISLAND_DISTRICTS = 5  # districts without communes: they map to a special zone themselves
LINKS, DIVIDED = 10_602, 471


@pytest.fixture
def maps(db):
    return geo_load()


def test_both_maps_and_the_mapping_load_once(maps):
    former = AdministrativeUnit.objects.former()
    assert former.provinces().count() == OLD_PROVINCES
    assert former.districts().count() == OLD_DISTRICTS
    assert former.communes().count() == OLD_COMMUNES
    assert AdministrativeUnit.objects.current().provinces().count() == 34
    assert AdministrativeUnit.objects.current().communes().count() == 3321
    assert maps.created == OLD_PROVINCES + OLD_DISTRICTS + OLD_COMMUNES + 34 + 3321
    assert maps.successions_created == UnitSuccession.objects.count() == LINKS
    # Every old commune and island district leads somewhere, with exactly one default.
    linked = UnitSuccession.objects.values("old").distinct().count()
    assert linked == OLD_COMMUNES + ISLAND_DISTRICTS
    assert UnitSuccession.objects.filter(is_default=True).count() == linked
    assert not UnitSuccession.objects.filter(old__reorganisation=Reorganisation.Y2025).exists()
    assert not UnitSuccession.objects.filter(new__reorganisation=OLD).exists()
    divided = {
        old for old in UnitSuccession.objects.filter(is_default=False).values_list("old", flat=True)
    }
    assert len(divided) == DIVIDED

    again = geo_load()
    assert (again.created, again.successions_created) == (0, 0)
    assert again.existing == maps.created
    assert AdministrativeUnit.objects.count() == maps.created


def test_one_map_alone_loads_without_the_mapping(db):
    first = geo_load(maps=["2021"])
    assert first.created == OLD_PROVINCES + OLD_DISTRICTS + OLD_COMMUNES
    assert not AdministrativeUnit.objects.current().exists()
    assert first.successions_created == 0
    both = geo_load()
    assert both.created == 34 + 3321
    assert both.successions_created == LINKS


def test_the_seeds_provinces_stand_with_their_districts(maps):
    kien_giang = unit_by_code("91", reorganisation=OLD)
    assert kien_giang.name == "Kiên Giang" and kien_giang.kind == UnitKind.PROVINCE
    districts = AdministrativeUnit.objects.filter(parent=kien_giang)
    assert districts.count() == 15
    assert {"Thành phố Rạch Giá", "Thành phố Phú Quốc", "Huyện Kiên Hải"} <= set(
        districts.values_list("name", flat=True)
    )
    assert set(districts.values_list("kind", flat=True)) == {UnitKind.DISTRICT}
    assert AdministrativeUnit.objects.subtree(kien_giang).communes().count() == 143

    tay_ninh = unit_by_code("72", reorganisation=OLD)
    assert tay_ninh.name == "Tây Ninh"
    assert AdministrativeUnit.objects.filter(parent=tay_ninh).count() == 9

    quang_hai = unit_by_code("16540", reorganisation=OLD)
    assert quang_hai.name == "Xã Quảng Hải" and quang_hai.kind == UnitKind.COMMUNE
    assert [(u.code, u.name) for u in quang_hai.ancestors()] == [
        ("38", "Thanh Hóa"),
        ("406", "Huyện Quảng Xương"),
    ]
    # Today's map has no districts: Thanh Hóa's communes hang from the province.
    assert unit_by_code("16540").parent.code == "38"
    assert not AdministrativeUnit.objects.current().districts().exists()


def test_codes_are_compared_as_the_zero_padded_strings_they_are(maps):
    assert unit_by_code("00004").name == "Phường Ba Đình"
    assert unit_by_code("00004", reorganisation=OLD).name == "Phường Trúc Bạch"
    assert unit_by_code("04").name == "Cao Bằng"
    # On the old map "004" is a district (Quận Long Biên), not Cao Bằng with a leading zero.
    assert unit_by_code("004", reorganisation=OLD).name == "Quận Long Biên"
    assert unit_by_code("038").name == "Thanh Hóa"


def test_a_commune_code_never_falls_back_to_a_province(db):
    units_create([NewUnit("04", "Cao Bằng", UnitKind.PROVINCE, None)])
    with pytest.raises(UnitNotFound, match="00004"):
        unit_by_code("00004")
    assert unit_by_code("4").code == "04"


def test_the_command_loads_both_maps_and_audits_what_it_created(db, capsys):
    call_command("geo", "load", "--map", "2021")
    call_command("geo", "load")
    call_command("geo", "load")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Đã thêm {OLD_PROVINCES + OLD_DISTRICTS + OLD_COMMUNES} đơn vị")
    assert f"created {34 + 3321} units" in out[1] and f"{LINKS} old -> new links" in out[1]
    assert "created 0 units" in out[2] and " 0 old -> new links" in out[2]
    details = [e.detail for e in AuditEvent.objects.filter(action="bulk_load").order_by("pk")]
    assert details == [
        {"units": OLD_PROVINCES + OLD_DISTRICTS + OLD_COMMUNES, "successions": 0},
        {"units": 34 + 3321, "successions": LINKS},
    ]


def test_a_province_of_today_and_its_communes_come_in_code_order():
    province, communes = province_communes("38")
    assert (province.name, province.kind, len(communes)) == ("Thanh Hóa", UnitKind.PROVINCE, 166)
    codes = [c.code for c in communes]
    assert codes == sorted(codes) and {c.parent_code for c in communes} == {"38"}
    assert province_communes("01")[0].name == "Thành phố Hà Nội"
    with pytest.raises(KeyError):
        province_communes("99")
