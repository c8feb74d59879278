"""Reads for scheduling: the assignment problem of a unit, built from the register."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.db.models import BooleanField, ExpressionWrapper, Subquery
from django.utils import timezone

from cancuoc.geo.models import AdministrativeUnit, InstitutionMember
from cancuoc.lib.geo import place_km
from cancuoc.planning.models import Station, Target
from cancuoc.planning.selectors import service_roots, stations_in
from cancuoc.registry.difficulty import hard_case
from cancuoc.scheduling.worklists import counted_residence, worklist

from .assignment import OPEN, Problem, Weights
from .models import AppointmentState, Slot, in_booking_hours


def unit_station_km(unit: AdministrativeUnit, station: Station) -> float:
    """Distance from a village to a station (see ``lib.geo.place_km``)."""
    return place_km(
        (unit.latitude, unit.longitude),
        unit.path,
        (station.latitude, station.longitude),
        station.unit.path,
    )


@dataclass
class AssignmentInput:
    """The problem, and what its indices stand for in the register."""

    problem: Problem
    party_persons: list[list[int]]  # person ids per party
    party_household: list[int | None]
    slot_ids: np.ndarray  # Slot pk per slot index
    stations: list[Station]


def slots_with_room(
    stations: list[Station], first: date, last: date, after: datetime
) -> list[dict]:
    """Slots of the stations from ``first`` to ``last`` that start after ``after``, with how
    many places each has left, in order of station and time. A slot outside booking hours is
    left to walk-ins unless an institution's session holds it."""
    slots = (
        Slot.objects.filter(
            station__in=stations,
            starts_at__date__gte=first,
            starts_at__date__lte=last,
            starts_at__gt=after,
        )
        .with_room()
        .filter(room__gt=0)
        .order_by("station__code", "starts_at")
        .values("pk", "station_id", "starts_at", "ends_at", "room", "institution_id", "unit_id")
    )
    return [
        slot
        for slot in slots
        if slot["institution_id"] or in_booking_hours(slot["starts_at"], slot["ends_at"])
    ]


def assignment_input(
    *,
    unit: AdministrativeUnit,
    first: date,
    last: date,
    on: date,
    after: datetime,
    weights: Weights,
) -> AssignmentInput:
    """Everyone in ``unit``'s worklist on ``on`` not yet booked, as parties (a household's
    members living in one village; an institution's member, one by one, when the
    institution has a session in the period), and the free slots of the unit's stations
    (those held for a village's or an institution's people marked so)."""
    stations = stations_in(unit)
    slots = slots_with_room(stations, first, last, after)
    station_index = {s.pk: n for n, s in enumerate(stations)}
    roots = {s.pk: service_roots(s) for s in stations}

    persons = (
        worklist(unit=unit, on=on)
        .exclude(appointments__state=AppointmentState.BOOKED)
        .annotate(home_unit_id=Subquery(counted_residence(on).values("unit_id")[:1]))
        .annotate(hard=ExpressionWrapper(hard_case(), output_field=BooleanField()))
        .values_list("pk", "household_id", "home_unit_id", "hard")
        # Places are numbered as they first appear, and slots go to the lower numbers
        # first: in this order the same register and slots always give the same plan.
        .order_by("home_unit_id", "household_id", "pk")
    )
    held_institutions = {s["institution_id"] for s in slots} - {None}
    member_of = dict(
        InstitutionMember.objects.filter(
            InstitutionMember.active_on_q(on), institution_id__in=held_institutions
        ).values_list("person_id", "institution_id")
    )
    places: dict[tuple[str, int], int] = {}
    parties: dict[tuple, list[int]] = defaultdict(list)
    hard_party: dict[tuple, bool] = {}
    for pk, household, home, hard in persons.iterator(chunk_size=5000):
        if pk in member_of:
            place = places.setdefault(("institution", member_of[pk]), len(places))
            key: tuple = (place, "person", pk)
        else:
            place = places.setdefault(("unit", home), len(places))
            key = (place, "household", household) if household else (place, "person", pk)
        parties[key].append(pk)
        hard_party[key] = hard_party.get(key, False) or bool(hard)

    units = AdministrativeUnit.objects.in_bulk([pk for kind, pk in places if kind == "unit"])
    reach: list[list[tuple[int, float]]] = [[] for _ in places]
    for (kind, pk), place in places.items():
        if kind != "unit" or pk not in units:
            continue
        home = units[pk]
        reach[place] = [
            (station_index[s.pk], unit_station_km(home, s))
            for s in stations
            if any(home.path.startswith(r.path) for r in roots[s.pk])
        ]

    keys = list(parties)
    deadlines = _deadlines(stations, first, last)
    problem = Problem(
        party_place=np.array([k[0] for k in keys], dtype=np.int64),
        party_size=np.array([len(parties[k]) for k in keys], dtype=np.int64),
        party_hard=np.array([hard_party[k] for k in keys], dtype=bool),
        reach=reach,
        slot_station=np.array([station_index[s["station_id"]] for s in slots], dtype=np.int64),
        slot_day=np.array(
            [(timezone.localdate(s["starts_at"]) - first).days for s in slots], dtype=np.int64
        ),
        slot_capacity=np.array([s["room"] for s in slots], dtype=np.int64),
        slot_held_for=np.array([_held_for(s, places) for s in slots], dtype=np.int64),
        station_deadline=np.array([deadlines[s.pk] for s in stations], dtype=np.int64),
        weights=weights,
    )
    return AssignmentInput(
        problem=problem,
        party_persons=[parties[k] for k in keys],
        party_household=[k[2] if k[1] == "household" else None for k in keys],
        slot_ids=np.array([s["pk"] for s in slots], dtype=np.int64),
        stations=stations,
    )


NOBODY = -2  # a slot held for a place none of whose people are on the worklist


def _held_for(slot: dict, places: dict[tuple[str, int], int]) -> int:
    """The place a slot is held for: an institution's session, or a mobile team's stop in a
    village; else open to all."""
    if slot["institution_id"]:
        return places.get(("institution", slot["institution_id"]), NOBODY)
    if slot["unit_id"]:
        return places.get(("unit", slot["unit_id"]), NOBODY)
    return OPEN


def _deadlines(stations: list[Station], first: date, last: date) -> dict[int, int]:
    """Per station: the day index of the deadline of the nearest target above it (or the
    period's last day when no target is set)."""
    result = {}
    for station in stations:
        units = [*station.unit.ancestors().values_list("pk", flat=True), station.unit_id]
        target = (
            Target.objects.filter(unit__in=units, deadline__gte=first).order_by("deadline").first()
        )
        deadline = target.deadline if target else last
        result[station.pk] = (deadline - first).days
    return result
