from datetime import date, time, timedelta

import pytest

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Kit, Shift, Station, StationKind, Target
from cancuoc.reports.rollups import rollup_add

START = date(2021, 4, 1)
ON = date(2021, 4, 10)  # ten days done
DEADLINE = date(2021, 4, 30)  # twenty days left


def station_at(
    code: str,
    *,
    kits: int,
    shifts: list[tuple[time, time]],
    kind: str = StationKind.FIXED,
    staff: int = 2,
    capture_minutes: int = 10,
    weekdays: str = "1234567",
) -> Station:
    """A station in the unit ``code`` with its kits and shifts."""
    station = Station.objects.create(
        code=f"ST-{code}-{Station.objects.count()}",
        name=f"Điểm {code}",
        kind=kind,
        unit=unit_by_code(code),
        staff=staff,
        capture_minutes=capture_minutes,
    )
    for n in range(kits):
        Kit.objects.create(station=station, code=f"{station.code}-K{n}")
    for n, (starts, ends) in enumerate(shifts, 1):
        Shift.objects.create(
            station=station, name=f"Ca {n}", starts=starts, ends=ends, weekdays=weekdays
        )
    return station


def captured_daily(code: str, per_day: int, first: date = START, last: date = ON) -> None:
    """``per_day`` captures in the unit every day from ``first`` to ``last``, into the
    rollups as the intake services write them."""
    unit = unit_by_code(code)
    day = first
    while day <= last:
        rollup_add(unit, day, captured=per_day)
        day += timedelta(days=1)


def target_of(code: str, count: int, *, start: date = START, deadline: date = DEADLINE):
    return Target.objects.create(
        unit=unit_by_code(code), count=count, start=start, deadline=deadline
    )


def unit(code: str) -> AdministrativeUnit:
    return unit_by_code(code)


DAY_SHIFT = [(time(7), time(15))]  # one 8-hour shift: 2 kits × 480 ÷ 10 = 96 people


@pytest.fixture
def behind(area):
    """Xã Một: 2,000 by 30 April; 48 a day on 96 a day of capacity (kits half used)."""
    station_at("16000", kits=2, shifts=DAY_SHIFT)
    target_of("16000", 2000)
    captured_daily("16000", 48)


@pytest.fixture
def ahead(area):
    """Phường Hai: 1,000 by 30 April, 48 a day on four kits in two shifts: it can spare kits."""
    station_at("16001", kits=4, shifts=[(time(6), time(14)), (time(14), time(22))])
    target_of("16001", 1000)
    captured_daily("16001", 48)
