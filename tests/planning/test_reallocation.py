import math
from datetime import time

import pytest

from cancuoc.forecasting.forecast import forecast_children
from cancuoc.forecasting.reallocation import (
    Item,
    Site,
    distance_km,
    reallocation_plan,
    reallocation_sites,
)
from cancuoc.lib.geo import KM_PER_TREE_STEP, haversine_km
from cancuoc.planning.costs import UnitPrices

from .conftest import ON, captured_daily, station_at, target_of, unit

PRICES = UnitPrices(kit_move=100, move_km=10, kit_new=1000, team_move=500, team_new=2000)


def site(code: str, path: str, *, spare=None, need=None, at=(None, None)) -> Site:
    return Site(
        code=code,
        name=code,
        path=path,
        latitude=at[0],
        longitude=at[1],
        spare=spare or {},
        need=need or {},
    )


# Without coordinates: A and B are communes of one province (2 steps, 30 km); C is a commune
# of another (4 steps, 60 km).
A = site("A", "0000000100000002", spare={Item.KIT: 3})
B = site("B", "0000000100000003", need={Item.KIT: 2})
C = site("C", "0000000900000010", need={Item.KIT: 2})


def test_kits_go_from_the_unit_with_spare_to_those_short_at_the_least_cost():
    # Per kit: A→B 100 + 30 km × 10 = 400; A→C 100 + 60 × 10 = 700; a new kit 1,000.
    # A's three kits: two to B and one to C, and C buys one: 800 + 700 + 1,000 = 2,500
    # (one to B and two to C would be 400 + 1,400 + 1,000 = 2,800).
    plan = reallocation_plan(sites=[A, B, C], prices=PRICES)
    moves = {(m.giver.code, m.receiver.code): (m.count, m.km, m.cost) for m in plan.moves}
    assert moves == {("A", "B"): (2, 30, 800), ("A", "C"): (1, 60, 700)}
    assert [(p.receiver.code, p.count, p.cost) for p in plan.purchases] == [("C", 1, 1000)]
    assert plan.total == 2500


def test_a_new_kit_is_bought_where_moving_one_costs_more():
    far = site("F", "0000000900000011", spare={Item.KIT: 5})
    near_buyer = site("N", "00000009000000110000000100000001", need={Item.KIT: 1})
    plan = reallocation_plan(sites=[far, near_buyer], prices=UnitPrices(kit_new=1, kit_move=2))
    assert plan.moves == [] and [p.count for p in plan.purchases] == [1]


def test_mobile_teams_move_as_their_own_item():
    giver = site("A", "0000000100000002", spare={Item.TEAM: 1, Item.KIT: 1})
    taker = site("B", "0000000100000003", need={Item.TEAM: 2})
    plan = reallocation_plan(sites=[giver, taker], prices=PRICES)
    assert [(m.item, m.count, m.cost) for m in plan.moves] == [(Item.TEAM, 1, 500 + 300)]
    assert [(p.item, p.count, p.cost) for p in plan.purchases] == [(Item.TEAM, 1, 2000)]


def test_nothing_short_nothing_moved():
    plan = reallocation_plan(sites=[A], prices=PRICES)
    assert plan.moves == [] and plan.purchases == [] and plan.total == 0


def test_distance_is_the_great_circle_when_both_units_have_coordinates():
    assert haversine_km((10.0, 106.0), (11.0, 106.0)) == pytest.approx(6371 * math.pi / 180)
    # Hà Nội to Thanh Hóa city, about 135 km as the crow flies.
    assert haversine_km((21.0285, 105.8542), (19.8067, 105.7852)) == pytest.approx(136, abs=2)
    a = site("A", "0000000100000002", at=(10.0, 106.0))
    b = site("B", "0000000900000010", at=(10.0, 106.0))
    assert distance_km(a, b) == 0
    assert distance_km(a, site("C", "0000000900000010")) == 4 * KM_PER_TREE_STEP


def test_from_the_database_a_unit_ahead_gives_kits_to_a_unit_behind(area):
    # Xã Một: one kit in two shifts (1,920 places in the 20 days left); 3,020 left need 3,179
    # places booked at 95%: its one free shift a day (960 places) is not enough, one more kit
    # is. Phường Hai: six kits in one shift, a sixth used, 120 left: five kits are spare.
    station_at("16000", kits=1, shifts=[(time(6), time(14)), (time(14), time(22))])
    target_of("16000", 3500)
    captured_daily("16000", 48)
    station_at("16001", kits=6, shifts=[(time(7), time(15))])
    target_of("16001", 600)
    captured_daily("16001", 48)
    forecasts = {f.unit.code: f for f in forecast_children(unit=unit("38"), on=ON)}
    assert forecasts["16000"].flagged and not forecasts["16001"].flagged
    sites = {s.code: s for s in reallocation_sites(unit=unit("38"), on=ON)}
    assert sites["16001"].spare == {Item.KIT: 5, Item.TEAM: 0}
    assert sites["16000"].need == {Item.KIT: 1, Item.TEAM: 0}
    plan = reallocation_plan(sites=list(sites.values()), prices=PRICES)
    [move] = plan.moves
    assert (move.giver.code, move.receiver.code, move.item) == ("16001", "16000", Item.KIT)
    assert (move.count, move.km, move.cost) == (1, 2 * KM_PER_TREE_STEP, 100 + 300)
    assert plan.purchases == []
