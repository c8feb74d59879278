"""`cancuoc demo --province kien-giang`: the seeds' spring-2021 campaign replayed on the
units of its day, the target on the old province split over its districts."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cancuoc.geo.mapping import resolve_unit
from cancuoc.geo.models import AdministrativeUnit, UnitKind
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.models import Application
from cancuoc.planning.models import Station, Target
from cancuoc.reports.weekly import weekly_figures
from cancuoc.synth.demo import (
    CAMPAIGN_START,
    SEED_CAMPAIGNS,
    DemoRefused,
    demo_guard,
    demo_seed_campaign,
)
from cancuoc.synth.generator import synth_province
from cancuoc.synth.services import synth_load

KIEN_GIANG = SEED_CAMPAIGNS["kien-giang"]
AS_OF = date(2021, 4, 1)


@pytest.fixture(scope="module")
def built():
    return synth_province(province="2021:91", people=1500, seed=2021, communes=6)


@pytest.fixture
def campaign(db, built):
    synth_load(built)
    return demo_seed_campaign(campaign=KIEN_GIANG, as_of=AS_OF)


def test_the_seeds_target_is_set_on_the_old_province_and_split_over_its_districts(campaign):
    province = unit_by_code("2021:91")
    assert (campaign.unit, campaign.count) == (province, 1_171_200)
    assert (campaign.start, campaign.deadline) == (CAMPAIGN_START, date(2021, 6, 30))
    parts = list(campaign.parts.select_related("unit"))
    districts = set(AdministrativeUnit.objects.filter(parent=province))
    assert {p.unit for p in parts} == districts and len(districts) == 15
    assert all(p.unit.kind == UnitKind.DISTRICT for p in parts)
    assert sum(p.count for p in parts) == 1_171_200
    assert all(p.deadline == date(2021, 6, 30) for p in parts)
    # the six drawn districts share it by their eligible people; the nine without any get none
    assert sum(1 for p in parts if p.count) == 6


def test_each_drawn_district_has_a_station_at_its_seat_that_took_its_residents(campaign):
    province = unit_by_code("2021:91")
    stations = list(Station.objects.filter(code__startswith="DEMO-").select_related("unit"))
    assert len(stations) == 6
    for station in stations:
        district = AdministrativeUnit.objects.get(parent=province, code=station.code[5:])
        assert station.name == f"Công an {district.name}"
        assert station.kits.count() == 3
        assert any(resolve_unit(c) == station.unit for c in district.children.all())
        taken = Application.objects.filter(station=station)
        assert taken.exists()
        assert all(
            residence.recorded_unit.parent_id == district.pk
            for application in taken.prefetch_related("person__residences__recorded_unit")
            for residence in application.person.residences.all()
            if residence.recorded_unit_id
        )


def test_the_campaign_is_set_once(campaign):
    counts = (Target.objects.count(), Station.objects.count(), Application.objects.count())
    assert demo_seed_campaign(campaign=KIEN_GIANG, as_of=AS_OF) == campaign
    assert counts == (Target.objects.count(), Station.objects.count(), Application.objects.count())


def test_the_demo_guard_tells_one_provinces_demo_from_another(db, built):
    synth_load(built)
    demo_guard(seed=built.seed, province="2021:91")
    with pytest.raises(DemoRefused, match="persons who are not the demo's"):
        demo_guard(seed=built.seed, province="38")  # today's Thanh Hóa demo
    with pytest.raises(DemoRefused):
        demo_guard(seed=built.seed, province=SEED_CAMPAIGNS["tay-ninh"].province)


@pytest.mark.slow
def test_the_demo_replays_kien_giang_and_shows_its_districts(db, client, capsys, monkeypatch):
    # VACUUM ANALYZE after the load cannot run inside the test's transaction on PostgreSQL
    monkeypatch.setattr("cancuoc.synth.demo.register_analyse", lambda: None)
    call_command("demo", "--province", "kien-giang", "--no-serve", "--people", "800")
    out = capsys.readouterr().out
    assert "1,171,200" in out and "30/06/2021" in out and "15 huyện / districts" in out
    assert "Huyện Giồng Riềng" in out and "/don-vi/2021:91/" in out
    province = unit_by_code("2021:91")
    target = Target.objects.get(unit=province)
    assert sum(p.count for p in target.parts.all()) == 1_171_200
    assert target.deadline == date(2021, 6, 30)
    user = get_user_model().objects.create_superuser("xem", password="x")
    client.force_login(user)
    page = client.get("/don-vi/2021:91/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kiên Giang" in html and "Huyện Giồng Riềng" in html
    assert "1.171.200" in html and "30/06/2021" in html
    # The weekly report groups the communes by district, as the seeds reported.
    weekly = client.get("/don-vi/2021:91/bao-cao-tuan/?dinh_dang=xlsx&ngay=2021-04-01")
    assert weekly.status_code == 200
    figures = weekly_figures(province, date(2021, 4, 1))
    assert [d.unit.name for d, _ in figures.districts] == [c.unit.name for c in figures.children]
    assert any(communes for _, communes in figures.districts)
