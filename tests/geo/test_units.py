import pytest
from django.db import connection

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.geo.services import NewUnit, geo_load_current, units_create


def test_geo_load_brings_the_34_provinces_and_3321_communes_once(db):
    first = geo_load_current()
    again = geo_load_current()
    assert first.created == 34 + 3321
    assert again.created == 0 and again.existing == 34 + 3321
    assert AdministrativeUnit.objects.provinces().count() == 34
    assert AdministrativeUnit.objects.communes().count() == 3321


def test_a_subtree_is_the_unit_and_everything_below_it(area):
    commune = unit_by_code("16000")
    assert set(AdministrativeUnit.objects.subtree(commune).values_list("code", flat=True)) == {
        "16000",
        "16000001",
        "16000002",
    }
    assert AdministrativeUnit.objects.subtree(unit_by_code("38")).count() == 6


def test_ancestors_run_from_the_top(area):
    village = unit_by_code("16000002")
    assert [u.code for u in village.ancestors()] == ["38", "16000"]


def test_a_province_code_may_be_given_with_its_leading_zero(area):
    assert unit_by_code("038").name == "Thanh Hóa"
    with pytest.raises(UnitNotFound, match="99999"):
        unit_by_code("99999")


def test_a_unit_whose_parent_is_unknown_is_refused_and_nothing_is_written(db):
    with pytest.raises(ValueError, match="77777"):
        units_create(
            [
                NewUnit("01", "Hà Nội", "tinh", None),
                NewUnit("12345", "Xã Lạc", "xa", "77777"),
            ]
        )
    assert AdministrativeUnit.objects.count() == 0


def test_the_subtree_query_is_one_indexed_range_scan(db):
    geo_load_current()
    query = AdministrativeUnit.objects.subtree(unit_by_code("38")).values("pk").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan and "path" in plan
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "INDEX" in plan and "path>" in plan
