"""The station page, the downloads of its schedule and slips, the public page a slip's QR
code opens, and a unit's plan page."""

from datetime import time, timedelta
from io import BytesIO

import lxml.html
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Kit, Shift
from cancuoc.scheduling.models import Appointment, AppointmentState, Visit

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
    assert "Thứ 2 07/06/2021" in row and ">2<" in row and "50%" in row  # 2 booked of 4
    officer.cookies["django_language"] = "en"
    text = officer.get("/diem/CA-XM/", {"tu": DAY.isoformat()}).content.decode()
    row = text[text.index('id="days"') :]
    assert "Mon 7 Jun 2021" in row and "<th>Day</th>" in row and "Booked share" in row
    assert "Shifts" in text and "Ca 1: 07:00–11:00" in text


def test_the_slips_of_a_day_are_the_first_thing_on_the_station_page(officer, booked):
    page = lxml.html.fromstring(officer.get("/diem/CA-XM/", {"tu": DAY.isoformat()}).content)
    [slips] = page.xpath("//form[@id='slips']")
    [days] = page.xpath("//table[@id='days']")
    assert slips.getparent().index(slips) < days.getparent().index(days)
    assert (slips.get("method"), slips.get("action")) == ("post", "/diem/CA-XM/phieu-hen/")
    assert slips.xpath(".//input[@type='date'][@name='tu']/@value") == [DAY.isoformat()]
    assert slips.xpath(".//select[@name='muc_dich']/option/@value") == PURPOSES
    assert slips.xpath(".//button[@type='submit']/@class") == ["primary"]
    [schedule] = page.xpath("//form[@id='schedule']")
    week = {i.get("name"): i.get("value") for i in schedule.xpath(".//input[@type='hidden']")}
    assert week == {"tu": DAY.isoformat(), "den": (DAY + timedelta(days=6)).isoformat()}
    assert "cards" in days.get("class").split()


def test_the_station_page_takes_a_fixed_number_of_queries(
    officer, booked, django_assert_max_num_queries
):
    """A week of three shifts a day, a mobile stop a day and several shifts: as few queries as
    one slot."""
    station, _, _ = booked
    for day in range(7):
        for hour in (6, 14, 18):
            slot = make_slot(station, day=DAY + timedelta(days=day), hour=hour, capacity=8)
            if hour == 14:
                book(add_household(f"H{day}", [f"Lê Văn {day}"], personal_id="")[0], slot)
        Visit.objects.create(
            station=station,
            day=DAY + timedelta(days=day),
            order=1,
            unit=unit_by_code("16000002"),
            arrives_at=slot.starts_at,
            leaves_at=slot.ends_at,
            expected=5,
        )
    Shift.objects.create(station=station, name="Ca 2", starts=time(14), ends=time(22))
    Shift.objects.create(
        station=station, name="Ca 3", starts=time(22), ends=time(2), weekdays="12345"
    )
    with django_assert_max_num_queries(9):
        page = officer.get("/diem/CA-XM/", {"tu": DAY.isoformat()})
    document = lxml.html.fromstring(page.content)
    assert len(document.xpath("//table[@id='days']/tbody/tr")) == 7
    assert len(document.xpath("//table[@id='visits']/tbody/tr")) == 7
    assert "Ca 3: 22:00–02:00 (Thứ 2, Thứ 3, Thứ 4, Thứ 5, Thứ 6)" in page.content.decode()


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


def test_a_code_that_is_not_there_says_so_and_where_to_look_it_up(client, booked):
    page = client.get("/hen/KHONGCOMA99/")
    text = page.content.decode()
    assert page.status_code == 404
    assert "Không tìm thấy lịch hẹn" in text and "KHONGCOMA99" in text
    assert 'href="/tra-cuu/"' in text and "kiểm tra lại mã in" in text.lower()
    client.cookies["django_language"] = "en"
    page = client.get("/hen/KHONGCOMA99/")
    text = page.content.decode()
    assert page.status_code == 404 and 'lang="en"' in text
    assert "Appointment not found" in text and "Không tìm thấy" not in text


def test_the_public_page_reads_in_english_when_chosen(client, booked):
    _, _, appointments = booked
    client.cookies["django_language"] = "en"
    text = client.get(f"/hen/{appointments[0].code}/").content.decode()
    assert "ID card appointment" in text and "Monday, 7 June 2021" in text
    assert '<dd id="state">Booked</dd>' in text and "This appointment slip" in text


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
