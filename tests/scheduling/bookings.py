"""Stations, slots and appointments made directly, for the tests of the printed and sent
appointment documents."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Station, StationKind
from cancuoc.registry.models import Person
from cancuoc.registry.services import register_load
from cancuoc.scheduling.models import Appointment, AppointmentState, Slot
from tests.conftest import person_record

DAY = date(2021, 6, 7)  # a Monday


def make_station(
    *, code: str = "CA-XM", name: str = "Công an Xã Một", kind: str = StationKind.FIXED
) -> Station:
    return Station.objects.create(code=code, name=name, kind=kind, unit=unit_by_code("16000"))


def make_slot(
    station: Station, *, day: date = DAY, hour: int = 7, minute: int = 30, capacity: int = 6
) -> Slot:
    starts = timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))
    return Slot.objects.create(
        station=station, starts_at=starts, ends_at=starts + timedelta(minutes=30), capacity=capacity
    )


def book(person: Person, slot: Slot, *, state: str = AppointmentState.BOOKED) -> Appointment:
    return Appointment.objects.create(
        person=person, slot=slot, household=person.household, state=state
    )


def add_household(code: str, names: list[str], **fields) -> list[Person]:
    """A household of people living together, loaded as the register loads one; ``fields``
    apply to every member (``permanent_unit``, ``permanent_address``, …)."""
    records = [person_record(full_name=name, household_code=code, **fields) for name in names]
    register_load(records=records, source="test")
    return [Person.objects.get(source="test", source_ref=record.ref) for record in records]
