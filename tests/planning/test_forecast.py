from dataclasses import replace
from datetime import date, time, timedelta

import pytest

from cancuoc.forecasting.forecast import (
    ASSUMED_UTILISATION,
    Additions,
    ShiftAddition,
    additions_needed,
    forecast_children,
    forecast_unit,
    forecast_with,
)
from cancuoc.planning.models import ClosedDay

from .conftest import DAY_SHIFT, DEADLINE, ON, START, captured_daily, station_at, target_of, unit


def test_a_unit_that_cannot_make_it_is_flagged_and_the_additions_bring_it_in(behind):
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert (forecast.done, forecast.remaining, forecast.days_left) == (480, 1520, 20)
    assert forecast.pace == 48 and forecast.capacity_per_day == 96
    assert forecast.utilisation == 0.5
    assert forecast.flagged and forecast.done_on == ON + timedelta(days=32)  # 1520 ÷ 48

    additions = additions_needed(forecast=forecast)
    # The kits are half idle: short of people, not of kits. 1,520 in 20 days is 76 a day,
    # which 96 places a day take when booked (91.2 at 95% use): book 76 a day, add nothing.
    assert additions.appointments_per_day == 76
    assert (additions.shift_count, additions.kit_count, additions.mobile_team_days) == (0, 0, 0)
    after = forecast_with(forecast=forecast, additions=additions)
    assert not after.flagged and after.done_on == DEADLINE
    assert after.expected_per_day == 76


def test_booking_one_fewer_a_day_would_not_be_enough(behind):
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    fewer = Additions(days_left=20, appointments_per_day=75)
    assert forecast_with(forecast=forecast, additions=fewer).flagged


def test_when_booked_kits_cannot_take_everyone_shifts_are_added(area):
    station_at("16000", kits=2, shifts=DAY_SHIFT)
    target_of("16000", 2480)  # 2,000 left: 100 a day on 96 places a day
    captured_daily("16000", 48)
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    additions = additions_needed(forecast=forecast)
    # 2,000 ÷ 0.95 = 2,106 places needed, 1,920 there: 186 more, two 8-hour shifts of 96.
    assert (additions.appointments_per_day, additions.shift_count) == (100, 2)
    assert not forecast_with(forecast=forecast, additions=additions).flagged
    [shifts] = additions.shifts
    fewer = replace(additions, shifts=(ShiftAddition(shifts.station, 1, 96),))
    assert forecast_with(forecast=forecast, additions=fewer).flagged


def test_when_shifts_are_not_enough_kits_come_next_then_mobile_teams(area):
    station_at("16000", kits=2, shifts=DAY_SHIFT)
    target_of("16000", 20_000)
    captured_daily("16000", 48)
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    additions = additions_needed(forecast=forecast)
    # 19,520 left ÷ 0.95 = 20,548 places; 1,920 there. Every free shift (two a day for twenty
    # days, 3,840), then the kits doubled (two kits working 24 hours for 20 days, 5,760), then
    # mobile-team days of 96 for the 9,028 left: 95 days, five teams.
    assert additions.shift_count == 40
    assert additions.kit_count == 2
    assert (additions.mobile_team_days, additions.mobile_teams) == (95, 5)
    assert not forecast_with(forecast=forecast, additions=additions).flagged


def test_a_unit_on_track_is_not_flagged_and_needs_nothing(ahead):
    forecast = forecast_unit(unit=unit("16001"), on=ON)
    assert forecast.remaining == 520 and forecast.done_on == ON + timedelta(days=11)
    assert not forecast.flagged
    assert not additions_needed(forecast=forecast)


def test_a_target_already_reached_is_not_flagged(area):
    target_of("16000", 100)
    captured_daily("16000", 48)
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert forecast.remaining == 0 and forecast.done_on == ON and not forecast.flagged


def test_without_history_the_calendar_and_the_assumed_use_give_the_pace(area):
    station_at("16000", kits=2, shifts=DAY_SHIFT)
    target_of("16000", 1000, start=date(2021, 4, 11))
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert not forecast.from_history and forecast.pace == 0
    assert forecast.expected_per_day == pytest.approx(96 * ASSUMED_UTILISATION)
    assert not forecast.flagged  # 76.8 a day for 20 days


def test_closed_days_take_capacity_and_give_room_for_added_shifts(behind):
    ClosedDay.objects.create(day=date(2021, 4, 30), name="Ngày Giải phóng miền Nam")
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert forecast.capacity == 19 * 96
    [load] = forecast.stations
    assert load.free_shifts == 19 * 2 + 3


def test_past_the_deadline_nothing_can_be_added(behind):
    forecast = forecast_unit(unit=unit("16000"), on=DEADLINE + timedelta(days=1))
    assert forecast.flagged and forecast.days_left <= 0
    assert additions_needed(forecast=forecast) is None


def test_the_forecast_of_the_units_below_is_each_ones_own(behind, ahead):
    children = {f.unit.code: f for f in forecast_children(unit=unit("38"), on=ON)}
    assert list(children) == ["16000", "16001"]
    for code, forecast in children.items():
        alone = forecast_unit(unit=unit(code), on=ON)
        assert (forecast.done, forecast.pace, forecast.capacity, forecast.utilisation) == (
            alone.done,
            alone.pace,
            alone.capacity,
            alone.utilisation,
        )
        assert forecast.flagged == alone.flagged
    assert children["16000"].flagged and not children["16001"].flagged


def test_a_province_counts_the_stations_of_its_whole_subtree(behind, ahead):
    target_of("38", 3000)
    forecast = forecast_unit(unit=unit("38"), on=ON)
    assert forecast.kits == 6 and forecast.pace == 96
    assert forecast.capacity_per_day == 96 + 384


def test_a_shift_past_midnight_counts_on_the_day_it_starts(area):
    station_at("16000", kits=1, shifts=[(time(22), time(6))])
    target_of("16000", 500)
    captured_daily("16000", 10, first=START, last=ON)
    [load] = forecast_unit(unit=unit("16000"), on=ON).stations
    assert load.minutes == 20 * 480 and load.free_shifts == 20 * 2
