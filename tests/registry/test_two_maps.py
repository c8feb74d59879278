"""One register, two maps: a person recorded under an old commune lives in today's unit it
became, and counts once in the old map's commune, district and province when figures are
asked by that map (issue 14, item 2)."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cancuoc.accounts.models import Assignment, Role
from cancuoc.accounts.scope import scope_for
from cancuoc.forecasting.forecast import forecast_children, forecast_unit
from cancuoc.geo.models import Reorganisation, UnitKind
from cancuoc.geo.selectors import unit_by_code
from cancuoc.geo.services import NewUnit, geo_load, units_create
from cancuoc.imports.services import person_import
from cancuoc.intake.models import Application
from cancuoc.intake.services import application_places_fill, intake_record
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.planning.selectors import stations_in
from cancuoc.registry.models import Home, Person
from cancuoc.registry.services import home_places_fill
from cancuoc.reports.models import DailyRollup, EligibleSnapshot
from cancuoc.reports.rollups import eligible_snapshot, rollups_rebuild
from cancuoc.reports.weekly import _roman, weekly_figures, weekly_xlsx
from cancuoc.scheduling.worklists import worklist, worklist_counts

ON = date(2021, 4, 1)
LIST = """Họ và tên,Ngày sinh,Giới tính,Địa chỉ thường trú
Lê Văn Sáu,1970,Nam,"Thôn 3, xã Quảng Hải, huyện Quảng Xương, Thanh Hóa"
Vũ Văn Một,1975,Nam,"12 Hoàng Minh Thảo, phường Vĩnh Niệm, quận Lê Chân, Hải Phòng"
Vũ Thị Hai,1976,Nữ,"Tổ dân phố Hàng Kênh 3, phường Vĩnh Niệm, quận Lê Chân, Hải Phòng"
"""


def old(code: str):
    return unit_by_code(f"2021:{code}")


def capture(django_user_model) -> None:
    """Lê Văn Sáu's application, taken on ``ON`` at Quảng Ninh's station."""
    operator = django_user_model.objects.create_user("operator")
    station = quang_ninh_station()
    kit = Kit.objects.create(station=station, code="KIT-1")
    started = timezone.make_aware(datetime.combine(ON, time(9)))
    intake_record(
        operator=operator,
        person=Person.objects.get(full_name="Lê Văn Sáu"),
        station=station,
        kit=kit,
        started_at=started,
        ended_at=started.replace(minute=7),
        accepted=True,
        idempotency_key="two-maps-1",
    )


def quang_ninh_station() -> Station:
    unit = unit_by_code("16540")
    return Station.objects.create(code="CA-QN", name="Công an", kind=StationKind.FIXED, unit=unit)


def names(persons) -> set[str]:
    return set(persons.values_list("full_name", flat=True))


@pytest.fixture
def register(db, tmp_path):
    geo_load()
    # A residential group of today's Phường Lê Chân, which took part of Phường Vĩnh Niệm.
    units_create(
        [NewUnit("11383901", "Tổ dân phố Hàng Kênh 3", UnitKind.RESIDENTIAL_GROUP, "11383")]
    )
    path = tmp_path / "danh-sach.csv"
    path.write_text(LIST, encoding="utf-8")
    job = person_import(path=path).job
    reasons = list(job.rejected.values_list("row", "reasons"))
    assert (job.rows_read, job.rows_accepted) == (3, 3), reasons


def test_old_codes_name_units_of_the_old_map_in_urls(db):
    geo_load()
    quang_hai = old("16540")
    assert (quang_hai.name, quang_hai.reorganisation) == ("Xã Quảng Hải", Reorganisation.PRE_2025)
    assert unit_by_code("16540").name == "Xã Quảng Ninh"  # the same code, today's map
    assert unit_by_code(quang_hai.url_code) == quang_hai
    assert unit_by_code("16540").url_code == "16540"


def test_a_person_recorded_under_an_old_commune_is_on_the_worklist_of_the_commune_it_became(
    register,
):
    assert names(worklist(unit=unit_by_code("16540"), on=ON)) == {"Lê Văn Sáu"}
    # Phường Vĩnh Niệm was divided: the address decides (a residential group of today's
    # Phường Lê Chân), else the default (Phường An Biên).
    assert names(worklist(unit=unit_by_code("11407"), on=ON)) == {"Vũ Văn Một"}
    assert names(worklist(unit=unit_by_code("11383"), on=ON)) == {"Vũ Thị Hai"}


def test_asked_by_the_old_map_each_counts_in_the_commune_district_and_province_recorded(
    register,
):
    quang_xuong = old("16540").parent
    assert quang_xuong.name == "Huyện Quảng Xương"
    assert names(worklist(unit=old("16540"), on=ON)) == {"Lê Văn Sáu"}
    assert names(worklist(unit=quang_xuong, on=ON)) == {"Lê Văn Sáu"}
    assert names(worklist(unit=quang_xuong.parent, on=ON)) == {"Lê Văn Sáu"}
    assert names(worklist(unit=old("16462"), on=ON)) == set()  # Quảng Nhân, merged with it
    vinh_niem = old("11407")
    assert names(worklist(unit=vinh_niem, on=ON)) == {"Vũ Văn Một", "Vũ Thị Hai"}
    assert names(worklist(unit=vinh_niem.parent, on=ON)) == {"Vũ Văn Một", "Vũ Thị Hai"}
    # By residence kind too (the absent residents' page asks so).
    assert names(worklist(unit=vinh_niem, on=ON, basis="permanent")) == {
        "Vũ Văn Một",
        "Vũ Thị Hai",
    }


def test_the_same_people_count_once_whichever_way_the_tree_is_cut(register):
    for province in (old("31"), unit_by_code("31")):  # Hải Phòng, old map and today's
        counts = worklist_counts(unit=province, on=ON)
        assert sum(c.total for c in counts) == worklist(unit=province, on=ON).count() == 2
    districts = {c.unit.name: c.total for c in worklist_counts(unit=old("31"), on=ON) if c.total}
    assert districts == {"Quận Lê Chân": 2}
    eligible_snapshot(old("38"), ON)
    snapshots = EligibleSnapshot.objects.filter(as_of=ON, unit__in=[old("38"), old("16540")])
    assert {s.unit.name: s.eligible for s in snapshots} == {"Thanh Hóa": 1, "Xã Quảng Hải": 1}


def test_a_capture_counts_on_both_maps_and_the_rebuild_agrees(register, django_user_model):
    capture(django_user_model)
    captured = {
        (r.unit.reorganisation, r.unit.name): r.captured
        for r in DailyRollup.objects.filter(day=ON).select_related("unit")
    }
    assert captured == {
        ("2025", "Thanh Hóa"): 1,
        ("2025", "Xã Quảng Ninh"): 1,
        ("pre2025", "Thanh Hóa"): 1,
        ("pre2025", "Huyện Quảng Xương"): 1,
        ("pre2025", "Xã Quảng Hải"): 1,
    }
    assert worklist(unit=old("16540").parent, on=ON).count() == 0
    rollups_rebuild()
    assert {
        (r.unit.reorganisation, r.unit.name): r.captured
        for r in DailyRollup.objects.filter(day=ON).select_related("unit")
    } == captured


def test_homes_loaded_before_the_maps_were_linked_get_their_old_place(register, django_user_model):
    capture(django_user_model)
    Home.objects.update(former_unit=None)
    Application.objects.update(former_unit=None)
    rollups_rebuild()
    assert not Person.objects.living_in(old("16540"), on=ON).exists()
    assert not DailyRollup.objects.filter(unit=old("16540")).exists()
    assert home_places_fill() == 3
    assert application_places_fill() == 1
    rollups_rebuild()
    assert names(Person.objects.living_in(old("16540"), on=ON)) == {"Lê Văn Sáu"}
    assert DailyRollup.objects.get(unit=old("16540").parent, day=ON).captured == 1


def test_an_old_unit_is_in_an_area_when_all_it_became_is(register, django_user_model):
    officer = django_user_model.objects.create_user("officer")
    Assignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16540"))
    scope = scope_for(officer)
    assert scope.contains_unit(old("16540"))  # Quảng Hải became part of Quảng Ninh
    assert not scope.contains_unit(old("16540").parent)  # the district became many
    assert not scope.contains_unit(old("11407"))


def test_the_dashboard_of_an_old_province_shows_its_districts(register, client, django_user_model):
    admin = django_user_model.objects.create_user("national")
    Assignment.objects.create(user=admin, role=Role.NATIONAL)
    client.force_login(admin)
    page = client.get(f"/don-vi/2021:38/?ngay={ON}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'href="/don-vi/2021:' in text  # its districts, on the old map
    assert "Huyện Quảng Xương" in text
    district = client.get(f"/don-vi/{old('16540').parent.url_code}/?ngay={ON}")
    assert district.status_code == 200 and "Xã Quảng Hải" in district.content.decode()


def test_the_weekly_report_of_an_old_province_groups_communes_by_district(register, tmp_path):
    figures = weekly_figures(old("38"), ON)
    groups = {d.unit.name: [c.unit.name for c in communes] for d, communes in figures.districts}
    assert len(groups) == len(figures.children) > 20  # every district of Thanh Hóa, as it was
    assert "Xã Quảng Hải" in groups["Huyện Quảng Xương"]
    rows = [
        row[:2]
        for row in load_workbook(weekly_xlsx(figures, tmp_path / "phu-luc.xlsx"))[
            "Theo đơn vị"
        ].iter_rows(min_row=3, values_only=True)
    ]
    names = [name for _, name in rows]
    district = names.index("Huyện Quảng Xương")
    assert isinstance(rows[district][0], str)  # a group's number: I, II, …
    following = rows[district + 1 : district + 1 + len(groups["Huyện Quảng Xương"])]
    assert [name for _, name in following] == groups["Huyện Quảng Xương"]
    assert all(isinstance(number, int) for number, _ in following)
    assert [_roman(n) for n in (1, 4, 9, 14, 27)] == ["I", "IV", "IX", "XIV", "XXVII"]
    assert weekly_figures(unit_by_code("38"), ON).districts == []  # today's map: no districts


def test_a_forecast_by_the_old_map_counts_the_stations_of_what_each_unit_became(register):
    station = Station.objects.create(
        code="CA-QN",
        name="Công an Xã Quảng Ninh",
        kind=StationKind.FIXED,
        unit=unit_by_code("16540"),
    )
    quang_xuong = old("16540").parent
    assert stations_in(quang_xuong) == [station]
    assert stations_in(old("11407").parent) == []  # Quận Lê Chân, Hải Phòng
    by_district = {
        f.unit.name: [load.station.code for load in f.stations]
        for f in forecast_children(unit=old("38"), on=ON)
    }
    assert by_district["Huyện Quảng Xương"] == ["CA-QN"]
    assert sum(len(codes) for codes in by_district.values()) == 1  # counted in one district
    assert [load.station.code for load in forecast_unit(unit=quang_xuong, on=ON).stations] == [
        "CA-QN"
    ]
