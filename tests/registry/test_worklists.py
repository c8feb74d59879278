from datetime import date

from django.test import override_settings

from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.choices import DatePrecision, Presence
from cancuoc.registry.difficulty import hard_case
from cancuoc.scheduling.worklists import (
    absent_residents,
    institution_worklist,
    worklist,
    worklist_rows,
)

ON = date(2021, 4, 1)


def test_cases_are_classified_easy_or_hard_with_their_reasons(add_person):
    add_person(full_name="Lê Văn Dễ", personal_id="038080001234")
    add_person(full_name="Lê Văn Già", birth_date=date(1940, 1, 1), personal_id="038040001234")
    add_person(
        full_name="Lê Văn Vắng",
        presence=Presence.ABSENT,
        whereabouts="Bình Dương",
        personal_id="038080001235",
    )
    add_person(full_name="Lê Văn Xa", permanent_unit="16000002", personal_id="038080001236")
    add_person(full_name="Lê Văn Thiếu", birth_date_precision=DatePrecision.YEAR, phone="")
    rows = {
        r["full_name"]: r for r in worklist_rows(worklist(unit=unit_by_code("38"), on=ON), on=ON)
    }
    assert rows["Lê Văn Dễ"]["difficulty"] == "Dễ" and rows["Lê Văn Dễ"]["reasons"] == ""
    assert rows["Lê Văn Già"]["reasons"] == "cao tuổi"
    assert rows["Lê Văn Vắng"]["reasons"] == "vắng mặt"
    assert rows["Lê Văn Xa"]["reasons"] == "vùng sâu, vùng xa"
    assert rows["Lê Văn Thiếu"]["reasons"] == "không có số điện thoại, thiếu thông tin"
    assert {r["difficulty"] for n, r in rows.items() if n != "Lê Văn Dễ"} == {"Khó"}


@override_settings(CANCUOC_HARD_CASE_RULES=["absent"], CANCUOC_ELDERLY_AGE=70)
def test_the_rules_in_force_are_configurable(add_person):
    add_person(birth_date=date(1940, 1, 1))
    [row] = worklist_rows(worklist(unit=unit_by_code("38"), on=ON), on=ON)
    assert row["difficulty"] == "Dễ"
    assert worklist(unit=unit_by_code("38"), on=ON).filter(hard_case()).count() == 0


def test_an_institution_worklist_holds_its_members_who_need_a_card(add_person):
    member = add_person(full_name="Trần Thị Học", birth_date=date(2005, 1, 1))
    add_person(full_name="Trần Văn Khác")
    school = Institution.objects.create(
        code="S1", name="Trường THPT Một", kind=InstitutionKind.SCHOOL, unit=unit_by_code("16000")
    )
    InstitutionMember.objects.create(institution=school, person=member)
    assert list(institution_worklist(institution=school, on=ON)) == [member]


def test_absent_residents_are_listed_with_their_whereabouts(add_person):
    absent = add_person(presence=Presence.ABSENT, whereabouts="Hàn Quốc")
    add_person()
    [row] = absent_residents(unit=unit_by_code("16000"), on=ON)
    assert row == absent and row.whereabouts == "Hàn Quốc"


def test_the_worklist_file_is_ordered_by_village_then_given_name(add_person):
    add_person(full_name="Nguyễn Văn Bình", permanent_unit="16000002")
    add_person(full_name="Trần Văn Bình")
    add_person(full_name="Lê Văn An")
    rows = list(worklist_rows(worklist(unit=unit_by_code("16000"), on=ON), on=ON))
    assert [r["full_name"] for r in rows] == ["Lê Văn An", "Trần Văn Bình", "Nguyễn Văn Bình"]
    assert [r["index"] for r in rows] == [1, 2, 3]
