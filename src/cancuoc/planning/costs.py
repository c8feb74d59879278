"""Dự toán kinh phí: what a plan costs (the seeds ask Sở Tài chính for money for equipment,
overtime and propaganda), from quantities and unit prices in VND."""

from collections import defaultdict
from dataclasses import dataclass, fields, replace
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .calendar import kit_counts, working_spans
from .models import Station, StationKind


@dataclass(frozen=True)
class UnitPrices:
    """Đơn giá (VND). Defaults are estimates for 2021; a province sets its own in the setting
    ``CANCUOC_UNIT_PRICES``, e.g. ``{"overtime_hour": 52_000}``."""

    kit_day: int = 150_000  # one kit working one day: upkeep, consumables, depreciation
    overtime_hour: int = 45_000  # one officer one hour beyond the first shift (150–300% pay)
    vehicle_day: int = 1_800_000  # a mobile vehicle one day: driver, fuel, tolls
    sms: int = 800  # one brand-name SMS through Vinaphone, Viettel or Mobifone
    kit_new: int = 45_000_000  # one more kit bought or hired for the campaign
    kit_move: int = 300_000  # packing, carrying and setting up one kit elsewhere
    team_new: int = 20_000_000  # a new mobile team: its equipment set and training
    team_move: int = 1_000_000  # sending a mobile team with its kits to another unit
    move_km: int = 12_000  # per kilometre travelled by a moved kit or team


def unit_prices() -> UnitPrices:
    """The defaults, overridden by ``settings.CANCUOC_UNIT_PRICES`` where it names a price."""
    overrides = settings.CANCUOC_UNIT_PRICES
    known = {f.name for f in fields(UnitPrices)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ImproperlyConfigured(
            f"CANCUOC_UNIT_PRICES: unknown price {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    return replace(UnitPrices(), **{name: int(value) for name, value in overrides.items()})


@dataclass(frozen=True)
class PlanQuantities:
    kit_days: int = 0
    overtime_hours: float = 0.0  # officer-hours worked beyond each station's first shift a day
    vehicle_days: int = 0  # days a mobile team or vehicle goes out
    sms: int = 0

    def __add__(self, other: "PlanQuantities") -> "PlanQuantities":
        return PlanQuantities(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self))
        )


@dataclass(frozen=True)
class CostLine:
    label: str
    quantity: float
    unit_price: int
    amount: int


@dataclass(frozen=True)
class CostBreakdown:
    lines: list[CostLine]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def plan_cost(*, quantities: PlanQuantities, prices: UnitPrices | None = None) -> CostBreakdown:
    """The plan's cost line by line, labelled in the active language; amounts rounded to the
    đồng."""
    prices = prices or unit_prices()
    items = [
        (_("Máy thu nhận (bộ-ngày)"), quantities.kit_days, prices.kit_day),
        (_("Làm thêm giờ (người-giờ)"), quantities.overtime_hours, prices.overtime_hour),
        (_("Xe lưu động (xe-ngày)"), quantities.vehicle_days, prices.vehicle_day),
        (_("Tin nhắn SMS"), quantities.sms, prices.sms),
    ]
    return CostBreakdown([CostLine(label, q, price, round(q * price)) for label, q, price in items])


def plan_quantities(*, stations: list[Station], first: date, last: date) -> PlanQuantities:
    """What the stations' shift calendars use from ``first`` to ``last``: every kit on every day
    its station works, the officers of every shift after a station's first of the day, and
    every day a mobile team or vehicle works."""
    kits = kit_counts(stations)
    by_pk = {s.pk: s for s in stations}
    shifts_on: dict[tuple[int, date], int] = defaultdict(int)
    overtime_minutes = 0
    for span in working_spans(stations, first, last):
        key = (span.station_id, span.day)
        if shifts_on[key]:
            overtime_minutes += span.minutes * by_pk[span.station_id].staff
        shifts_on[key] += 1
    days_worked = [station_id for station_id, _ in shifts_on]
    return PlanQuantities(
        kit_days=sum(kits[station_id] for station_id in days_worked),
        overtime_hours=overtime_minutes / 60,
        vehicle_days=sum(by_pk[pk].kind != StationKind.FIXED for pk in days_worked),
    )
