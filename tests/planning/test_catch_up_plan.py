from datetime import time

from cancuoc.forecasting.plan import catch_up_plan
from cancuoc.forecasting.reallocation import Item
from cancuoc.planning.costs import UnitPrices

from .conftest import ON, captured_daily, station_at, target_of, unit

PRICES = UnitPrices(
    kit_day=100, overtime_hour=10, vehicle_day=1000, sms=1, kit_move=100, move_km=10, kit_new=5000
)


def test_the_plan_adds_what_the_late_unit_needs_moves_a_kit_and_adds_up_its_cost(area):
    # Xã Một needs its free shifts and one more kit (test_reallocation explains the figures);
    # Phường Hai has kits to spare.
    station_at("16000", kits=1, shifts=[(time(6), time(14)), (time(14), time(22))])
    target_of("16000", 3500)
    captured_daily("16000", 48)
    station_at("16001", kits=6, shifts=[(time(7), time(15))])
    target_of("16001", 600)
    captured_daily("16001", 48)
    plan = catch_up_plan(unit=unit("38"), on=ON, prices=PRICES)
    late, ahead = plan.outlooks
    assert late.forecast.flagged and not late.after.flagged and not ahead.forecast.flagged
    assert (late.additions.shift_count, late.additions.kit_count) == (20, 1)
    # Running: 20 shifts × 8 h × 2 officers overtime, one kit for 20 days, an SMS to each of
    # the 3,020 left; moving: one kit from Phường Hai, 30 km.
    assert [line.amount for line in late.cost.lines] == [20 * 100, 320 * 10, 0, 3020 * 1]
    assert ahead.cost.total == 0
    assert plan.cost.total == late.cost.total
    [move] = plan.reallocation.moves
    assert (move.giver.code, move.item, move.count, move.cost) == ("16001", Item.KIT, 1, 400)
    assert plan.total == 2000 + 3200 + 3020 + 400
