"""Nobody is called in at night: a station's night shift (the demo's 22:00–02:00) takes
walk-ins and institutions' sessions, never a booked resident, least of all a hard case."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Kit, Shift, Station, StationKind
from cancuoc.registry.models import Person
from cancuoc.registry.services import register_load
from cancuoc.scheduling.models import Appointment, AppointmentState, Slot, in_booking_hours
from cancuoc.scheduling.services import appointments_assign, appointments_rebook, slots_generate
from tests.conftest import person_record

TODAY = timezone.localdate()
FIRST = TODAY + timedelta(days=1)
DEMO_SHIFTS = [
    ("Ca 1", time(6), time(14)),
    ("Ca 2", time(14), time(22)),
    ("Ca 3", time(22), time(2)),
]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def station_with(shifts: list[tuple[str, time, time]]) -> Station:
    station = Station.objects.create(
        code="CA-XM", name="Công an Xã Một", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    Kit.objects.create(station=station, code="KIT-1")
    for name, starts, ends in shifts:
        Shift.objects.create(station=station, name=name, starts=starts, ends=ends)
    return station


def residents(count: int, **fields) -> list[Person]:
    records = [
        person_record(full_name=f"Lê Văn {n}", household_code=f"H{n}", **fields)
        for n in range(count)
    ]
    register_load(records=records, source="test")
    return list(Person.objects.filter(source="test"))


def test_booking_hours_run_from_six_to_ten_in_the_evening():
    day = date(2021, 6, 7)
    assert in_booking_hours(at(day, 6), at(day, 7))
    assert in_booking_hours(at(day, 21), at(day, 22))
    assert not in_booking_hours(at(day, 5, 30), at(day, 6, 30))
    assert not in_booking_hours(at(day, 21, 30), at(day, 22, 30))
    assert not in_booking_hours(at(day, 23), at(day + timedelta(days=1), 0))
    assert not in_booking_hours(at(day, 0), at(day, 1))


def test_a_hard_case_without_a_phone_is_booked_in_the_day_not_at_night(area):
    """The demo's three shifts: the night's slots come first in the day's order after
    midnight, yet the elderly resident with no phone is called in by day."""
    station = station_with(DEMO_SHIFTS)
    [person] = residents(1, phone="", birth_date=date(1935, 1, 1))
    slots_generate(station=station, first=FIRST, last=FIRST + timedelta(days=1))
    # Fill the first day's day shifts: only the night is left on that day.
    for slot in Slot.objects.filter(starts_at__date=FIRST, starts_at__gte=at(FIRST, 6)):
        slot.capacity = 0
        slot.save()
    appointments_assign(
        unit=unit_by_code("38"),
        first=FIRST,
        last=FIRST + timedelta(days=1),
        on=TODAY,
        after=at(FIRST, 0),
    )
    slot = Appointment.objects.get(person=person).slot
    assert in_booking_hours(slot.starts_at, slot.ends_at)
    assert timezone.localtime(slot.starts_at).date() == FIRST + timedelta(days=1)


def test_a_station_working_only_at_night_books_nobody(area):
    station = station_with([("Ca 3", time(22), time(2))])
    residents(3)
    slots_generate(station=station, first=FIRST, last=FIRST + timedelta(days=6))
    run = appointments_assign(
        unit=unit_by_code("38"), first=FIRST, last=FIRST + timedelta(days=6), on=TODAY
    )
    assert (run.persons, run.assigned, run.unassigned) == (3, 0, 3)
    assert not Appointment.objects.exists()


def test_an_institution_may_hold_a_night_session_for_its_members(area):
    station = station_with([("Ca 3", time(22), time(2))])
    [worker] = residents(1)
    factory = Institution.objects.create(
        code="NM-1", name="Nhà máy Một", kind=InstitutionKind.OTHER, unit=unit_by_code("16000")
    )
    InstitutionMember.objects.create(institution=factory, person=worker)
    slots_generate(station=station, first=FIRST, last=FIRST)
    session = Slot.objects.order_by("starts_at").first()
    session.institution = factory
    session.save()
    appointments_assign(unit=unit_by_code("38"), first=FIRST, last=FIRST, on=TODAY)
    assert Appointment.objects.get().slot == session


def test_a_missed_appointment_is_not_rebooked_into_the_night(area):
    station = station_with(DEMO_SHIFTS)
    [person] = residents(1)
    slots_generate(station=station, first=FIRST, last=FIRST + timedelta(days=1))
    evening = Slot.objects.get(starts_at=at(FIRST, 21))
    Appointment.objects.create(
        person=person, slot=evening, household=person.household, state=AppointmentState.NO_SHOW
    )
    result = appointments_rebook(station=station, on=TODAY, after=evening.ends_at)
    assert result.rebooked == 1
    again = Appointment.objects.get(rebooked_from__isnull=False)
    assert again.slot.starts_at == at(FIRST + timedelta(days=1), 6)
