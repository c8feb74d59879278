"""Who a campaign writes to."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.outreach.models import Message
from cancuoc.outreach.segments import Segment, segment_persons
from cancuoc.outreach.services import campaign_create, campaign_queue
from cancuoc.registry.choices import CardKind
from cancuoc.scheduling.models import AppointmentState
from tests.scheduling.bookings import DAY, book, make_slot, make_station

from .conftest import SCHEDULED

ON = date(2021, 5, 3)


def names(segment: Segment, **options) -> set[str]:
    return set(segment_persons(segment, on=ON, **options).values_list("full_name", flat=True))


def test_residents_of_a_unit_with_a_phone(villagers):
    assert names(Segment(unit="16000001")) == {"Nguyễn Văn An", "Lê Thị Bình", "Phạm Văn Cường"}
    assert names(Segment(unit="38")) == {
        "Nguyễn Văn An",
        "Lê Thị Bình",
        "Phạm Văn Cường",
        "Hoàng Văn Em",
    }


def test_an_age_band_counts_whole_years_on_the_day(add_person):
    add_person(full_name="Vũ Thị Mười Bốn", birth_date=date(2007, 5, 3))  # 14 that day
    add_person(full_name="Vũ Văn Mười Ba", birth_date=date(2007, 5, 4))
    add_person(full_name="Vũ Văn Mười Bảy", birth_date=date(2003, 5, 4))  # 17 until the 4th
    add_person(full_name="Vũ Thị Mười Tám", birth_date=date(2003, 5, 3))

    assert names(Segment(age_from=14, age_to=17)) == {"Vũ Thị Mười Bốn", "Vũ Văn Mười Bảy"}


def test_not_yet_captured_is_the_worklist(villagers, add_person):
    add_person(
        full_name="Trần Văn Có Chip",
        phone="0917000999",
        card_kind=CardKind.CCCD_CHIP,
        card_issued_on=date(2021, 4, 1),
    )
    assert names(Segment(unit="16000", not_captured=True)) == {
        "Nguyễn Văn An",
        "Lê Thị Bình",
        "Phạm Văn Cường",
    }


def test_no_shows_not_rebooked_and_with_nothing_booked_since(villagers):
    station = make_station()
    missed, later = make_slot(station), make_slot(station, day=DAY + timedelta(days=1))
    book(villagers["an"], missed, state=AppointmentState.NO_SHOW)
    again = book(villagers["binh"], later)
    again.rebooked_from = book(villagers["binh"], missed, state=AppointmentState.NO_SHOW)
    again.save()
    book(villagers["cuong"], missed, state=AppointmentState.NO_SHOW)
    book(villagers["cuong"], later)  # booked again by the assignment

    assert names(Segment(no_show=True)) == {"Nguyễn Văn An"}


def test_members_of_an_institution_and_its_worklist(villagers):
    school = Institution.objects.create(
        code="THPT-1",
        name="Trường THPT số 1",
        kind=InstitutionKind.SCHOOL,
        unit=unit_by_code("16000"),
    )
    InstitutionMember.objects.create(institution=school, person=villagers["an"])
    InstitutionMember.objects.create(institution=school, person=villagers["ward"])
    InstitutionMember.objects.create(
        institution=school, person=villagers["cuong"], until=date(2021, 1, 1)
    )

    assert names(Segment(institution="THPT-1")) == {"Nguyễn Văn An", "Hoàng Văn Em"}
    assert names(Segment(institution="THPT-1", unit="16001")) == {"Hoàng Văn Em"}
    assert names(Segment(institution="THPT-1", not_captured=True)) == {
        "Nguyễn Văn An",
        "Hoàng Văn Em",
    }


def test_a_segment_is_stored_as_json_and_checked_when_read():
    segment = Segment(unit="16000", age_from=14, not_captured=True)
    assert segment.to_json() == {"unit": "16000", "age_from": 14, "not_captured": True}
    assert Segment.from_json(segment.to_json()) == segment
    with pytest.raises(ValueError, match="Điều kiện không có: tinh"):
        Segment.from_json({"tinh": "38"})
    with pytest.raises(ValueError, match="not_captured cần unit hoặc institution"):
        Segment.from_json({"not_captured": True})
    with pytest.raises(ValueError, match="age_from: '14' không đúng kiểu, cần int"):
        Segment.from_json({"age_from": "14"})
    with pytest.raises(ValueError, match="đối tượng JSON"):
        Segment.from_json(["16000"])
    with translation.override("en"), pytest.raises(ValueError, match="Unknown conditions: tinh"):
        Segment.from_json({"tinh": "38"})


def test_a_unit_or_institution_that_is_not_there_is_named(area):
    with pytest.raises(LookupError, match="Không có đơn vị hành chính mã 99"):
        names(Segment(unit="99"))
    with pytest.raises(LookupError, match="Không có cơ quan, tổ chức mã TH-9"):
        names(Segment(institution="TH-9"))


def test_a_campaign_reaches_only_the_area_of_the_officer_who_made_it(
    villagers, template, django_user_model
):
    officer = django_user_model.objects.create_user("ca-phuong-hai", password="x" * 12)
    Assignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16001"))
    campaign = campaign_create(
        name="Toàn tỉnh",
        template=template,
        segment=Segment(unit="38"),
        scheduled_at=SCHEDULED,
        by=officer,
    )

    assert campaign_queue(campaign=campaign, on=ON).queued == 1
    assert Message.objects.get().person == villagers["ward"]
