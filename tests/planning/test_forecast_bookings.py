"""The forecast counts the appointments already booked: booked people come on their slot's
day, the others at the pace (forecasting.forecast explains the rule)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from cancuoc.forecasting.forecast import additions_needed, forecast_children, forecast_unit
from cancuoc.forecasting.forecast import forecast_with as worked
from cancuoc.planning.models import Station
from cancuoc.scheduling.models import Appointment, AppointmentState, Slot

from .conftest import DAY_SHIFT, DEADLINE, ON, START, captured_daily, station_at, target_of, unit


@pytest.fixture
def stalled(area):
    """Xã Một: 10 done in the first two days, none in the last week (no pace), 6 to go, and
    no station of its own (no capacity): the province's station takes its appointments."""
    station_at("38", kits=2, shifts=DAY_SHIFT)
    target_of("16000", 16)
    captured_daily("16000", 5, first=START, last=START + timedelta(days=1))


@pytest.fixture
def book(add_person):
    """``book(n, on=day)``: n people of ``village`` (Thôn 1 of Xã Một unless told) booked
    into a slot of the first station that day."""

    def book(
        n: int,
        *,
        on: date,
        village: str = "16000001",
        state: str = AppointmentState.BOOKED,
    ) -> list[Appointment]:
        station = Station.objects.order_by("pk").first()
        starts = timezone.make_aware(datetime.combine(on, time(8)))
        slot, _ = Slot.objects.get_or_create(
            station=station,
            starts_at=starts,
            defaults={"ends_at": starts + timedelta(hours=1), "capacity": 50},
        )
        return [
            Appointment.objects.create(
                person=add_person(permanent_unit=village), slot=slot, state=state
            )
            for _ in range(n)
        ]

    return book


def test_without_bookings_a_unit_with_no_pace_is_flagged(stalled):
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert forecast.remaining == 6 and forecast.pace == 0
    assert forecast.done_on is None and forecast.flagged


def test_a_unit_fully_booked_before_its_deadline_is_not_flagged(stalled, book):
    book(4, on=date(2021, 4, 12))
    book(2, on=date(2021, 4, 15))
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert (forecast.booked.count, forecast.unbooked) == (6, 0)
    assert forecast.done_on == date(2021, 4, 15) and not forecast.flagged
    assert not additions_needed(forecast=forecast)


def test_more_booked_than_remain_finish_with_the_last_one_needed(stalled, book):
    book(4, on=date(2021, 4, 12))
    book(4, on=date(2021, 4, 14))  # new 14-year-olds, say: only two of these are needed
    book(3, on=date(2021, 5, 20))
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert forecast.done_on == date(2021, 4, 14) and not forecast.flagged


def test_a_unit_half_booked_is_forecast_on_its_pace_for_the_rest(area, book):
    station_at("16000", kits=2, shifts=DAY_SHIFT)
    captured_daily("16000", 1, first=ON - timedelta(days=6))  # 7 done, one a day
    target_of("16000", 13)  # 6 to go
    book(3, on=date(2021, 4, 12))
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert (forecast.booked.count, forecast.unbooked, forecast.pace) == (3, 3, 1)
    # Three at one a day from 11 April: the 13th, after the last booked (the 12th).
    assert forecast.done_on == date(2021, 4, 13)
    book(3, on=date(2021, 4, 20))
    assert forecast_unit(unit=unit("16000"), on=ON).done_on == date(2021, 4, 20)


def test_a_half_booked_unit_too_slow_for_the_rest_is_flagged_and_told_to_book_them(area, book):
    station_at("16000", kits=2, shifts=DAY_SHIFT)
    captured_daily("16000", 1, first=ON, last=ON)  # one in the last week: 1/7 a day
    target_of("16000", 7)  # 6 to go
    book(3, on=date(2021, 4, 12))
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    # The three not booked take 21 days at 1/7 a day: 1 May, past the deadline.
    assert forecast.done_on == date(2021, 5, 1) and forecast.flagged
    additions = additions_needed(forecast=forecast)
    assert additions.appointments_per_day == 1  # the three not booked, over twenty days
    assert additions.shift_count == additions.kit_count == 0
    after = worked(forecast=forecast, additions=additions)
    assert after.done_on == date(2021, 4, 13) and not after.flagged


def test_people_booked_after_the_deadline_are_late_and_booked_again(stalled, book):
    book(4, on=date(2021, 4, 20))
    book(2, on=DEADLINE + timedelta(days=3))
    forecast = forecast_unit(unit=unit("16000"), on=ON)
    assert forecast.done_on == DEADLINE + timedelta(days=3) and forecast.flagged
    assert forecast.to_book == 2
    additions = additions_needed(forecast=forecast)
    assert additions.appointments_per_day == 1
    after = worked(forecast=forecast, additions=additions)
    assert after.booked.count == 4 and not after.flagged


def test_only_appointments_still_to_come_count(stalled, book):
    book(2, on=date(2021, 4, 12), state=AppointmentState.CANCELLED)
    book(2, on=date(2021, 4, 12), state=AppointmentState.ATTENDED)
    book(2, on=ON)  # today's: already in today's captures, or missed
    book(1, on=ON + timedelta(days=1))
    assert forecast_unit(unit=unit("16000"), on=ON).booked.count == 1


def test_the_units_below_count_the_people_they_house_wherever_they_are_booked(stalled, book):
    target_of("16001", 3)  # Phường Hai: three to go, no station, no pace
    # Its residents booked at Xã Một's station: Phường Hai's, not Xã Một's.
    book(3, on=date(2021, 4, 14), village="16001001")
    book(6, on=date(2021, 4, 15))
    children = {f.unit.code: f for f in forecast_children(unit=unit("38"), on=ON)}
    assert children["16001"].booked.by_day == ((date(2021, 4, 14), 3),)
    assert children["16000"].booked.by_day == ((date(2021, 4, 15), 6),)
    assert not children["16001"].flagged and not children["16000"].flagged
    alone = forecast_unit(unit=unit("16001"), on=ON)
    assert alone.booked == children["16001"].booked
