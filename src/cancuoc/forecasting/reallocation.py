"""Điều chuyển máy: kits and mobile teams moved from units that will meet their deadline with
fewer to units that will miss it, at the least cost (Thanh Hóa sent officers and kits to
Thái Bình), buying new ones only where moving costs more or is not enough.

A transportation problem per item, solved as an integer program (OR-Tools, SCIP): variables
are the kits (teams) moved along each giver-receiver pair and those bought per receiver; each
giver gives at most its spare, each receiver gets at least its need."""

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _
from ortools.linear_solver import pywraplp

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.geo import place_km
from cancuoc.planning.costs import UnitPrices
from cancuoc.planning.models import StationKind

from .forecast import Forecast, additions_needed, forecast_children

# Without coordinates on both units, the distance is guessed from the tree: each step up or
# down one level counts this many kilometres (two communes of one province: two steps).


class Item(StrEnum):
    KIT = "kit"
    TEAM = "team"

    @property
    def label(self) -> str:
        return _("máy") if self is Item.KIT else _("tổ lưu động")


@dataclass(frozen=True)
class Site:
    """A unit as the program sees it."""

    code: str
    name: str
    path: str  # materialised path of the tree, for the fallback distance
    latitude: float | None
    longitude: float | None
    spare: dict[Item, int]  # what it can give and still meet its deadline
    need: dict[Item, int]  # what it lacks to meet its deadline


@dataclass(frozen=True)
class Move:
    giver: Site
    receiver: Site
    item: Item
    count: int
    km: float
    cost: int


@dataclass(frozen=True)
class Purchase:
    receiver: Site
    item: Item
    count: int
    cost: int


@dataclass(frozen=True)
class Reallocation:
    moves: list[Move]
    purchases: list[Purchase]

    @property
    def total(self) -> int:
        return sum(m.cost for m in self.moves) + sum(p.cost for p in self.purchases)


def distance_km(a: Site, b: Site) -> float:
    return place_km((a.latitude, a.longitude), a.path, (b.latitude, b.longitude), b.path)


def move_cost(item: Item, km: float, prices: UnitPrices) -> int:
    """Moving one kit, or one team with its kits."""
    fixed = prices.kit_move if item is Item.KIT else prices.team_move
    return fixed + round(km * prices.move_km)


def new_cost(item: Item, prices: UnitPrices) -> int:
    return prices.kit_new if item is Item.KIT else prices.team_new


class ReallocationError(RuntimeError):
    pass


def reallocation_plan(*, sites: list[Site], prices: UnitPrices) -> Reallocation:
    """The cheapest moves and purchases that give every site its need."""
    solver = pywraplp.Solver.CreateSolver("SCIP")
    objective = solver.Objective()
    routes: list[tuple[Item, Site, Site, float, int, pywraplp.Variable]] = []
    buys: list[tuple[Item, Site, int, pywraplp.Variable]] = []
    for item in Item:
        givers = [s for s in sites if s.spare.get(item, 0) > 0]
        receivers = [s for s in sites if s.need.get(item, 0) > 0]
        given = {g.code: [] for g in givers}
        for r in receivers:
            got = []
            for g in givers:
                km = distance_km(g, r)
                cost = move_cost(item, km, prices)
                x = solver.IntVar(0, min(g.spare[item], r.need[item]), f"{item}:{g.code}>{r.code}")
                objective.SetCoefficient(x, cost)
                routes.append((item, g, r, km, cost, x))
                given[g.code].append(x)
                got.append(x)
            buy = solver.IntVar(0, r.need[item], f"{item}:buy>{r.code}")
            objective.SetCoefficient(buy, new_cost(item, prices))
            buys.append((item, r, new_cost(item, prices), buy))
            solver.Add(solver.Sum([*got, buy]) >= r.need[item])
        for g in givers:
            if given[g.code]:
                solver.Add(solver.Sum(given[g.code]) <= g.spare[item])
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise ReallocationError(_("không tìm được phương án điều chuyển tối ưu"))
    moves = [
        Move(g, r, item, n, km, n * cost)
        for item, g, r, km, cost, x in routes
        if (n := round(x.solution_value()))
    ]
    purchases = [
        Purchase(r, item, n, n * cost)
        for item, r, cost, x in buys
        if (n := round(x.solution_value()))
    ]
    return Reallocation(moves, purchases)


def _spare(forecast: Forecast) -> dict[Item, int]:
    """What a unit on track can give without missing its deadline: kits from its fixed
    stations (each keeps one), those doing least first, then whole mobile teams, while the
    capacity they take, used at the unit's utilisation, stays within its surplus."""
    if forecast.flagged or forecast.remaining is None:
        return {}
    room = forecast.surplus / forecast.utilisation if forecast.remaining else math.inf
    kits = 0
    for per_kit in sorted(
        load.capacity / load.kits
        for load in forecast.stations
        if load.station.kind == StationKind.FIXED
        for _kit in range(load.kits - 1)
    ):
        if per_kit > room:
            break
        room -= per_kit
        kits += 1
    teams = 0
    for capacity in sorted(
        load.capacity
        for load in forecast.stations
        if load.station.kind != StationKind.FIXED and load.kits
    ):
        if capacity > room:
            break
        room -= capacity
        teams += 1
    return {Item.KIT: kits, Item.TEAM: teams}


def _need(forecast: Forecast) -> dict[Item, int]:
    additions = additions_needed(forecast=forecast)
    if not additions:
        return {}
    return {Item.KIT: additions.kit_count, Item.TEAM: additions.mobile_teams}


def site_of(forecast: Forecast) -> Site:
    unit = forecast.unit
    return Site(
        code=unit.code,
        name=unit.name,
        path=unit.path,
        latitude=unit.latitude,
        longitude=unit.longitude,
        spare=_spare(forecast),
        need=_need(forecast),
    )


def reallocation_sites(*, unit: AdministrativeUnit, on: date) -> list[Site]:
    """The units directly below ``unit`` as sites, from their forecasts on ``on``."""
    return [site_of(forecast) for forecast in forecast_children(unit=unit, on=on)]
