"""The citizens' pages: a commune's schedule (page, iCal, fanpage post and image) and the
lookup of one's own appointment and card, which shows nothing else and is throttled."""

from datetime import date, datetime, time, timedelta
from io import BytesIO

import lxml.html
import pytest
from django.utils import timezone
from icalendar import Calendar
from PIL import Image

from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Kit, Shift, Station, StationKind
from cancuoc.scheduling.models import Lookup, Visit
from cancuoc.scheduling.public import FAILURES_PER_ID, LOOKUPS_PER_ADDRESS

from .bookings import DAY, add_household, book, make_slot, make_station

PERSON_ID = "038080001234"  # male, born in the 20th century (1980)


@pytest.fixture
def schedule(area, settings):
    settings.CANCUOC_AS_OF = DAY.isoformat()
    station = make_station()
    Kit.objects.create(station=station, code="KIT-1")
    Shift.objects.create(station=station, name="Ca 1", starts=time(7), ends=time(11))
    van = Station.objects.create(
        code="XE-1", name="Xe lưu động", kind=StationKind.VEHICLE, unit=unit_by_code("16000")
    )
    arrives = datetime.combine(DAY + timedelta(days=1), time(13, 30))
    Visit.objects.create(
        station=van,
        day=DAY + timedelta(days=1),
        order=1,
        unit=unit_by_code("16000002"),
        arrives_at=timezone.make_aware(arrives),
        leaves_at=timezone.make_aware(arrives + timedelta(hours=2)),
        expected=20,
    )
    [person] = add_household(
        "H1",
        ["Nguyễn Thị Hoà"],
        personal_id=PERSON_ID,
        birth_date=date(1980, 5, 10),
        sex="M",
        phone="0912345678",
        permanent_address="Số 12, Thôn 1",
    )
    appointment = book(person, make_slot(station))
    return station, person, appointment


def test_the_schedule_shows_when_and_where_and_no_one(client, schedule):
    _, person, _ = schedule
    text = client.get("/lich/16000/").content.decode()
    assert "07:00–11:00" in text and "Công an Xã Một" in text
    assert "13:30–15:30" in text and "Thôn 2" in text and "Lưu động" in text
    for private in (person.full_name, PERSON_ID, "0912345678", "Số 12"):
        assert private not in text
    assert "📢 THÔNG BÁO LỊCH CẤP THẺ CĂN CƯỚC — XÃ MỘT" in text


def test_the_ical_feed_holds_every_opening(client, schedule):
    answer = client.get("/lich/16000/lich.ics")
    assert answer["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    assert len(events) == 14 + 1  # a shift a day for two weeks, and the vehicle's stop
    stop = next(e for e in events if "Thôn 2" in str(e["location"]))
    assert stop.decoded("dtend") - stop.decoded("dtstart") == timedelta(hours=2)


def test_the_fanpage_image_is_a_png(client, schedule):
    answer = client.get("/lich/16000/bai-dang.png")
    image = Image.open(BytesIO(answer.content))
    assert image.format == "PNG" and image.width == image.height > 500


def look_up(client, personal_id: str = PERSON_ID, born: str = "10/05/1980", ip="10.1.1.1"):
    return client.post(
        "/tra-cuu/", {"so_dinh_danh": personal_id, "ngay_sinh": born}, REMOTE_ADDR=ip
    )


def test_a_lookup_shows_the_appointment_and_nothing_else(client, schedule):
    _, person, appointment = schedule
    answer = look_up(client)
    text = answer.content.decode()
    assert answer.status_code == 200
    assert appointment.code in text and "07:30" in text and "Công an Xã Một" in text
    for private in (person.full_name, "0912345678", "Số 12", "Thôn 1"):
        assert private not in text
    assert "Không tìm thấy" in look_up(client, born="11/05/1980").content.decode()
    # The log of lookups keeps no ID number.
    assert Lookup.objects.count() == 2
    assert not Lookup.objects.filter(id_digest__contains=PERSON_ID).exists()


def test_guessing_a_date_of_birth_is_stopped(client, schedule):
    for day in range(1, FAILURES_PER_ID + 1):
        assert look_up(client, born=f"{day:02}/01/1980", ip=f"10.2.0.{day}").status_code == 200
    blocked = look_up(client, ip="10.2.0.99")  # the right date, from yet another address
    assert blocked.status_code == 429 and "Quá nhiều lần" in blocked.content.decode()
    assert "07:30" not in blocked.content.decode()


def test_one_address_may_not_look_up_without_end(client, schedule):
    for n in range(LOOKUPS_PER_ADDRESS):
        look_up(client, personal_id=f"0380800{n:05}", ip="10.3.3.3")
    assert look_up(client, ip="10.3.3.3").status_code == 429
    assert look_up(client, ip="10.3.3.4").status_code == 200


def test_the_schedule_fits_a_phone_and_reads_in_english_while_the_post_stays_vietnamese(
    client, schedule
):
    client.cookies["django_language"] = "en"
    page = lxml.html.fromstring(client.get("/lich/16000/").content)
    [table] = page.xpath("//table[@id='openings']")
    assert "cards" in table.get("class").split()
    assert table.xpath(".//th/text()") == ["Day", "Time", "Where", "Who should come"]
    assert "Residents of Xã Một aged 14 and over without an ID card" in table.text_content()
    [post] = page.xpath("//textarea[@id='post']")
    assert post.get("cols") is None and post.get("lang") == "vi"
    assert post.text.startswith("📢 THÔNG BÁO LỊCH CẤP THẺ CĂN CƯỚC — XÃ MỘT")
    assert "Mang theo: Phiếu hẹn này;" in post.text
    assert page.xpath("//label[@for='post']")
    events = Calendar.from_ical(client.get("/lich/16000/lich.ics").content).walk("VEVENT")
    assert str(events[0]["summary"]).startswith("Cấp căn cước: ")


def test_the_lookup_reads_in_english_with_its_mistakes_explained(client, schedule):
    client.cookies["django_language"] = "en"
    page = client.get("/tra-cuu/").content.decode()
    assert "Personal ID number (12 digits)" in page and "Date of birth" in page
    assert ">Look up</button>" in page
    wrong = look_up(client, personal_id="12345", born="").content.decode()
    assert "Enter all 12 digits." in wrong and "Enter your date of birth." in wrong
    assert (
        "Not found: check the ID number and the date of birth."
        in look_up(client, born="11/05/1980").content.decode()
    )
    found = look_up(client).content.decode()
    assert "Monday, 7 June 2021, 07:30–08:00" in found
