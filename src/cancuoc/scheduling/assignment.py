"""Who comes when: residents assigned to appointment slots (xếp lịch hẹn).

The problem is solved in two steps. First a min-cost flow (OR-Tools) over aggregated groups,
not one node per person: people of one place (village or institution) and one difficulty
class flow to the stations that serve the place, then to the station's days. Its optimum
is the exact optimum of the problem with households allowed to split, so it is a lower bound
for the real one. Then the flow is turned into whole parties (a household's members, or one
institution member) in slots: each place's parties are shared among its stations as the flow
says, and each station fills its slots in time order with the earliest party that still fits,
so a village comes in one batch, the preferred class first, and a household is never split.
What cannot be placed where the flow sent it goes to the earliest free room at another station
serving its place, or is reported unassigned.

The cost of a person is the distance to the station, the day (earlier is better; the preferred
class — easy cases first, or last — weighs its days more), and a heavy price for each day past
the station's deadline. The solver works on numpy arrays so that a million people take
seconds; the database side is in ``selectors`` and ``services``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

OPEN = -1  # a slot open to everyone (not held for an institution)


@dataclass(frozen=True)
class Weights:
    per_km: int = 10  # per person and kilometre
    per_day: int = 5  # per person and day of waiting, the other class
    per_day_preferred: int = 10  # per person and day of waiting, the preferred class
    per_late_day: int = 1_000  # per person and day past the deadline
    unassigned: int = 1_000_000  # per person left without a slot
    easy_first: bool = True  # "dễ làm trước, khó làm sau"; False: hard cases first


@dataclass
class Problem:
    """Parties, places, stations and slots, by index.

    ``reach[place]`` lists ``(station, km)`` for the stations that serve the place. A slot
    held for a place (an institution's session, a mobile team's stop in a village) has
    ``slot_held_for`` = that place's index; only that place's parties go there, and they go
    there first. Slots must be sorted by station, then time."""

    party_place: np.ndarray  # int, per party
    party_size: np.ndarray  # int, per party (≥ 1)
    party_hard: np.ndarray  # bool, per party
    reach: list[list[tuple[int, float]]]  # per place (an institution: none)
    slot_station: np.ndarray  # int, per slot
    slot_day: np.ndarray  # int, days from the first day
    slot_capacity: np.ndarray  # int, free places left
    slot_held_for: np.ndarray  # int, place index or OPEN
    station_deadline: np.ndarray  # int, day index of each station's deadline
    weights: Weights = field(default_factory=Weights)

    @property
    def places(self) -> int:
        return len(self.reach)

    @property
    def stations(self) -> int:
        return len(self.station_deadline)


@dataclass
class Solution:
    party_slot: np.ndarray  # int, slot index per party, -1: unassigned
    cost: int  # of the parties as placed, unassigned ones at their price
    lower_bound: int  # the flow's optimum (households may split there)
    persons: int
    assigned: int

    @property
    def unassigned(self) -> int:
        return self.persons - self.assigned

    @property
    def gap(self) -> float:
        """How far the placed cost is above the lower bound, as a share of it."""
        return (self.cost - self.lower_bound) / self.lower_bound if self.lower_bound else 0.0


def _preferred(problem: Problem) -> np.ndarray:
    """Per party: whether it is in the class whose days weigh more (served first)."""
    hard = problem.party_hard
    return ~hard if problem.weights.easy_first else hard


def day_cost(problem: Problem, day: int, station: int, preferred: bool) -> int:
    """What a person pays for coming on ``day`` to ``station``."""
    w = problem.weights
    late = max(day - int(problem.station_deadline[station]), 0)
    return day * (w.per_day_preferred if preferred else w.per_day) + late * w.per_late_day


def _km_cost(problem: Problem, km: float) -> int:
    return round(km * problem.weights.per_km)


def assign(problem: Problem) -> Solution:
    flow = _solve_flow(problem)
    party_slot = _place_parties(problem, flow)
    cost = _cost(problem, party_slot)
    sizes = problem.party_size
    return Solution(
        party_slot=party_slot,
        cost=cost,
        lower_bound=flow.cost,
        persons=int(sizes.sum()),
        assigned=int(sizes[party_slot >= 0].sum()),
    )


@dataclass
class _Flow:
    cost: int
    # persons of (place, preferred) sent to each station: {(place, preferred): {station: n}}
    shares: dict[tuple[int, bool], dict[int, int]]


def _solve_flow(problem: Problem) -> _Flow:
    """Groups (place, class) → hubs (station, class) → station-days → sink; an institution's
    group → its held days → sink; every group → sink directly at the unassigned price."""
    w = problem.weights
    preferred = _preferred(problem)
    demand: dict[tuple[int, bool], int] = defaultdict(int)
    for place, pref, size in zip(
        problem.party_place.tolist(), preferred.tolist(), problem.party_size.tolist(), strict=True
    ):
        demand[(place, pref)] += size
    groups = list(demand)
    ids = _Ids()
    sink = ids["sink"]
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    total = sum(demand.values())

    def arc(tail: int, head: int, cap: int, cost: int) -> int:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)
        return len(tails) - 1

    # Capacity of each (station, day) open to all, and of each (place, day) held.
    open_days: dict[tuple[int, int], int] = defaultdict(int)
    held_days: dict[tuple[int, int, int], int] = defaultdict(int)
    for station, day, cap, held in zip(
        problem.slot_station.tolist(),
        problem.slot_day.tolist(),
        problem.slot_capacity.tolist(),
        problem.slot_held_for.tolist(),
        strict=True,
    ):
        if held == OPEN:
            open_days[(station, day)] += cap
        else:
            held_days[(held, station, day)] += cap
    for (station, day), cap in open_days.items():
        arc(ids[("day", station, day)], sink, cap, 0)
        for pref in (True, False):
            cost = day_cost(problem, day, station, pref)
            arc(ids[("hub", station, pref)], ids[("day", station, day)], cap, cost)
    held_places = {place for place, _, _ in held_days}
    for (place, station, day), cap in held_days.items():
        node = ids[("held", place, station, day)]
        arc(node, sink, cap, 0)
        for pref in (True, False):
            cost = day_cost(problem, day, station, pref)
            arc(ids[("session", place, pref)], node, cap, cost)
    to_hub: dict[int, tuple[tuple[int, bool], int]] = {}
    for place, pref in groups:
        group = ids[("group", place, pref)]
        arc(group, sink, total, w.unassigned)
        if place in held_places:  # its own slots first; a village also the stations
            arc(group, ids[("session", place, pref)], total, 0)
        for station, km in problem.reach[place]:
            if ("hub", station, pref) in ids:
                a = arc(group, ids[("hub", station, pref)], total, _km_cost(problem, km))
                to_hub[a] = ((place, pref), station)

    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    supplies = np.zeros(len(ids), dtype=np.int64)
    for (place, pref), n in demand.items():
        supplies[ids[("group", place, pref)]] = n
    supplies[sink] = -total
    solver.set_nodes_supplies(np.arange(len(ids), dtype=np.int32), supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    shares: dict[tuple[int, bool], dict[int, int]] = defaultdict(dict)
    if to_hub:
        arcs = np.fromiter(to_hub, dtype=np.int64)
        for a, n in zip(arcs.tolist(), solver.flows(arcs).tolist(), strict=True):
            if n:
                group, station = to_hub[a]
                shares[group][station] = n
    return _Flow(cost=int(solver.optimal_cost()), shares=shares)


class _Ids(dict):
    """Node numbers, given out on first use."""

    def __missing__(self, key) -> int:
        self[key] = len(self)
        return self[key]


def _place_parties(problem: Problem, flow: _Flow) -> np.ndarray:
    preferred = _preferred(problem)
    party_slot = np.full(len(problem.party_size), -1, dtype=np.int64)
    room = problem.slot_capacity.astype(np.int64).copy()
    slots_of = _slots_by_station(problem)

    # 1. Each place's parties shared among its stations as the flow says, largest first.
    by_group: dict[tuple[int, bool], list[int]] = defaultdict(list)
    order = np.lexsort((-problem.party_size, problem.party_place))
    for party in order.tolist():
        by_group[(int(problem.party_place[party]), bool(preferred[party]))].append(party)
    station_parties: dict[int, list[int]] = defaultdict(list)
    held: dict[int, list[int]] = defaultdict(list)
    left: list[int] = []
    held_places = set(problem.slot_held_for[problem.slot_held_for != OPEN].tolist())
    for group, parties in by_group.items():
        if group[0] in held_places:
            held[group[0]].extend(parties)
            continue
        quota = dict(flow.shares.get(group, {}))
        for party in parties:
            size = int(problem.party_size[party])
            fitting = [s for s, q in quota.items() if q >= size]
            if fitting:
                station = max(fitting, key=lambda s: (quota[s], -s))
            elif quota and max(quota.values()) > 0:
                station = max(quota, key=lambda s: (quota[s], -s))
            else:
                left.append(party)
                continue
            quota[station] -= size
            station_parties[station].append(party)

    # 2. Each station fills its open slots in time order: the preferred class first, each
    # class by place, then household, with the earliest party that still fits.
    for station, parties in station_parties.items():
        parties.sort(key=lambda p: (not preferred[p], problem.party_place[p], p))
        blocks = [(bool(preferred[p]), int(problem.party_place[p])) for p in parties]
        open_slots = slots_of[station].get(OPEN, [])
        left += _fill(problem, parties, open_slots, room, party_slot, blocks)
    for place, parties in held.items():
        slots = [s for station in slots_of for s in slots_of[station].get(place, [])]
        parties.sort(key=lambda p: (not preferred[p], p))
        blocks = [(bool(preferred[p]),) for p in parties]
        left += _fill(problem, parties, sorted(slots), room, party_slot, blocks)

    # 3. What did not fit: the cheapest of the earliest rooms at the stations serving the
    # place. Room only shrinks, so each station keeps a pointer to its first slot with any.
    first_free: dict[int, int] = defaultdict(int)
    for party in sorted(left, key=lambda p: (problem.party_place[p], p)):
        size = int(problem.party_size[party])
        best = None
        for station, km in problem.reach[int(problem.party_place[party])]:
            slots = slots_of[station].get(OPEN, [])
            while first_free[station] < len(slots) and room[slots[first_free[station]]] == 0:
                first_free[station] += 1
            for slot in slots[first_free[station] :]:
                if room[slot] >= size:
                    cost = _party_cost(problem, party, slot, km, bool(preferred[party]))
                    if best is None or cost < best[0]:
                        best = (cost, slot)
                    break
        if best is not None:
            party_slot[party] = best[1]
            room[best[1]] -= size
    return party_slot


def _slots_by_station(problem: Problem) -> dict[int, dict[int, list[int]]]:
    """Per station: its slots open to all (key ``OPEN``) and held per place, in time order."""
    slots: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for slot, (station, held) in enumerate(
        zip(problem.slot_station.tolist(), problem.slot_held_for.tolist(), strict=True)
    ):
        slots[station][held].append(slot)
    return slots


def _fill(
    problem: Problem,
    parties: list[int],
    slots: list[int],
    room: np.ndarray,
    out: np.ndarray,
    block: list[tuple] | None = None,
) -> list[int]:
    """Put ``parties`` (in their order) into ``slots`` (in time order). Each slot takes, from
    the block (same place and class) of the earliest waiting party, the largest party that
    still fits; when none of that block fits, the earliest party of any block that fits; until
    none does. Returns the parties left over. Parties are queued by size, so each choice looks
    at a few queue heads only."""
    block = block or [(int(problem.party_place[p]),) for p in parties]
    queues: dict[int, list[int]] = defaultdict(list)
    for position, party in enumerate(parties):
        queues[int(problem.party_size[party])].append(position)
    heads = dict.fromkeys(queues, 0)
    sizes = sorted(queues)
    waiting = len(parties)
    for slot in slots:
        if not waiting:
            break
        free = int(room[slot])
        while free > 0 and waiting:
            waiting_heads = [
                (queues[size][heads[size]], size)
                for size in sizes
                if heads[size] < len(queues[size])
            ]
            current = block[min(waiting_heads)[0]]
            fitting = [(position, size) for position, size in waiting_heads if size <= free]
            if not fitting:
                break
            in_block = [
                (size, position) for position, size in fitting if block[position] == current
            ]
            size, position = max(in_block) if in_block else min(fitting)[::-1]
            heads[size] += 1
            out[parties[position]] = slot
            free -= size
            waiting -= 1
        room[slot] = free
    return [parties[queues[s][i]] for s in sizes for i in range(heads[s], len(queues[s]))]


def _party_cost(problem: Problem, party: int, slot: int, km: float, preferred: bool) -> int:
    station = int(problem.slot_station[slot])
    per_person = _km_cost(problem, km) + day_cost(
        problem, int(problem.slot_day[slot]), station, preferred
    )
    return per_person * int(problem.party_size[party])


def _cost(problem: Problem, party_slot: np.ndarray) -> int:
    """The objective of a placement: what each placed party costs, and the unassigned."""
    preferred = _preferred(problem)
    km_to: list[dict[int, float]] = [dict(r) for r in problem.reach]
    total = 0
    for party, slot in enumerate(party_slot.tolist()):
        if slot < 0:
            total += problem.weights.unassigned * int(problem.party_size[party])
            continue
        held = int(problem.slot_held_for[slot])
        station = int(problem.slot_station[slot])
        km = 0.0 if held != OPEN else km_to[int(problem.party_place[party])][station]
        total += _party_cost(problem, party, slot, km, bool(preferred[party]))
    return total
