"""Kế hoạch bù tiến độ: for the units below a unit, who will miss the deadline, what they must
add, where the kits come from, and what it all costs."""

from dataclasses import dataclass
from datetime import date

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.planning.costs import CostBreakdown, PlanQuantities, UnitPrices, plan_cost

from .forecast import Additions, Forecast, additions_needed, forecast_children, forecast_with
from .reallocation import Reallocation, reallocation_plan, site_of


@dataclass(frozen=True)
class UnitOutlook:
    forecast: Forecast
    additions: Additions | None  # None: the deadline has passed
    after: Forecast  # the forecast with the additions worked
    quantities: PlanQuantities  # what running the additions uses
    cost: CostBreakdown


@dataclass(frozen=True)
class CatchUpPlan:
    unit: AdministrativeUnit
    on: date
    outlooks: list[UnitOutlook]
    reallocation: Reallocation
    cost: CostBreakdown  # running every unit's additions: kit-days, overtime, vehicles, SMS

    @property
    def total(self) -> int:
        """Running the additions, and moving or buying the kits and teams they need."""
        return self.cost.total + self.reallocation.total


def catch_up_plan(*, unit: AdministrativeUnit, on: date, prices: UnitPrices) -> CatchUpPlan:
    """Every unit directly below ``unit`` forecast on ``on``; the flagged ones given what they
    must add, the kits and teams for it moved or bought at least cost, and one SMS inviting
    each person in them still to book (the seeds send them through the three carriers)."""
    outlooks = []
    total = PlanQuantities()
    for forecast in forecast_children(unit=unit, on=on):
        additions = additions_needed(forecast=forecast)
        after = forecast_with(forecast=forecast, additions=additions) if additions else forecast
        quantities = PlanQuantities(sms=forecast.to_book if forecast.flagged else 0)
        if additions:
            quantities += additions.quantities
        cost = plan_cost(quantities=quantities, prices=prices)
        outlooks.append(UnitOutlook(forecast, additions, after, quantities, cost))
        total += quantities
    return CatchUpPlan(
        unit=unit,
        on=on,
        outlooks=outlooks,
        reallocation=reallocation_plan(
            sites=[site_of(o.forecast) for o in outlooks], prices=prices
        ),
        cost=plan_cost(quantities=total, prices=prices),
    )
