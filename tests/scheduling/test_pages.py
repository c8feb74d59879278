"""The station page, the downloads of its schedule and slips, the public page a slip's QR
code opens, and a unit's plan page."""

from datetime import time, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Kit, Shift
from cancuoc.reports.views import PURPOSES
from cancuoc.scheduling.models import Appointment, AppointmentState

from .bookings import DAY, add_household, book, make_slot, make_station

QUERY = {"tu": DAY.isoformat(), "den": DAY.isoformat(), "muc_dich": PURPOSES[1]}


@pytest.fixture
def booked(area):
    station = make_station()
    Kit.objects.create(station=station, code="KIT-1")
    Shift.objects.create(station=station, name="Ca 1", starts=time(7), ends=time(11))
    slot = make_slot(station, capacity=4)
    people = add_household("H1", ["Nguyễn Thị Hoà", "Trần Văn Đức"], personal_id="")
    appointments = [book(p, slot) for p in people]
    return station, slot, appointments


@pytest.fixture
def officer(client, django_user_model, area):
    user = django_user_model.objects.create_user("cs-xa-mot", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    client.force_login(user)
    return client


def test_the_station_page_shows_each_day_booked_against_capacity(officer, booked):
    page = officer.get("/diem/CA-XM/", {"tu": DAY.isoformat()})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Ca 1: 07:00–11:00" in text
    row = text[text.index('id="days"') :]
    assert "07/06/2021" in row and ">2<" in row and "50%" in row  # 2 booked of 4


def test_the_schedule_downloads_with_a_purpose_and_is_audited(officer, booked):
    refused = officer.get("/diem/CA-XM/lich-hen.xlsx", QUERY | {"muc_dich": ""})
    assert refused.status_code == 403
    answer = officer.get("/diem/CA-XM/lich-hen.xlsx", QUERY)
    assert answer.status_code == 200
    cells = [
        str(c)
        for sheet in load_workbook(BytesIO(answer.content))
        for row in sheet.iter_rows(values_only=True)
        for c in row
    ]
    assert "Nguyễn Thị Hoà" in cells
    event = AuditEvent.objects.get(action="export")
    assert event.purpose == PURPOSES[1] and event.detail["document"] == "schedule"


def test_the_slips_of_a_day_download_as_a_pdf(officer, booked):
    _, _, appointments = booked
    answer = officer.get("/diem/CA-XM/phieu-hen.pdf", QUERY)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(answer.content)).pages)
    assert all(a.code in text for a in appointments)
    assert AuditEvent.objects.filter(action="export", detail__document="slips").exists()


def test_a_viewer_sees_the_figures_but_downloads_no_names(client, django_user_model, booked):
    user = django_user_model.objects.create_user("xem", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.VIEWER, unit=unit_by_code("16000"))
    client.force_login(user)
    assert client.get("/diem/CA-XM/", {"tu": DAY.isoformat()}).status_code == 200
    assert client.get("/diem/CA-XM/phieu-hen.pdf", QUERY).status_code == 403


def test_the_public_page_shows_when_and_where_and_nothing_about_the_person(client, booked):
    _, _, appointments = booked
    page = client.get(f"/hen/{appointments[0].code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Công an Xã Một" in text and "07:30" in text and "Đã hẹn" in text
    person = appointments[0].person
    for private in (person.full_name, "Trần Văn Đức", person.birth_date.strftime("%d/%m/%Y")):
        assert private not in text
    assert client.get("/hen/KHONGCOMA99/").status_code == 404


def test_a_rebooked_appointment_shows_its_new_time(client, booked):
    station, _, appointments = booked
    missed = appointments[0]
    missed.state = AppointmentState.NO_SHOW
    missed.save()
    later = make_slot(station, day=DAY + timedelta(days=1), hour=9, minute=0)
    Appointment.objects.create(person=missed.person, slot=later, rebooked_from=missed)
    text = client.get(f"/hen/{missed.code}/").content.decode()
    assert "đã được đổi" in text and "09:00" in text and "08/06/2021" in text


def test_the_plan_page_flags_a_unit_behind_and_says_what_to_add(client, django_user_model, area):
    from tests.planning.conftest import DAY_SHIFT, ON, captured_daily, station_at, target_of

    station_at("16000", kits=2, shifts=DAY_SHIFT)
    target_of("16000", 2000)  # 1,520 left in 20 days at 48 a day: behind
    captured_daily("16000", 48)
    user = django_user_model.objects.create_user("tinh", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.PROVINCE_COMMAND, unit=unit_by_code("38"))
    client.force_login(user)
    text = client.get("/don-vi/38/ke-hoach/", {"ngay": ON.isoformat()}).content.decode()
    row = text[text.index("Xã Một") :]
    assert "⚠" in row[: row.index("</tr>")]
    assert "hẹn 76 người/ngày" in row[: row.index("</tr>")]
    assert '<p id="behind"><b>1</b> trên 2' in text
