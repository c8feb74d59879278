from datetime import date, time

import pytest
from django.core.exceptions import ImproperlyConfigured

from cancuoc.forecasting.forecast import Additions, KitAddition, ShiftAddition
from cancuoc.planning.costs import (
    PlanQuantities,
    UnitPrices,
    plan_cost,
    plan_quantities,
    unit_prices,
)
from cancuoc.planning.models import ClosedDay, StationKind

from .conftest import station_at

MONDAY = date(2021, 4, 5)
SUNDAY = date(2021, 4, 11)


def test_the_breakdown_prices_each_line_and_sums_to_the_total():
    prices = UnitPrices(kit_day=100, overtime_hour=30, vehicle_day=1000, sms=1)
    breakdown = plan_cost(
        quantities=PlanQuantities(kit_days=12, overtime_hours=2.5, vehicle_days=3, sms=40),
        prices=prices,
    )
    assert [line.amount for line in breakdown.lines] == [1200, 75, 3000, 40]
    assert breakdown.total == 4315 == sum(line.amount for line in breakdown.lines)


def test_prices_come_from_the_setting_where_it_names_them(settings):
    settings.CANCUOC_UNIT_PRICES = {"sms": 500, "kit_day": 120_000}
    prices = unit_prices()
    assert (prices.sms, prices.kit_day) == (500, 120_000)
    assert prices.vehicle_day == UnitPrices().vehicle_day
    settings.CANCUOC_UNIT_PRICES = {"sms_price": 500}
    with pytest.raises(ImproperlyConfigured, match="sms_price"):
        unit_prices()


def test_without_the_setting_the_defaults_hold(settings):
    assert settings.CANCUOC_UNIT_PRICES == {}  # CANCUOC_UNIT_PRICES is not set here
    assert unit_prices() == UnitPrices()


def test_a_calendar_uses_kit_days_overtime_after_the_first_shift_and_vehicle_days(area):
    fixed = station_at("16000", kits=2, staff=3, shifts=[(time(6), time(14)), (time(14), time(22))])
    vehicle = station_at(
        "16001", kits=1, kind=StationKind.VEHICLE, weekdays="12345", shifts=[(time(7), time(15))]
    )
    ClosedDay.objects.create(day=date(2021, 4, 8), station=fixed, name="Bảo trì máy")
    used = plan_quantities(stations=[fixed, vehicle], first=MONDAY, last=SUNDAY)
    # Fixed: six days × two kits; the second shift of each is overtime for three officers.
    # Vehicle: five weekdays, one kit each, one shift (no overtime).
    assert used == PlanQuantities(kit_days=6 * 2 + 5 * 1, overtime_hours=6 * 8 * 3, vehicle_days=5)


def test_additions_use_overtime_for_every_added_shift_and_kit_days_for_added_kits(area):
    station = station_at("16000", kits=2, staff=2, shifts=[(time(7), time(15))])
    additions = Additions(
        days_left=10,
        shifts=(ShiftAddition(station, 4, 4 * 96),),
        kits=(KitAddition(station, 1, 240),),
        mobile_team_days=3,
        mobile_people=3 * 96,
    )
    assert additions.quantities == PlanQuantities(
        kit_days=1 * 10 + 3 * 2, overtime_hours=4 * 8 * 2, vehicle_days=3
    )
