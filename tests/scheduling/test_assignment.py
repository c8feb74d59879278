"""The assignment solver on plain arrays: invariants on random problems, and small cases whose
answer is known."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cancuoc.scheduling.assignment import OPEN, Problem, Weights, assign
from cancuoc.synth.assignment import assignment_problem_synth


def check_invariants(problem: Problem, party_slot: np.ndarray) -> None:
    placed = party_slot >= 0
    used = np.zeros(len(problem.slot_capacity), dtype=np.int64)
    np.add.at(used, party_slot[placed], problem.party_size[placed])
    assert (used <= problem.slot_capacity).all(), "a slot is over capacity"
    for party in np.flatnonzero(placed).tolist():
        slot = party_slot[party]
        place = problem.party_place[party]
        held = problem.slot_held_for[slot]
        if held == OPEN:
            stations = {s for s, _ in problem.reach[place]}
            assert problem.slot_station[slot] in stations, "sent to a station not serving it"
        else:
            assert held == place, "took a slot held for another institution"


@settings(max_examples=30, deadline=None)
@given(
    people=st.integers(50, 3000),
    stations=st.integers(1, 6),
    days=st.integers(1, 5),
    institutions=st.integers(0, 2),
    seed=st.integers(0, 10_000),
    easy_first=st.booleans(),
)
def test_no_slot_over_capacity_and_cost_never_below_the_bound(
    people, stations, days, institutions, seed, easy_first
):
    problem = assignment_problem_synth(
        people=people,
        stations=stations,
        days=days,
        slots_per_shift=2,
        institutions=institutions,
        institution_size=20,
        seed=seed,
        weights=Weights(easy_first=easy_first),
    )
    solution = assign(problem)
    check_invariants(problem, solution.party_slot)
    assert solution.persons == people
    assert solution.assigned == problem.party_size[solution.party_slot >= 0].sum()
    assert solution.cost >= solution.lower_bound
    # Nobody is left out while a slot they could use still has room for them.
    room = problem.slot_capacity.copy()
    placed = solution.party_slot >= 0
    np.subtract.at(room, solution.party_slot[placed], problem.party_size[placed])
    for party in np.flatnonzero(~placed).tolist():
        place, size = problem.party_place[party], problem.party_size[party]
        usable = (problem.slot_held_for == place) | (
            (problem.slot_held_for == OPEN)
            & np.isin(problem.slot_station, [s for s, _ in problem.reach[place]])
        )
        assert not (usable & (room >= size)).any()


def test_a_million_people_are_assigned_close_to_the_lower_bound():
    """The benchmark's shape at a tenth of its size: within 1% of the flow's optimum."""
    problem = assignment_problem_synth(people=100_000, stations=30, days=60, institutions=5)
    solution = assign(problem)
    check_invariants(problem, solution.party_slot)
    assert solution.unassigned == 0
    assert solution.gap < 0.01


def two_villages(capacity_per_day: int, days: int, weights: Weights | None = None) -> Problem:
    """Village 0 next to station 0 (1 km) and 30 km from station 1; village 1 next to
    station 1. One slot a day at each station."""
    return Problem(
        party_place=np.array([0, 0, 0, 1]),
        party_size=np.array([2, 1, 3, 1]),
        party_hard=np.array([False, True, False, False]),
        reach=[[(0, 1.0), (1, 30.0)], [(1, 1.0)]],
        slot_station=np.repeat([0, 1], days),
        slot_day=np.tile(np.arange(days), 2),
        slot_capacity=np.full(2 * days, capacity_per_day),
        slot_held_for=np.full(2 * days, OPEN),
        station_deadline=np.array([days - 1, days - 1]),
        weights=weights or Weights(),
    )


def test_everyone_goes_to_the_nearest_station_on_the_first_day_when_there_is_room():
    problem = two_villages(capacity_per_day=10, days=3)
    solution = assign(problem)
    assert solution.party_slot.tolist() == [0, 0, 0, 3]  # station 0 day 0; station 1 day 0
    assert solution.cost == solution.lower_bound == 7 * 1 * 10  # 7 people × 1 km × 10


def test_easy_cases_come_first_and_a_household_waits_rather_than_splits():
    # 3 places a day at station 0: the household of 3 (easy) fills day 0, the household of 2
    # (easy) goes on day 1 with the hard case, nobody travels 30 km for a day's wait.
    problem = two_villages(capacity_per_day=3, days=3)
    solution = assign(problem)
    slots = solution.party_slot.tolist()
    assert slots[2] == 0  # household of three, easy, day 0
    assert slots[0] == 1 and slots[1] == 1  # household of two (easy) and the hard case, day 1
    check_invariants(problem, solution.party_slot)


def test_hard_cases_first_when_asked():
    problem = two_villages(capacity_per_day=3, days=3, weights=Weights(easy_first=False))
    slots = assign(problem).party_slot.tolist()
    assert slots[1] == 0  # the hard case comes on day 0


def test_a_party_larger_than_every_slot_is_reported_not_split():
    problem = two_villages(capacity_per_day=2, days=2)
    solution = assign(problem)
    assert solution.party_slot[2] == -1  # the household of three fits no slot of two
    assert solution.unassigned == 3
    check_invariants(problem, solution.party_slot)


def test_a_village_with_a_mobile_stop_goes_there_first_and_the_rest_to_its_station():
    # Station 1 is a mobile team stopping in village 0 on day 1 with room for 3, held for it;
    # the fixed station 0 is 5 km away. Village 1 may not use the stop.
    problem = two_villages(capacity_per_day=10, days=3)
    problem.reach[0] = [(0, 5.0)]
    problem.slot_held_for[4] = 0  # station 1, day 1
    problem.slot_capacity[4] = 3
    solution = assign(problem)
    check_invariants(problem, solution.party_slot)
    slots = solution.party_slot.tolist()
    assert slots[2] == 4  # the household of three takes the stop
    assert slots[0] == slots[1] == 0  # the others go to station 0 on day 0
    assert slots[3] == 3  # village 1 to its own station, never the stop
    assert solution.cost >= solution.lower_bound
