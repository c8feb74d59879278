"""Dự báo: will a unit reach its target by the deadline at its recent pace and with the
appointments already booked, and if not, what must be added so that it does.

People with an appointment still to come (đã hẹn) come on their slot's day. The others come
at the expected pace from the first day left, alongside the booked ones: the target is
reached on the later of the day the pace brings in everyone not booked, and the day the last
booked person the target needs comes (``Forecast.done_on``). A unit whose people still to do
are all booked in slots before its deadline is therefore on time whatever its past pace; a
unit with half of them booked is forecast on the pace for the other half.

The pace is the last week's captures per day (as the dashboard shows it). The stations'
shift calendars give their capacity; the pace divided by the last week's capacity is how well
the kits were used. A unit behind with idle kits is short of people, not of kits: the first
thing to add is appointments ("không để máy chờ người"), booked to fill the kits as the
simulation shows a tuned overbooking does (``BOOKED_UTILISATION``). Only what appointments
cannot fill is added as shifts, kits and mobile-team days, sized at that same use.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Sum

from cancuoc.geo.mapping import todays_units_by
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.planning.calendar import days, kit_counts, people_per_shift, working_spans
from cancuoc.planning.costs import PlanQuantities
from cancuoc.planning.models import Station, StationKind, Target
from cancuoc.planning.selectors import stations_in
from cancuoc.reports.models import DailyRollup
from cancuoc.reports.progress import FORECAST_DAYS, Progress, _progress_of, progress
from cancuoc.scheduling.bookings import Bookings, bookings_in

SHIFT_MINUTES = 8 * 60
# "03 ca, tối thiểu 18 tiếng/01 ngày": at most three 8-hour shifts a day, every day of the
# week; added shifts may fall on weekends and holidays, as the campaign asked.
MAX_SHIFTS_PER_DAY = 3
# A station takes at most as many kits again as it has: room in a police office and the
# officers to run them.
KIT_GROWTH = 2
# A mobile team (tổ cấp lưu động) works one 8-hour day with its own kits.
MOBILE_TEAM_KITS = 2
MOBILE_CAPTURE_MINUTES = Station._meta.get_field("capture_minutes").default
# With no captures in the last week there is no measure of how well kits are used: assume
# they are busy four fifths of their hours (the simulation reaches 95% only with overbooked
# appointments; walk-in days leave more idle time).
ASSUMED_UTILISATION = 0.8
# How much of the kits' time appointments fill: the simulation's target, which its tuned
# overbooking reaches at a 5-kit station with 10% no-shows (scheduling.simulation).
BOOKED_UTILISATION = 0.95
# Float error must not push a finish to the next day.
_EPSILON = 1e-9


@dataclass(frozen=True)
class StationLoad:
    """A station's calendar over a unit's days left."""

    station: Station
    kits: int
    minutes: int  # working minutes its calendar has in the days left
    capacity: int  # people its kits can capture in those minutes
    past_capacity: int  # the same over the last week
    free_shifts: int  # 8-hour shifts that still fit, up to three a day

    @property
    def per_shift(self) -> int:
        return people_per_shift(
            kits=self.kits, minutes=SHIFT_MINUTES, capture_minutes=self.station.capture_minutes
        )

    @property
    def per_new_kit(self) -> int:
        """People one more kit captures in the days left, once every free shift is worked."""
        minutes = self.minutes + self.free_shifts * SHIFT_MINUTES
        return people_per_shift(
            kits=1, minutes=minutes, capture_minutes=self.station.capture_minutes
        )


@dataclass(frozen=True)
class ShiftAddition:
    station: Station
    shifts: int  # 8-hour shifts over the days left
    people: int  # capture capacity they add


@dataclass(frozen=True)
class KitAddition:
    station: Station
    kits: int
    people: int


@dataclass(frozen=True)
class Additions:
    """Bổ sung: people to book a day and capacity to add over ``days_left`` days, cheapest
    first."""

    days_left: int = 0
    appointments_per_day: int = 0  # people to book into the slots each day (đặt lịch hẹn)
    shifts: tuple[ShiftAddition, ...] = ()
    kits: tuple[KitAddition, ...] = ()
    mobile_team_days: int = 0
    mobile_people: int = 0

    @property
    def people(self) -> int:
        return (
            sum(a.people for a in self.shifts)
            + sum(a.people for a in self.kits)
            + self.mobile_people
        )

    @property
    def shift_count(self) -> int:
        return sum(a.shifts for a in self.shifts)

    @property
    def kit_count(self) -> int:
        return sum(a.kits for a in self.kits)

    @property
    def mobile_teams(self) -> int:
        """Teams needed to work the mobile-team days before the deadline."""
        return -(-self.mobile_team_days // self.days_left) if self.mobile_team_days else 0

    @property
    def quantities(self) -> PlanQuantities:
        """What they use: every added shift is overtime for its station's officers, added
        kits work every day left, a mobile-team day is a vehicle-day with the team's kits."""
        return PlanQuantities(
            kit_days=self.kit_count * self.days_left + self.mobile_team_days * MOBILE_TEAM_KITS,
            overtime_hours=sum(
                a.shifts * SHIFT_MINUTES / 60 * a.station.staff for a in self.shifts
            ),
            vehicle_days=self.mobile_team_days,
        )

    def __bool__(self) -> bool:
        return bool(self.people or self.appointments_per_day)


@dataclass(frozen=True)
class Forecast:
    unit: AdministrativeUnit
    on: date
    target: Target | None
    done: int
    pace: float  # captures per day over the last week
    utilisation: float  # pace ÷ last week's capacity, or the assumption without history
    from_history: bool  # whether the pace measured anything
    stations: tuple[StationLoad, ...] = ()
    capacity: int = 0  # people the calendars allow in the days left, additions included
    expected_per_day: float = 0.0  # the pace, or capacity × utilisation without history
    added: Additions = field(default_factory=Additions)
    booked: Bookings = field(default_factory=Bookings)  # appointments still to come

    @property
    def remaining(self) -> int | None:
        return max(self.target.count - self.done, 0) if self.target else None

    @property
    def unbooked(self) -> int | None:
        """People still to do without an appointment: they come at the pace."""
        return max(self.remaining - self.booked.count, 0) if self.target else None

    @property
    def booked_in_time(self) -> Bookings:
        """The appointments on the deadline or before: those after it are to book again."""
        return self.booked.until(self.target.deadline) if self.target else Bookings()

    @property
    def to_book(self) -> int | None:
        """People still to do without an appointment before the deadline."""
        return max(self.remaining - self.booked_in_time.count, 0) if self.target else None

    @property
    def first_day(self) -> date:
        return _first_day(self.on, self.target)

    @property
    def days_left(self) -> int:
        return (self.target.deadline - self.first_day).days + 1 if self.target else 0

    @property
    def capacity_per_day(self) -> float:
        return self.capacity / self.days_left if self.days_left > 0 else 0.0

    @property
    def kits(self) -> int:
        return sum(load.kits for load in self.stations) + self.added.kit_count

    @property
    def done_on(self) -> date | None:
        """When the target is reached: the later of the day the expected pace brings in the
        people not booked, and the day the last booked person needed comes (the
        ``remaining``-th in the order of the slots when more are booked than remain). None:
        never, with people not booked and no pace."""
        if self.remaining is None:
            return None
        if self.remaining == 0:
            return self.on
        finish = [self.booked.day_of(min(self.remaining, self.booked.count))]
        if self.unbooked:
            if self.expected_per_day <= 0:
                return None
            days_needed = math.ceil(self.unbooked / self.expected_per_day - _EPSILON)
            finish.append(self.first_day + timedelta(days=days_needed - 1))
        return max(day for day in finish if day is not None)

    @property
    def flagged(self) -> bool:
        """Cảnh báo: the target will be missed at this pace."""
        if not self.remaining:
            return False
        return self.done_on is None or self.done_on > self.target.deadline

    @property
    def surplus(self) -> float:
        """People the expected pace captures beyond the target by the deadline (negative: the
        shortfall)."""
        if self.remaining is None:
            return 0.0
        return self.expected_per_day * max(self.days_left, 0) - self.remaining


def _first_day(on: date, target: Target | None) -> date:
    """The first day still to work: tomorrow, or the target's start if later."""
    tomorrow = on + timedelta(days=1)
    return max(tomorrow, target.start) if target else tomorrow


def _window(status: Progress) -> tuple[date, date]:
    """The days left to work for the status's target (none without a target)."""
    first = _first_day(status.on, status.target)
    return first, status.target.deadline if status.target else status.on


def _people(*, kits: int, capture_minutes: int, worked: dict[date, int], on: list[date]) -> int:
    return sum(
        people_per_shift(kits=kits, minutes=worked[day], capture_minutes=capture_minutes)
        for day in on
    )


def _station_loads(
    stations: list[Station], on: date, windows: dict[int, tuple[date, date]]
) -> dict[int, StationLoad]:
    """Each station's load over its window (first, last day), and its last week's capacity:
    one read of the calendars for all of them."""
    if not stations:
        return {}
    week_first = on - timedelta(days=FORECAST_DAYS - 1)
    last = max([on, *(window_last for _, window_last in windows.values())])
    kits = kit_counts(stations)
    minutes: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for span in working_spans(stations, week_first, last):
        minutes[span.station_id][span.day] += span.minutes
    loads = {}
    for station in stations:
        first, window_last = windows[station.pk]
        worked = minutes[station.pk]
        window = days(first, window_last)
        rate = {"kits": kits[station.pk], "capture_minutes": station.capture_minutes}
        loads[station.pk] = StationLoad(
            station=station,
            kits=kits[station.pk],
            minutes=sum(worked[day] for day in window),
            capacity=_people(**rate, worked=worked, on=window),
            past_capacity=_people(**rate, worked=worked, on=days(week_first, on)),
            free_shifts=sum(
                max(MAX_SHIFTS_PER_DAY * SHIFT_MINUTES - worked[day], 0) // SHIFT_MINUTES
                for day in window
            ),
        )
    return loads


def _forecast(status: Progress, loads: list[StationLoad]) -> Forecast:
    base = Forecast(
        unit=status.unit,
        on=status.on,
        target=status.target,
        done=status.done,
        pace=status.pace,
        utilisation=ASSUMED_UTILISATION,
        from_history=status.pace > 0,
        stations=tuple(loads),
        capacity=sum(load.capacity for load in loads),
    )
    past_per_day = sum(load.past_capacity for load in loads) / FORECAST_DAYS
    if base.from_history:
        utilisation = min(base.pace / past_per_day, 1.0) if past_per_day else ASSUMED_UTILISATION
        return replace(base, utilisation=utilisation, expected_per_day=base.pace)
    return replace(base, expected_per_day=base.capacity_per_day * ASSUMED_UTILISATION)


def forecast_unit(
    *, unit: AdministrativeUnit, on: date, status: Progress | None = None
) -> Forecast:
    """The unit's forecast on ``on`` with the stations and appointments of its whole
    subtree (``status``: its progress, when the caller has read it already)."""
    status = status or progress(unit, on)
    stations = stations_in(unit)
    window = _window(status)
    loads = _station_loads(stations, on, dict.fromkeys([s.pk for s in stations], window))
    booked = bookings_in([unit], on=on)[unit.pk]
    return replace(_forecast(status, list(loads.values())), booked=booked)


def forecast_children(
    *, unit: AdministrativeUnit, on: date, statuses: list[Progress] | None = None
) -> list[Forecast]:
    """The forecast of each unit directly below, by code: a fixed number of queries whatever
    the number of units (``statuses``: their progress, when the caller has read it already;
    their daily captures are set to the last week's)."""
    if statuses is None:
        children = list(AdministrativeUnit.objects.filter(parent=unit).order_by("code"))
        statuses = _progress_of(children, on)
    else:
        statuses = sorted(statuses, key=lambda status: status.unit.code)
        children = [status.unit for status in statuses]
    daily: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for unit_id, day, captured in (
        DailyRollup.objects.filter(
            unit__in=children, day__gt=on - timedelta(days=FORECAST_DAYS), day__lte=on
        )
        .values_list("unit_id", "day")
        .annotate(captured=Sum("captured"))
    ):
        daily[unit_id].append((day, captured))
    windows = {status.unit.pk: _window(status) for status in statuses}
    stations = stations_in(unit)
    if unit.on_old_map:  # stations stand in today's tree: in the units that count in a child
        child_of = todays_units_by(children)
    else:
        child_of = {}
        for station in stations:
            child = next((c for c in children if station.unit.path.startswith(c.path)), None)
            if child is not None:
                child_of[station.unit_id] = child.pk
    owner = {s.pk: child_of[s.unit_id] for s in stations if s.unit_id in child_of}
    loads = _station_loads(
        [s for s in stations if s.pk in owner],
        on,
        {pk: windows[child_pk] for pk, child_pk in owner.items()},
    )
    booked = bookings_in(children, on=on)
    result = []
    for status in statuses:
        status.daily = daily[status.unit.pk]
        mine = [load for pk, load in loads.items() if owner[pk] == status.unit.pk]
        result.append(replace(_forecast(status, mine), booked=booked[status.unit.pk]))
    return result


def additions_needed(*, forecast: Forecast) -> Additions | None:
    """What to add so the unit meets its deadline, cheapest first: appointments for the
    people not yet booked before the deadline, spread over the days left, filling the kits
    at ``BOOKED_UTILISATION`` (every person still to do, booked or not, takes a place in
    them); where the kits cannot
    take them all even so, extra shifts on the kits it has (stations with the fewest officers
    per person captured first), then more kits at its stations (fastest capture first, up to
    doubling each), then mobile-team days. Nothing when it is not flagged; None when its
    deadline has passed (nothing added can help)."""
    if not forecast.flagged:
        return Additions(days_left=max(forecast.days_left, 0))
    if forecast.days_left <= 0:
        return None
    per_day = math.ceil(forecast.to_book / forecast.days_left - _EPSILON)
    # Places missing even with every slot booked: booked kits are used at BOOKED_UTILISATION.
    need = math.ceil(forecast.remaining / BOOKED_UTILISATION - forecast.capacity - _EPSILON)
    shifts = []
    for load in sorted(
        (load for load in forecast.stations if load.per_shift and load.free_shifts),
        key=lambda load: (load.station.staff / load.per_shift, load.station.code),
    ):
        if need <= 0:
            break
        count = min(load.free_shifts, -(-need // load.per_shift))
        shifts.append(ShiftAddition(load.station, count, count * load.per_shift))
        need -= count * load.per_shift
    kits = []
    for load in sorted(
        (
            load
            for load in forecast.stations
            if load.station.kind == StationKind.FIXED and load.kits and load.per_new_kit
        ),
        key=lambda load: (load.station.capture_minutes, load.station.code),
    ):
        if need <= 0:
            break
        count = min(load.kits * (KIT_GROWTH - 1), -(-need // load.per_new_kit))
        kits.append(KitAddition(load.station, count, count * load.per_new_kit))
        need -= count * load.per_new_kit
    per_team_day = people_per_shift(
        kits=MOBILE_TEAM_KITS, minutes=SHIFT_MINUTES, capture_minutes=MOBILE_CAPTURE_MINUTES
    )
    team_days = -(-need // per_team_day) if need > 0 else 0
    return Additions(
        days_left=forecast.days_left,
        appointments_per_day=per_day,
        shifts=tuple(shifts),
        kits=tuple(kits),
        mobile_team_days=team_days,
        mobile_people=team_days * per_team_day,
    )


def forecast_with(*, forecast: Forecast, additions: Additions) -> Forecast:
    """The forecast again with ``additions`` worked: the people booked after the deadline
    booked again before it, and those not booked coming as booked, as far as the places
    (the calendars' and the added, used at ``BOOKED_UTILISATION``) the appointments already
    booked leave can take them, and never slower than the pace already reached."""
    if not additions or forecast.days_left <= 0:
        return forecast
    capacity = forecast.capacity + additions.people
    in_time = forecast.booked_in_time
    free = max(capacity * BOOKED_UTILISATION - in_time.count, 0)
    booked = min(additions.appointments_per_day, free / forecast.days_left)
    return replace(
        forecast,
        capacity=capacity,
        expected_per_day=max(forecast.expected_per_day, booked),
        added=additions,
        booked=in_time,
    )
