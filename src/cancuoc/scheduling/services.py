"""Writes for scheduling: slots from shift calendars, assignment of the worklist to slots,
no-shows and their rebooking."""

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.intake.models import Application
from cancuoc.lib import clock
from cancuoc.lib.bulk import copy_rows
from cancuoc.planning.calendar import kit_counts, people_per_shift, working_spans
from cancuoc.planning.models import Station, StationKind
from cancuoc.planning.selectors import service_roots, stations_in
from cancuoc.registry.models import Person
from cancuoc.scheduling.worklists import worklist

from .assignment import Weights, assign
from .models import (
    Appointment,
    AppointmentState,
    AssignmentRun,
    Slot,
    Visit,
    appointment_code,
    in_booking_hours,
)
from .selectors import assignment_input

APPOINTMENT_COLUMNS = ["person_id", "slot_id", "household_id", "state", "code", "run_id"]
MAX_OVERBOOKING = 1.5  # never book more than half again a slot's capacity
BATCH = 5000


def overbooking_factor(no_show_rate: float) -> float:
    """Book 1/(1 − no-show rate) times the capacity, so that those who come fill the kits."""
    if not 0 <= no_show_rate < 1:
        raise ValueError(f"no-show rate {no_show_rate} is not between 0 and 1")
    return min(1 / (1 - no_show_rate), MAX_OVERBOOKING)


def no_show_rate(station: Station, *, days: int = 28) -> float:
    """The share of past appointments at the station, over the last ``days``, nobody came to."""
    since = timezone.now() - timedelta(days=days)
    counts = Appointment.objects.filter(
        slot__station=station, slot__starts_at__gte=since, slot__ends_at__lt=timezone.now()
    ).aggregate(
        came=Count("pk", filter=Q(state=AppointmentState.ATTENDED)),
        missed=Count("pk", filter=Q(state=AppointmentState.NO_SHOW)),
    )
    seen = counts["came"] + counts["missed"]
    return counts["missed"] / seen if seen else 0.0


def _split(total: int, parts: int) -> list[int]:
    """``total`` shared over ``parts`` as evenly as whole numbers allow."""
    return [total // parts + (n < total % parts) for n in range(parts)]


def _cut(
    *,
    station: Station,
    kits: int,
    starts: datetime,
    ends: datetime,
    minutes: int,
    slot_minutes: int,
    factor: float,
    unit_id: int | None = None,
    institution_id: int | None = None,
) -> list[Slot]:
    """One stretch of work (naive local times) cut into slots of ``slot_minutes``: its
    capacity (kits × working minutes ÷ capture minutes, raised by ``factor``) shared over
    them."""
    capacity = int(
        people_per_shift(kits=kits, minutes=minutes, capture_minutes=station.capture_minutes)
        * factor
    )
    begins = []
    at = starts
    while at < ends:
        begins.append(at)
        at += timedelta(minutes=slot_minutes)
    return [
        Slot(
            station=station,
            starts_at=timezone.make_aware(start),
            unit_id=unit_id,
            institution_id=institution_id,
            ends_at=timezone.make_aware(min(start + timedelta(minutes=slot_minutes), ends)),
            capacity=room,
        )
        for start, room in zip(begins, _split(capacity, len(begins)), strict=True)
        if room
    ]


def _save_new(station: Station, slots: list[Slot]) -> int:
    """Save the slots not there yet (same station and start); return how many were new."""
    before = Slot.objects.filter(station=station).count()
    Slot.objects.bulk_create(slots, batch_size=BATCH, ignore_conflicts=True)
    return Slot.objects.filter(station=station).count() - before


@transaction.atomic
def slots_generate(
    *, station: Station, first: date, last: date, slot_minutes: int = 60, no_show: float = 0.0
) -> int:
    """Slots for every shift the station works from ``first`` to ``last``: each shift cut into
    slots of ``slot_minutes``, the shift's capacity (kits × working minutes ÷ capture minutes,
    raised by the overbooking factor for ``no_show``) shared over them. Slots already there
    are kept as they are. Returns how many were made."""
    kits = kit_counts([station])[station.pk]
    factor = overbooking_factor(no_show)
    made = []
    for span in working_spans([station], first, last):
        made += _cut(
            station=station,
            kits=kits,
            starts=span.starts,
            ends=span.ends,
            minutes=span.minutes,
            slot_minutes=slot_minutes,
            factor=factor,
        )
    return _save_new(station, made)


@transaction.atomic
def slots_from_visits(
    *, station: Station, first: date, last: date, slot_minutes: int = 30, no_show: float = 0.0
) -> int:
    """Slots for a mobile team's or vehicle's visits from ``first`` to ``last``: each stop cut
    into slots held for the residents of the village it visits (an institution's stop, for
    its members), so that the assignment books each village into its own stop."""
    kits = kit_counts([station])[station.pk]
    factor = overbooking_factor(no_show)
    made = []
    for visit in Visit.objects.filter(station=station, day__gte=first, day__lte=last):
        starts = timezone.make_naive(visit.arrives_at)
        ends = timezone.make_naive(visit.leaves_at)
        made += _cut(
            station=station,
            kits=kits,
            starts=starts,
            ends=ends,
            slot_minutes=slot_minutes,
            minutes=int((ends - starts).total_seconds() // 60),
            factor=factor,
            unit_id=visit.unit_id,
            institution_id=visit.institution_id,
        )
    return _save_new(station, made)


def slots_make(
    *, station: Station, first: date, last: date, slot_minutes: int = 60, no_show: float = 0.0
) -> int:
    """A fixed station's slots come from its shift calendar; a mobile team's or vehicle's from
    its planned visits (``cancuoc routes``)."""
    make = slots_generate if station.kind == StationKind.FIXED else slots_from_visits
    return make(station=station, first=first, last=last, slot_minutes=slot_minutes, no_show=no_show)


@transaction.atomic
def appointments_assign(
    *,
    unit: AdministrativeUnit,
    first: date,
    last: date,
    on: date | None = None,
    after: datetime | None = None,
    by=None,
    weights: Weights | None = None,
) -> AssignmentRun:
    """Book everyone in ``unit``'s worklist on ``on`` (default today) who has no appointment
    yet into the free slots of the unit's stations from ``first`` to ``last`` starting after
    ``after`` (default now; see ``assignment``). The stations are locked while it runs, so
    two runs never fill the same places twice."""
    started = time.perf_counter()
    on = on or clock.today()
    # Lock first, then read the room left: what another run booked meanwhile is seen.
    stations = [s.pk for s in stations_in(unit)]
    list(Station.objects.select_for_update().filter(pk__in=stations).order_by("pk"))
    data = assignment_input(
        unit=unit,
        first=first,
        last=last,
        on=on,
        after=after or timezone.now(),
        weights=weights or Weights(),
    )
    solution = assign(data.problem)
    run = AssignmentRun.objects.create(
        unit=unit,
        by=by,
        first_day=first,
        last_day=last,
        persons=solution.persons,
        assigned=solution.assigned,
        unassigned=solution.unassigned,
        cost=solution.cost,
        lower_bound=solution.lower_bound,
    )
    rows = (
        (
            person,
            int(data.slot_ids[slot]),
            data.party_household[party],
            AppointmentState.BOOKED,
            appointment_code(),
            run.pk,
        )
        for party, slot in enumerate(solution.party_slot.tolist())
        if slot >= 0
        for person in data.party_persons[party]
    )
    copy_rows(Appointment, APPOINTMENT_COLUMNS, rows)
    run.seconds = time.perf_counter() - started
    run.save(update_fields=["seconds"])
    audit_record(
        user=by,
        action="assign",
        obj=run,
        detail={"unit": unit.code, "assigned": run.assigned, "unassigned": run.unassigned},
    )
    return run


@transaction.atomic
def appointments_mark_no_shows(*, station: Station, before: datetime) -> int:
    """Close the booked appointments at the station whose slot ended by ``before``: kept if
    the person has applied at the station since the slot began, else nobody came (không đến).
    Returns how many were missed."""
    came = Application.objects.filter(
        person=OuterRef("person_id"), station=station, started_at__gte=OuterRef("slot__starts_at")
    )
    past = Appointment.objects.filter(
        slot__station=station, slot__ends_at__lte=before, state=AppointmentState.BOOKED
    ).annotate(came=Exists(came))
    kept = list(past.filter(came=True).values_list("pk", flat=True))
    missed = list(past.filter(came=False).values_list("pk", flat=True))
    Appointment.objects.filter(pk__in=kept).update(state=AppointmentState.ATTENDED)
    return Appointment.objects.filter(pk__in=missed).update(state=AppointmentState.NO_SHOW)


@dataclass(frozen=True)
class Rebooking:
    rebooked: int
    no_room: int  # persons for whom no later slot had room
    no_longer_needed: int  # persons who got a card or applied since


@transaction.atomic
def appointments_rebook(
    *, station: Station, on: date | None = None, after: datetime | None = None
) -> Rebooking:
    """Give everyone who missed an appointment at the station a new one: the household's
    members who missed the same slot together, in the earliest slot within booking hours
    starting after ``after`` (default now) with room for all of them. Only people still in
    the worklist are rebooked."""
    on = on or clock.today()
    after = after or timezone.now()
    list(Station.objects.select_for_update().filter(pk=station.pk))
    missed = (
        Appointment.objects.filter(
            slot__station=station, state=AppointmentState.NO_SHOW, rebooked_as__isnull=True
        )
        .select_related("slot")
        .order_by("slot__starts_at", "household_id", "pk")
    )
    parties: dict[tuple, list[Appointment]] = defaultdict(list)
    for appointment in missed:
        key = (appointment.slot_id, appointment.household_id or f"p{appointment.person_id}")
        parties[key].append(appointment)
    missing = [a.person_id for group in parties.values() for a in group]
    still_needed = {
        pk
        for root in service_roots(station)
        for pk in worklist(unit=root, on=on).filter(pk__in=missing).values_list("pk", flat=True)
    }
    room = {
        pk: free
        for pk, free, starts_at, ends_at in Slot.objects.filter(
            station=station, starts_at__gt=after, institution__isnull=True
        )
        .with_room()
        .order_by("starts_at")
        .values_list("pk", "room", "starts_at", "ends_at")
        if in_booking_hours(starts_at, ends_at)
    }
    rebooked = no_room = not_needed = 0
    for group in parties.values():
        people = [a for a in group if a.person_id in still_needed]
        not_needed += len(group) - len(people)
        if not people:
            continue
        slot = next((pk for pk, free in room.items() if free >= len(people)), None)
        if slot is None:
            no_room += len(people)
            continue
        room[slot] -= len(people)
        Appointment.objects.bulk_create(
            Appointment(
                person_id=a.person_id,
                slot_id=slot,
                household_id=a.household_id,
                rebooked_from=a,
            )
            for a in people
        )
        rebooked += len(people)
    return Rebooking(rebooked=rebooked, no_room=no_room, no_longer_needed=not_needed)


def appointment_attended(*, person: Person, station: Station, at: datetime) -> None:
    """Intake saw the person at the station: their booking there that day is kept."""
    Appointment.objects.filter(
        person=person,
        slot__station=station,
        state=AppointmentState.BOOKED,
        slot__starts_at__date=timezone.localdate(at),
    ).update(state=AppointmentState.ATTENDED)
