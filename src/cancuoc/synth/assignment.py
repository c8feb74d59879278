"""A synthetic assignment problem of any size, for the benchmark and property tests: villages
clustered around towns, households of one to six eligible people, stations of one to three
kits working three shifts, institutions with on-site sessions."""

import numpy as np

from cancuoc.scheduling.assignment import OPEN, Problem, Weights

HOUSEHOLD_SIZES = np.array([1, 2, 3, 4, 5, 6])
HOUSEHOLD_SHARES = np.array([0.30, 0.35, 0.20, 0.10, 0.04, 0.01])
PEOPLE_PER_VILLAGE = 400
REACH = 3  # a village is served by its nearest stations
SIDE_KM = 150.0


def assignment_problem_synth(
    *,
    people: int,
    stations: int,
    days: int,
    shifts: int = 3,
    slots_per_shift: int = 8,
    people_per_kit_slot: int = 6,
    institutions: int = 0,
    institution_size: int = 200,
    hard_share: float = 0.2,
    deadline_day: int | None = None,
    seed: int = 1,
    weights: Weights | None = None,
) -> Problem:
    rng = np.random.default_rng(seed)
    villages = max(people // PEOPLE_PER_VILLAGE, 1)
    towns = rng.uniform(0, SIDE_KM, size=(max(stations // 10, 1), 2))
    village_xy = towns[rng.integers(len(towns), size=villages)] + rng.normal(
        0, 12, size=(villages, 2)
    )
    station_xy = towns[rng.integers(len(towns), size=stations)] + rng.normal(
        0, 15, size=(stations, 2)
    )
    reach: list[list[tuple[int, float]]] = []
    for xy in village_xy:
        km = np.hypot(*(station_xy - xy).T)
        nearest = np.argsort(km)[:REACH]
        reach.append([(int(s), float(km[s])) for s in nearest])

    # Households, drawn until the people are there; each lives in a village.
    member_people = institutions * institution_size
    sizes = rng.choice(HOUSEHOLD_SIZES, p=HOUSEHOLD_SHARES, size=people)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), people - member_people)) + 1]
    sizes[-1] -= sizes.sum() - (people - member_people)
    sizes = sizes[sizes > 0]
    place = rng.integers(villages, size=len(sizes))
    hard = rng.random(len(sizes)) < hard_share
    # Institution members come one by one, held to their institution's sessions.
    inst_place = np.repeat(np.arange(villages, villages + institutions), institution_size)
    party_place = np.concatenate([place, inst_place])
    party_size = np.concatenate([sizes, np.ones(len(inst_place), dtype=sizes.dtype)])
    party_hard = np.concatenate([hard, np.zeros(len(inst_place), dtype=bool)])
    reach += [[] for _ in range(institutions)]

    kits = rng.integers(1, 4, size=stations)
    per_day = shifts * slots_per_shift
    slot_station = np.repeat(np.arange(stations), days * per_day)
    slot_day = np.tile(np.repeat(np.arange(days), per_day), stations)
    slot_capacity = kits[slot_station] * people_per_kit_slot
    slot_held_for = np.full(len(slot_station), OPEN)
    for n in range(institutions):
        # Two days at a station near the institution's town, held for its members.
        station = int(rng.integers(stations))
        day = int(rng.integers(max(days - 2, 1)))
        first = station * days * per_day + day * per_day
        slot_held_for[first : first + 2 * per_day] = villages + n
    deadline = np.full(stations, days - 1 if deadline_day is None else deadline_day)
    return Problem(
        party_place=party_place,
        party_size=party_size,
        party_hard=party_hard,
        reach=reach,
        slot_station=slot_station,
        slot_day=slot_day,
        slot_capacity=slot_capacity,
        slot_held_for=slot_held_for,
        station_deadline=deadline,
        weights=weights or Weights(),
    )
