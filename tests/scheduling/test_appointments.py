"""Slots from shift calendars, the worklist booked into them, no-shows and their rebooking,
on the database."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import timezone

from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.services import intake_record
from cancuoc.planning.models import ClosedDay, Kit, Shift, Station, StationKind
from cancuoc.planning.selectors import serves, service_roots
from cancuoc.registry.models import Household, Person
from cancuoc.registry.services import register_load
from cancuoc.scheduling.models import (
    HOLDING_STATES,
    Appointment,
    AppointmentState,
    AssignmentRun,
    Slot,
    Visit,
)
from cancuoc.scheduling.services import (
    appointments_assign,
    appointments_mark_no_shows,
    appointments_rebook,
    overbooking_factor,
    slots_from_visits,
    slots_generate,
)
from cancuoc.scheduling.worklists import worklist
from tests.conftest import person_record

TODAY = timezone.localdate()
FIRST = TODAY + timedelta(days=1)
LAST = FIRST + timedelta(days=6)


@pytest.fixture
def station(area):
    """One kit taking 20 minutes a person, 07:00–09:00 every day: 3 people an hour."""
    station = Station.objects.create(
        code="CA-XM",
        name="Công an Xã Một",
        kind=StationKind.FIXED,
        unit=unit_by_code("16000"),
        capture_minutes=20,
    )
    Kit.objects.create(station=station, code="KIT-1")
    Shift.objects.create(station=station, name="Ca sáng", starts=time(7), ends=time(9))
    return station


@pytest.fixture
def people(area):
    """Households of three, two and one in the station's commune, a child, and someone in
    the other commune, which the station does not serve."""
    records = {}
    for household, village, size in [("H3", "16000001", 3), ("H2", "16000002", 2)]:
        for n in range(size):
            records[f"{household}-{n}"] = person_record(
                household_code=household,
                permanent_unit=village,
                full_name=f"Trần Văn {household} {n}",
                birth_date=date(1970 + n, 1, 1),
            )
    records["alone"] = person_record(full_name="Lê Thị Một", permanent_unit="16000001")
    records["child"] = person_record(birth_date=TODAY.replace(year=TODAY.year - 10))
    records["elsewhere"] = person_record(permanent_unit="16001001")
    register_load(records=list(records.values()), source="test")
    return {
        key: Person.objects.get(source="test", source_ref=record.ref)
        for key, record in records.items()
    }


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_user("thunhan", password="x" * 12)


def check_invariants(station: Station) -> None:
    over = (
        Slot.objects.annotate(
            held=Count("appointments", filter=Q(appointments__state__in=HOLDING_STATES))
        )
        .filter(held__gt=0)
        .values_list("capacity", "held")
    )
    assert all(held <= capacity for capacity, held in over), "a slot is over capacity"
    booked = Appointment.objects.filter(state=AppointmentState.BOOKED).select_related("slot")
    slots_of_household: dict[int, set[int]] = {}
    eligible = set(worklist(unit=unit_by_code("38"), on=TODAY).values_list("pk", flat=True))
    roots = service_roots(station)
    for appointment in booked:
        assert appointment.person_id in eligible
        home = appointment.person.homes.get().unit
        assert serves(roots, home), "booked at a station that does not serve their village"
        if appointment.household_id:
            slots_of_household.setdefault(appointment.household_id, set()).add(appointment.slot_id)
    assert all(len(slots) == 1 for slots in slots_of_household.values()), "a household split"


def test_slots_follow_the_calendar_and_skip_closed_days(station):
    ClosedDay.objects.create(day=FIRST + timedelta(days=2), name="Nghỉ lễ")
    made = slots_generate(station=station, first=FIRST, last=LAST)
    assert made == 6 * 2  # seven days less the holiday, two one-hour slots each
    assert set(Slot.objects.values_list("capacity", flat=True)) == {3}
    assert not Slot.objects.filter(starts_at__date=FIRST + timedelta(days=2)).exists()
    # Again: nothing new, nothing changed.
    assert slots_generate(station=station, first=FIRST, last=LAST) == 0


def test_overbooking_raises_capacity_by_the_no_show_rate(station):
    slots_generate(station=station, first=FIRST, last=FIRST, no_show=0.25)
    # 2 hours × 3 people = 6 a shift, ×1/(1−0.25) = 8, shared over the two slots
    assert sorted(Slot.objects.values_list("capacity", flat=True)) == [4, 4]
    assert overbooking_factor(0.9) == 1.5  # capped


def test_a_night_shift_runs_past_midnight(area):
    station = Station.objects.create(
        code="CA-DEM", name="Ca đêm", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    Kit.objects.create(station=station, code="KIT-D")
    Shift.objects.create(station=station, name="Ca 3", starts=time(22), ends=time(2))
    slots_generate(station=station, first=FIRST, last=FIRST)
    slots = list(Slot.objects.order_by("starts_at"))
    assert len(slots) == 4 and all(s.capacity == 6 for s in slots)
    assert timezone.localtime(slots[-1].ends_at).date() == FIRST + timedelta(days=1)


def test_the_worklist_is_booked_without_splitting_a_household_or_filling_a_slot_twice(
    station, people
):
    slots_generate(station=station, first=FIRST, last=LAST)
    run = appointments_assign(unit=unit_by_code("38"), first=FIRST, last=LAST, on=TODAY)
    check_invariants(station)
    booked = set(Appointment.objects.values_list("person_id", flat=True))
    assert booked == {p.pk for key, p in people.items() if key not in ("child", "elsewhere")}
    assert (run.persons, run.assigned, run.unassigned) == (7, 6, 1)  # "elsewhere" unserved
    assert run.cost >= run.lower_bound
    # The household of three fills the first slot; the two and the one share the next.
    first_slot = Slot.objects.order_by("starts_at").first()
    assert {a.person.household.code for a in first_slot.appointments.all()} == {"H3"}
    # A second run books nobody twice.
    again = appointments_assign(unit=unit_by_code("38"), first=FIRST, last=LAST, on=TODAY)
    assert (again.persons, again.assigned) == (1, 0)
    assert Appointment.objects.count() == 6
    assert AssignmentRun.objects.count() == 2


def test_the_plan_does_not_depend_on_the_order_people_were_registered(station):
    """The same people and slots give the same plan: the villages in their own order, not in
    the order the register (or the database's scan of it) returned their people."""
    slots_generate(station=station, first=FIRST, last=LAST)
    plans = []
    for villages in (["16000001", "16000002"], ["16000002", "16000001"]):
        records = [
            person_record(
                household_code=f"H{village[-1]}",
                permanent_unit=village,
                full_name=f"Trần Văn {village} {n}",
                birth_date=date(1970 + n, 1, 1),
            )
            for village in villages
            for n in range(3)
        ]
        register_load(records=records, source="test")
        appointments_assign(unit=unit_by_code("38"), first=FIRST, last=LAST, on=TODAY)
        plans.append(
            sorted(Appointment.objects.values_list("person__household__code", "slot__starts_at"))
        )
        Appointment.objects.all().delete()
        Person.objects.all().delete()
        Household.objects.all().delete()
    assert plans[0] == plans[1]
    assert len(plans[0]) == 6 and len({starts for _, starts in plans[0]}) == 2


def test_an_institution_session_takes_its_members_as_a_block(station, people):
    from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember

    school = Institution.objects.create(
        code="THPT-1",
        name="Trường THPT Một",
        kind=InstitutionKind.SCHOOL,
        unit=unit_by_code("16000"),
    )
    InstitutionMember.objects.create(institution=school, person=people["alone"])
    slots_generate(station=station, first=FIRST, last=LAST)
    session = Slot.objects.order_by("-starts_at").first()
    session.institution = school
    session.save()
    appointments_assign(unit=unit_by_code("38"), first=FIRST, last=LAST, on=TODAY)
    assert set(session.appointments.values_list("person_id", flat=True)) == {people["alone"].pk}
    check_invariants(station)


def test_no_shows_are_rebooked_together_and_attendance_is_kept(station, people, operator):
    slots_generate(station=station, first=FIRST, last=LAST)
    appointments_assign(unit=unit_by_code("38"), first=FIRST, last=LAST, on=TODAY)
    first_slot = Slot.objects.order_by("starts_at").first()
    # One of the household of three comes; the other two do not.
    came = people["H3-0"]
    intake_record(
        operator=operator,
        person=came,
        station=station,
        kit=station.kits.get(),
        started_at=first_slot.starts_at,
        ended_at=first_slot.starts_at + timedelta(minutes=20),
        accepted=True,
        idempotency_key="came-1",
    )
    assert came.appointments.get().state == AppointmentState.ATTENDED
    missed = appointments_mark_no_shows(station=station, before=first_slot.ends_at)
    assert missed == 2
    result = appointments_rebook(station=station, on=TODAY, after=first_slot.ends_at)
    assert (result.rebooked, result.no_room, result.no_longer_needed) == (2, 0, 0)
    new = Appointment.objects.filter(rebooked_from__isnull=False)
    assert {a.person_id for a in new} == {people["H3-1"].pk, people["H3-2"].pk}
    assert len({a.slot_id for a in new}) == 1  # together
    assert all(a.slot.starts_at >= first_slot.ends_at for a in new)
    check_invariants(station)
    # Rebooking again changes nothing.
    assert appointments_rebook(station=station, on=TODAY, after=first_slot.ends_at).rebooked == 0


def test_the_command_makes_slots_books_and_rebooks(station, people):
    out = StringIO()
    call_command(
        "appointments",
        "slots",
        "CA-XM",
        "--from",
        FIRST.isoformat(),
        "--to",
        LAST.isoformat(),
        stdout=out,
    )
    assert "14 khung giờ mới" in out.getvalue()
    call_command(
        "appointments",
        "assign",
        "38",
        "--from",
        FIRST.isoformat(),
        "--to",
        LAST.isoformat(),
        stdout=out,
    )
    assert "6 người đã hẹn" in out.getvalue() and "1 chưa xếp được" in out.getvalue()
    call_command("appointments", "rebook", "CA-XM", stdout=out)
    assert "0 không đến" in out.getvalue()  # every slot is still to come
    with pytest.raises(CommandError, match="no station"):
        call_command("appointments", "rebook", "NOPE")


def test_a_mobile_stop_books_its_village_and_the_station_the_rest(station, people):
    van = Station.objects.create(
        code="XE-1", name="Xe lưu động", kind=StationKind.VEHICLE, unit=unit_by_code("16000")
    )
    Kit.objects.create(station=van, code="XE-1-K")
    arrives = timezone.make_aware(datetime.combine(FIRST, time(8)))
    Visit.objects.create(
        station=van,
        day=FIRST,
        order=1,
        unit=unit_by_code("16000002"),
        arrives_at=arrives,
        leaves_at=arrives + timedelta(hours=1),
        expected=2,
    )
    # One kit, ten minutes a person, an hour's stop: six places in two slots of 30 minutes.
    assert slots_from_visits(station=van, first=FIRST, last=LAST) == 2
    assert list(Slot.objects.filter(station=van).values_list("capacity", flat=True)) == [3, 3]
    slots_generate(station=station, first=FIRST, last=LAST)
    appointments_assign(unit=unit_by_code("38"), first=FIRST, last=LAST, on=TODAY)
    check_invariants(station)
    at_the_stop = Appointment.objects.filter(slot__station=van)
    assert {a.person_id for a in at_the_stop} == {people["H2-0"].pk, people["H2-1"].pk}
    assert {a.slot.unit.code for a in at_the_stop} == {"16000002"}
    assert Appointment.objects.filter(slot__station=station).count() == 4  # H3 and "alone"
