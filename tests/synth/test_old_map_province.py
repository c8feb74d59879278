"""`cancuoc synth --province 2021:91`: a province built on the map before 1 July 2025, its
people living in villages of today's tree and recorded under their old communes."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from cancuoc.geo import dataset
from cancuoc.geo.mapping import resolve_unit
from cancuoc.geo.models import AdministrativeUnit, Reorganisation
from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.choices import ResidenceKind
from cancuoc.registry.models import Person, Residence
from cancuoc.synth.files import synth_write
from cancuoc.synth.generator import synth_province, synth_source
from cancuoc.synth.services import synth_load

PEOPLE = 1500
SEED = 5


@pytest.fixture(scope="module")
def kien_giang():
    return synth_province(province="2021:91", people=PEOPLE, seed=SEED, communes=6)


@pytest.fixture(scope="module")
def old_map():
    units = dataset.former_units()
    districts = {u.code for u in units if u.parent_code == "91"}
    communes = {u.code: u.parent_code for u in units if u.parent_code in districts}
    default = {s.old_code: s.new_code for s in dataset.successions() if s.is_default}
    return districts, communes, default


def test_people_are_recorded_under_old_communes_of_kien_giang(kien_giang, old_map):
    districts, communes, _ = old_map
    recorded = Counter(r.permanent_recorded_unit for r in kien_giang.records)
    assert kien_giang.province_name == "Kiên Giang"
    assert len(recorded) == 6 and set(recorded) <= set(communes)
    # six communes from six of the fifteen districts: spread, not the first six of Rạch Giá
    assert len(districts) == 15
    assert len({communes[code] for code in recorded}) == 6


def test_villages_stand_under_the_new_commune_each_old_commune_became(kien_giang, old_map):
    _, _, default = old_map
    village = {v.code: v for v in kien_giang.villages}
    assert all(v.reorganisation == Reorganisation.Y2025 for v in kien_giang.villages)
    assert len(village) == len(kien_giang.villages)  # no code twice
    for record in kien_giang.records:
        home = village[record.permanent_unit]
        assert home.code.startswith(record.permanent_recorded_unit)
        assert home.parent_code == default[record.permanent_recorded_unit]


def test_a_moved_duplicate_is_recorded_under_the_commune_of_its_new_village(kien_giang):
    moved = [d for d in kien_giang.defects if d.kind == "duplicate:new_address"]
    by_ref = {r.ref: r for r in kien_giang.records}
    assert moved
    for defect in moved:
        copy = by_ref[defect.ref]
        assert copy.permanent_unit.startswith(copy.permanent_recorded_unit)


def test_the_old_map_province_has_its_own_source_and_codes(kien_giang):
    assert kien_giang.source == synth_source("2021:91", SEED) == f"synth-2021-91-{SEED}"
    assert synth_source("91", SEED) == f"synth-91-{SEED}"  # An Giang today: another source
    households = {r.household_code for r in kien_giang.records} - {""}  # duplicates have none
    assert households and all(code.startswith("H2021-91") for code in households)
    assert all("-2021-91-" in i.code for i in kien_giang.institutions)
    born_here = [r.personal_id.startswith("091") for r in kien_giang.records if r.personal_id]
    assert sum(born_here) / len(born_here) > 0.8  # 091: births registered in Kiên Giang


def test_the_same_seed_builds_the_same_old_map_province(kien_giang, tmp_path):
    again = synth_province(province="2021:91", people=PEOPLE, seed=SEED, communes=6)
    synth_write(kien_giang, tmp_path / "one")
    synth_write(again, tmp_path / "two")
    for name in ("persons.csv", "units.csv", "institutions.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert [r.permanent_recorded_unit for r in again.records] == [
        r.permanent_recorded_unit for r in kien_giang.records
    ]


def test_an_unknown_province_or_map_is_refused():
    with pytest.raises(ValueError, match="no province with code 2021:99"):
        synth_province(province="2021:99", people=10, seed=1)
    with pytest.raises(ValueError, match="not a code"):
        synth_province(province="2019:91", people=10, seed=1)


def test_loaded_residences_keep_the_old_commune_and_live_in_todays_tree(db, kien_giang):
    synth_load(kien_giang)
    province = unit_by_code("2021:91")
    permanent = Residence.objects.filter(
        person__source=kien_giang.source, kind=ResidenceKind.PERMANENT
    ).select_related("unit__parent", "recorded_unit")
    assert permanent.count() == len(kien_giang.records)
    for residence in permanent:
        recorded = residence.recorded_unit
        assert recorded.reorganisation == Reorganisation.PRE_2025
        assert recorded.path.startswith(province.path)
        assert residence.unit.reorganisation == Reorganisation.Y2025
        assert resolve_unit(recorded) == residence.unit.parent


def test_every_old_district_drawn_has_people_when_asked_by_the_old_map(db, kien_giang):
    synth_load(kien_giang)
    drawn = AdministrativeUnit.objects.filter(
        pk__in=Residence.objects.values("recorded_unit__parent")
    )
    on = date(2021, 3, 1)
    living = {d.code: Person.objects.living_in(d, on=on).count() for d in drawn}
    assert len(living) == 6 and all(living.values()), living
    province = unit_by_code("2021:91")
    assert Person.objects.living_in(province, on=on).count() == sum(living.values())


def test_loading_the_same_province_again_changes_nothing(db, kien_giang):
    synth_load(kien_giang)
    counts = (Person.objects.count(), Residence.objects.count(), AdministrativeUnit.objects.count())
    again = synth_load(kien_giang)
    assert again.register.persons == 0 and again.villages == 0
    assert counts == (
        Person.objects.count(),
        Residence.objects.count(),
        AdministrativeUnit.objects.count(),
    )


def test_the_command_builds_and_loads_an_old_map_province(db, capsys, monkeypatch):
    # VACUUM ANALYZE after the load cannot run inside the test's transaction on PostgreSQL
    monkeypatch.setattr("cancuoc.synth.management.commands.synth.register_analyse", lambda: None)
    call_command("synth", "--province", "2021:72", "--people", "400", "--communes", "3", "--load")
    call_command("synth", "--province", "2021:72", "--people", "400", "--communes", "3", "--load")
    out = capsys.readouterr().out
    assert "Đã nạp" in out and "synth-2021-72-1 is loaded already" in out
    tay_ninh = unit_by_code("2021:72")
    recorded = Residence.objects.filter(recorded_unit__isnull=False)
    assert recorded.count() == Person.objects.filter(source="synth-2021-72-1").count() > 400
    assert all(
        unit.path.startswith(tay_ninh.path)
        for unit in AdministrativeUnit.objects.filter(pk__in=recorded.values("recorded_unit"))
    )


def test_its_canonical_file_imports_back_with_the_old_communes(db, kien_giang, tmp_path):
    from cancuoc.geo.services import geo_load, units_create
    from cancuoc.imports.services import person_import

    geo_load()
    units_create(kien_giang.villages)
    persons = next(p for p in synth_write(kien_giang, tmp_path) if p.name == "persons.csv")
    job = person_import(path=persons).job
    assert job.rows_accepted + job.rows_rejected + job.rows_merged == job.rows_read
    assert job.rows_accepted > PEOPLE * 0.9  # the injected defects are rejected
    permanent = Residence.objects.filter(kind=ResidenceKind.PERMANENT)
    recorded = {
        r.person.source_ref: r.recorded_unit.code
        for r in permanent.select_related("person", "recorded_unit")
    }
    expected = {r.ref: r.permanent_recorded_unit for r in kien_giang.records}
    assert recorded and all(code == expected[ref] for ref, code in recorded.items())
