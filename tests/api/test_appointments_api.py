"""The API for appointments: a commune officer books the commune's worklist, reads a station's
slots and an appointment by the code on its slip."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cancuoc.accounts.models import Assignment, Role
from cancuoc.accounts.tokens import token_issue
from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Kit, Shift, Station, StationKind
from cancuoc.registry.services import register_load
from cancuoc.reports.models import EligibleSnapshot
from cancuoc.scheduling.models import Appointment, AssignmentRun
from cancuoc.scheduling.services import slots_generate
from tests.conftest import person_record
from tests.planning.conftest import ON, target_of

FIRST = timezone.localdate() + timedelta(days=1)


def client_for(django_user_model, role: Role, unit: str) -> Client:
    user = django_user_model.objects.create_user(f"{role}-{unit}", password="x" * 12)
    Assignment.objects.create(user=user, role=role, unit=unit_by_code(unit))
    return Client(headers={"Authorization": f"Bearer {token_issue(user=user, name='test')}"})


@pytest.fixture
def officer(area, django_user_model) -> Client:
    return client_for(django_user_model, Role.COMMUNE_OFFICER, "16000")


@pytest.fixture
def slots(station):
    Shift.objects.create(station=station, name="Ca sáng", starts=time(7), ends=time(11))
    slots_generate(station=station, first=FIRST, last=FIRST + timedelta(days=2))


def test_an_officer_books_the_worklist_and_reads_it_back(officer, slots, add_person):
    people = [add_person(full_name=f"Người {n}") for n in range(3)]
    answer = officer.post(
        "/api/v1/units/16000/appointments",
        {"first": FIRST.isoformat(), "last": (FIRST + timedelta(days=2)).isoformat()},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    run = answer.json()
    assert (run["persons"], run["assigned"], run["unassigned"]) == (3, 3, 0)
    assert AssignmentRun.objects.get().by.username.startswith("commune_officer")
    day = officer.get("/api/v1/stations/CA-XM/slots", {"day": FIRST.isoformat()}).json()
    assert sum(s["booked"] for s in day) == 3 and all(s["booked"] <= s["capacity"] for s in day)
    appointment = Appointment.objects.get(person=people[0])
    shown = officer.get(f"/api/v1/appointments/{appointment.code}").json()
    assert shown["person"] == people[0].pk and shown["state"] == "booked"
    assert shown["station"] == "CA-XM"


def test_a_period_running_backwards_or_too_long_is_refused(officer, slots):
    for first, last in [(FIRST, FIRST - timedelta(days=1)), (FIRST, FIRST + timedelta(days=200))]:
        answer = officer.post(
            "/api/v1/units/16000/appointments",
            {"first": first.isoformat(), "last": last.isoformat()},
            content_type="application/json",
        )
        assert answer.status_code == 409 and "ngắn hơn 120 ngày" in answer.json()["detail"]
    assert not AssignmentRun.objects.exists()


def test_a_viewer_and_another_commune_are_refused(area, slots, django_user_model):
    viewer = client_for(django_user_model, Role.VIEWER, "16000")
    body = {"first": FIRST.isoformat(), "last": FIRST.isoformat()}
    assert (
        viewer.post(
            "/api/v1/units/16000/appointments", body, content_type="application/json"
        ).status_code
        == 403
    )
    ward = client_for(django_user_model, Role.COMMUNE_OFFICER, "16001")
    assert (
        ward.post(
            "/api/v1/units/16000/appointments", body, content_type="application/json"
        ).status_code
        == 403
    )
    assert ward.get("/api/v1/stations/CA-XM/slots").status_code == 404


def test_slots_are_made_over_the_api_and_the_plan_read(officer, station):
    Shift.objects.create(station=station, name="Ca sáng", starts=time(7), ends=time(9))
    body = {"first": FIRST.isoformat(), "last": FIRST.isoformat(), "no_show": 0.2}
    made = officer.post("/api/v1/stations/CA-XM/slots", body, content_type="application/json")
    assert made.status_code == 201 and made.json() == {
        "station": "CA-XM",
        "made": 2,
        "no_show": 0.2,
    }
    slots = officer.get("/api/v1/stations/CA-XM/slots", {"day": FIRST.isoformat()}).json()
    # two kits, 60 minutes ÷ 10 = 12 a slot, ×1/(1−0.2) = 15
    assert [s["capacity"] for s in slots] == [15, 15]
    plan = officer.get("/api/v1/units/16000/plan").json()
    assert plan["code"] == "16000" and plan["units"][0]["code"] == "16000001"


def test_a_target_is_split_and_a_vehicle_routed_over_the_api(officer, area):
    target_of("16000", 300)
    for code, eligible in [("16000001", 2), ("16000002", 1)]:
        EligibleSnapshot.objects.create(unit=unit_by_code(code), as_of=ON, eligible=eligible)
    parts = officer.post("/api/v1/units/16000/targets/split").json()
    assert {p["unit"]: p["count"] for p in parts} == {"16000001": 200, "16000002": 100}
    assert officer.post("/api/v1/units/16001/targets/split").status_code == 403

    province = unit_by_code("38")
    province.latitude, province.longitude = 19.8, 105.78
    province.save()
    van = Station.objects.create(
        code="XE-1", name="Xe lưu động", kind=StationKind.VEHICLE, unit=unit_by_code("16000")
    )
    Kit.objects.create(station=van, code="XE-1-K")
    Shift.objects.create(station=van, name="Ngày", starts=time(7), ends=time(17))
    records = [person_record(full_name=f"Người {n}", permanent_unit="16000002") for n in range(3)]
    register_load(records=records, source="test")
    body = {"first": FIRST.isoformat(), "days": 1}
    visits = officer.post("/api/v1/stations/XE-1/visits", body, content_type="application/json")
    assert visits.status_code == 201, visits.content
    [stop] = visits.json()
    assert (stop["unit"], stop["expected"]) == ("16000002", 3)
    Station.objects.create(
        code="CA-XM", name="Công an Xã Một", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    fixed = officer.post("/api/v1/stations/CA-XM/visits", body, content_type="application/json")
    assert fixed.status_code == 409 and "điểm cố định" in fixed.json()["detail"]
