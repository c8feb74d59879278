"""checkin_search: a slip, an ID or its last digits, a name typed any way; the station's area
first; counted and paged; where each person lives; what to warn of."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cancuoc.accounts.scope import Scope
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.selectors import PER_PAGE, checkin_query_parse, checkin_search
from cancuoc.registry.choices import CardKind
from cancuoc.registry.models import Card, Person
from cancuoc.registry.services import register_load
from cancuoc.scheduling.models import Appointment, Slot
from tests.conftest import person_record

from .conftest import at, search

DAY = date(2021, 4, 1)
EVERYWHERE = Scope(national=True, sees_persons=True)


def results(query: str, *, station=None, scope: Scope = EVERYWHERE, page=None, on=DAY):
    return checkin_search(scope=scope, query=query, station=station, page=page, on=on)


def found(query: str, **options) -> list[str]:
    return [row.name for row in results(query, **options).rows]


def many(count: int, **fields) -> None:
    register_load(records=[person_record(**fields) for _ in range(count)], source="test")


@pytest.fixture
def booked(add_person, station):
    person = add_person(full_name="Phạm Thị Hẹn")
    slot = Slot.objects.create(
        station=station, starts_at=at(DAY, 8), ends_at=at(DAY, 9), capacity=4
    )
    return Appointment.objects.create(person=person, slot=slot)


def test_a_slip_is_found_by_its_code_typed_any_way(booked):
    code = booked.code
    for typed in (code, code.lower(), f" {code[:4]}-{code[4:8]} {code[8:]} "):
        assert found(typed) == ["Phạm Thị Hẹn"], typed


def test_a_slip_is_found_by_the_address_its_qr_code_holds_on_any_host(booked):
    for typed in (
        f"http://127.0.0.1:8000/hen/{booked.code}/",
        f"https://cancuoc.thanhhoa.gov.vn/hen/{booked.code.lower()}/",
        f"HTTP://10.0.0.5/HEN/{booked.code}",
    ):
        assert found(typed) == ["Phạm Thị Hẹn"], typed
    assert found("http://127.0.0.1:8000/hen/ZZZZZZZZZZ/") == []
    # scanned after an earlier scan left in the field
    earlier = "http://127.0.0.1:8000/hen/ZZZZZZZZZZ/"
    assert found(f"{earlier}http://127.0.0.1:8000/hen/{booked.code}/") == ["Phạm Thị Hẹn"]


def test_a_code_that_reads_like_a_name_still_finds_the_name(add_person):
    add_person(full_name="Trần Văn Tâm")  # TRANVANTAM has the form of a slip's code
    assert checkin_query_parse("Tran Van Tam").code == "TRANVANTAM"
    assert found("Tran Van Tam") == ["Trần Văn Tâm"]


def test_an_id_number_is_found_in_full_or_by_its_last_digits(add_person):
    add_person(full_name="Lê Văn Một", personal_id="038080001234")
    add_person(full_name="Lê Văn Hai", personal_id="038080005678")
    assert found("038080001234") == ["Lê Văn Một"]
    assert found("038 080 001 234") == ["Lê Văn Một"]
    assert found("1234") == ["Lê Văn Một"]
    assert found("••••••••5678") == ["Lê Văn Hai"]  # as the worklist shows it, copied
    assert found("38080001234") == ["Lê Văn Một"]
    short = results("234")
    assert short.total == 0 and short.too_few_digits


def test_a_name_is_found_with_or_without_its_marks_in_any_order(add_person):
    add_person(full_name="Nguyễn Thị An")
    add_person(full_name="Nguyễn Thị Ân")
    add_person(full_name="Nguyễn Thị Anh")
    add_person(full_name="Đặng Văn Được")
    assert found("nguyen thi an") == ["Nguyễn Thị An", "Nguyễn Thị Ân"]
    assert found("An Nguyen Thi") == ["Nguyễn Thị An", "Nguyễn Thị Ân"]
    # marks typed: the name as written, whatever the tones' placement
    assert found("nguyễn thị an") == ["Nguyễn Thị An"]
    assert found("NGUYỄN Thị Ân") == ["Nguyễn Thị Ân"]
    assert found("dang van duoc") == ["Đặng Văn Được"]
    assert found("duoc") == ["Đặng Văn Được"]
    assert found("nguyen thi") == ["Nguyễn Thị An", "Nguyễn Thị Anh", "Nguyễn Thị Ân"]
    assert found("nguyen thi b") == []


def test_the_stations_area_comes_first_then_the_rest_of_the_scope(add_person, station):
    add_person(full_name="Nguyễn Văn An", permanent_unit="16001001")  # the other commune
    add_person(full_name="Nguyễn Văn An", permanent_unit="16000002")
    rows = results("nguyen van an", station=station).rows
    assert [(r.place, r.in_station_area) for r in rows] == [
        ("Thôn 2, Xã Một", True),
        ("Tổ dân phố 1, Phường Hai", False),
    ]
    station.service_area.set([unit_by_code("16001")])
    places = [r.place for r in results("nguyen van an", station=station).rows]
    assert places == ["Tổ dân phố 1, Phường Hai", "Thôn 2, Xã Một"]


def test_only_the_users_area_is_searched(add_person):
    add_person(full_name="Nguyễn Văn An", permanent_unit="16001001")
    add_person(full_name="Nguyễn Văn An", personal_id="038080001234")
    commune = Scope(paths=(unit_by_code("16000").path,), sees_persons=True)
    assert found("nguyen van an", scope=commune) == ["Nguyễn Văn An"]
    ward = Scope(paths=(unit_by_code("16001").path,), sees_persons=True)
    assert found("038080001234", scope=ward) == []


def test_results_are_counted_and_paged_instead_of_capped(area):
    many(PER_PAGE * 2 + 5, full_name="Hoàng Văn Nam")
    first = results("hoang van nam")
    assert (first.total, first.number, first.pages, first.first, first.last) == (45, 1, 3, 1, 20)
    assert len(first.rows) == PER_PAGE
    last = results("hoang van nam", page="3")
    assert (len(last.rows), last.first, last.last) == (5, 41, 45)
    seen = {r.pk for p in (1, 2, 3) for r in results("hoang van nam", page=p).rows}
    assert len(seen) == 45
    assert results("hoang van nam", page="99").number == 3


def test_a_child_and_a_holder_of_a_valid_chip_card_are_flagged(add_person):
    add_person(full_name="Lê Bé Con", birth_date=date(2017, 4, 2))
    holder = add_person(full_name="Lê Có Thẻ")
    Card.objects.create(
        person=holder, kind=CardKind.CCCD_CHIP, number="038080009999", issued_on=date(2021, 3, 1)
    )
    add_person(full_name="Lê Thường")
    rows = {r.name: r.cautions for r in results("le").rows}
    assert rows["Lê Bé Con"] == ["Chưa đủ 14 tuổi: chưa phải cấp thẻ."]
    assert rows["Lê Có Thẻ"] == ["Đã có thẻ còn giá trị."]
    assert rows["Lê Thường"] == []
    # fourteen on the day: no longer a child
    birthday = date(2031, 4, 2)
    for day, cautions in ((birthday - timedelta(days=1), 1), (birthday, 0)):
        [row] = results("be con", on=day).rows
        assert len(row.cautions) == cautions


def test_the_results_page_reads_in_a_fixed_number_of_queries(
    area, station, operator_in, client, django_assert_max_num_queries
):
    many(2, full_name="Vũ Văn Một", permanent_unit="16000001")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/thu-nhan/?diem=CA-XM")
        assert page.status_code == 200
        return len(captured)

    search(client, "vu van mot")
    few = queries()
    many(PER_PAGE + 10, full_name="Vũ Văn Một", permanent_unit="16000002")
    for person in Person.objects.filter(full_name="Vũ Văn Một")[:5]:
        Card.objects.create(
            person=person,
            kind=CardKind.CCCD_CHIP,
            number=f"0380800{person.pk:05d}",
            issued_on=date(2021, 3, 1),
        )
    assert queries() == few
    with django_assert_max_num_queries(15):
        page = client.get("/thu-nhan/?diem=CA-XM")
    assert (
        page.content.decode().count("Thôn 2, Xã Một")
        + page.content.decode().count("Thôn 1, Xã Một")
        == PER_PAGE
    )
