import uuid
from datetime import date
from pathlib import Path

import pytest

from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.models import Application, CardState
from cancuoc.intake.services import (
    IntakeRefused,
    application_advance,
    intake_record,
    production_batch_apply,
)
from cancuoc.registry.choices import CardKind
from cancuoc.registry.models import Card
from cancuoc.reports.models import DailyRollup
from cancuoc.scheduling.worklists import worklist

from .conftest import at

DAY = date(2021, 4, 5)


def take(person, station, operator, *, accepted=True, key=None, reason="", confirmed=False):
    return intake_record(
        operator=operator,
        person=person,
        station=station,
        kit=station.kits.first(),
        started_at=at(DAY, 9),
        ended_at=at(DAY, 9, 8),
        accepted=accepted,
        reason=reason,
        idempotency_key=key or uuid.uuid4().hex,
        confirmed=confirmed,
    )


def rollup(code: str, day: date = DAY) -> DailyRollup:
    return DailyRollup.objects.get(unit=unit_by_code(code), day=day)


def test_an_intake_counts_in_the_village_and_every_unit_above(add_person, station, operator):
    person = add_person()
    application, created = take(person, station, operator)
    assert created and application.state == CardState.CAPTURED
    assert [rollup(code).captured for code in ("16000001", "16000", "38")] == [1, 1, 1]


def test_the_same_submission_twice_is_one_application(add_person, station, operator):
    person = add_person()
    first, _ = take(person, station, operator, key="k-1")
    again, created = take(person, station, operator, key="k-1")
    assert again == first and not created
    assert Application.objects.count() == 1 and rollup("16000").captured == 1


def test_a_key_reused_for_someone_else_is_refused(add_person, station, operator):
    take(add_person(), station, operator, key="k-1")
    with pytest.raises(IntakeRefused, match="đã dùng cho một người khác"):
        take(add_person(), station, operator, key="k-1")


def test_a_person_with_an_open_application_cannot_be_taken_twice(add_person, station, operator):
    person = add_person()
    take(person, station, operator)
    with pytest.raises(IntakeRefused, match="đã có hồ sơ đang xử lý"):
        take(person, station, operator)


def test_a_rejection_needs_a_reason_and_leaves_the_person_to_come_again(
    add_person, station, operator
):
    person = add_person()
    with pytest.raises(IntakeRefused, match="Cần ghi lý do"):
        take(person, station, operator, accepted=False)
    take(person, station, operator, accepted=False, reason="Ảnh mờ")
    assert rollup("16000").rejected_at_capture == 1
    assert list(worklist(unit=unit_by_code("16000"), on=DAY)) == [person]
    take(person, station, operator)
    assert rollup("16000").captured == 1


def test_an_applicant_leaves_the_worklist_and_the_produced_card_keeps_them_out(
    add_person, station, operator
):
    person = add_person(personal_id="038080001234")
    application, _ = take(person, station, operator)
    assert list(worklist(unit=unit_by_code("16000"), on=DAY)) == []
    assert list(worklist(unit=unit_by_code("16000"), on=date(2021, 4, 4))) == [person]
    for state in (CardState.APPROVED, CardState.IN_PRODUCTION, CardState.PRODUCED):
        application_advance(application=application, to=state, at=at(date(2021, 4, 20)))
    card = Card.objects.get(person=person)
    assert (card.kind, card.number, card.issued_on) == (
        CardKind.CCCD_CHIP,
        "038080001234",
        date(2021, 4, 20),
    )
    assert rollup("38", date(2021, 4, 20)).produced == 1
    assert list(worklist(unit=unit_by_code("16000"), on=date(2021, 5, 1))) == []


def test_the_life_cycle_refuses_a_skipped_step(add_person, station, operator):
    application, _ = take(add_person(), station, operator)
    with pytest.raises(IntakeRefused, match="Không chuyển được từ “Đã thu nhận” sang “Đã trả thẻ”"):
        application_advance(application=application, to=CardState.HANDED_OVER)


def test_a_production_batch_applies_whole_or_not_at_all(add_person, station, operator, tmp_path):
    applications = [take(add_person(), station, operator)[0] for _ in range(3)]
    for application in applications:
        application_advance(application=application, to=CardState.APPROVED, at=at(DAY, 15))
        application_advance(application=application, to=CardState.IN_PRODUCTION, at=at(DAY, 16))
    bad = tmp_path / "lo-1.csv"
    bad.write_text(
        "Mã hồ sơ,Trạng thái,Ngày,Lô\n"
        f"{applications[0].pk},Đã sản xuất,20/04/2021,L1\n"
        f"{applications[1].pk},Đã sản xuất,31/04/2021,L1\n"
        "999999,Đã sản xuất,20/04/2021,L1\n",
        encoding="utf-8",
    )
    result = production_batch_apply(bad)
    assert result.rows == 3 and result.applied == 0
    assert result.errors == [
        "lo-1.csv, dòng 3, cột “Ngày”: “31/04/2021” không phải ngày dd/mm/yyyy",
        "lo-1.csv, dòng 4, cột “Mã hồ sơ”: không có hồ sơ “999999”",
    ]
    assert not Application.objects.filter(state=CardState.PRODUCED).exists()
    good = tmp_path / "lo-2.csv"
    good.write_text(
        "Mã hồ sơ,Trạng thái,Ngày,Lô\n"
        + "".join(f"{a.pk},produced,20/04/2021,L2\n" for a in applications),
        encoding="utf-8",
    )
    result = production_batch_apply(Path(good))
    assert (result.rows, result.applied, result.errors) == (3, 3, [])
    assert rollup("38", date(2021, 4, 20)).produced == 3


def test_the_batch_command_reports_errors_by_row(db, tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "lo.csv"
    bad.write_text("Mã hồ sơ,Trạng thái,Ngày,Lô\nx,produced,20/04/2021,L\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"lo\.csv, dòng 2, cột “Mã hồ sơ”"):
        call_command("cardbatch", bad)


def test_a_child_or_a_card_holder_is_taken_only_when_the_officer_confirms(
    add_person, station, operator
):
    child = add_person(birth_date=date(2017, 4, 6))  # not yet four on DAY
    with pytest.raises(IntakeRefused, match="Chưa đủ 14 tuổi"):
        take(child, station, operator)
    holder = add_person()
    Card.objects.create(
        person=holder, kind=CardKind.CCCD_CHIP, number="038080001111", issued_on=date(2021, 3, 1)
    )
    with pytest.raises(IntakeRefused, match="Đã có thẻ còn giá trị"):
        take(holder, station, operator)
    with pytest.raises(IntakeRefused, match="Chưa đủ 14 tuổi"):
        take(child, station, operator, accepted=False, reason="Ảnh mờ")
    assert not Application.objects.exists()
    take(child, station, operator, confirmed=True)
    take(holder, station, operator, confirmed=True)
    assert Application.objects.count() == 2


def test_refusals_speak_the_language_of_the_request(add_person, station, operator):
    from django.utils import translation

    person = add_person()
    take(person, station, operator)
    with translation.override("en"), pytest.raises(IntakeRefused) as refused:
        take(person, station, operator)
    assert str(refused.value) == "This person already has an open application."


def test_a_batch_may_name_states_in_english_and_its_errors_follow_the_language(
    add_person, station, operator, tmp_path
):
    from django.utils import translation

    application, _ = take(add_person(), station, operator)
    application_advance(application=application, to=CardState.APPROVED, at=at(DAY, 15))
    batch = tmp_path / "lo-en.csv"
    batch.write_text(
        f"Mã hồ sơ,Trạng thái,Ngày,Lô\n{application.pk},In production,20/04/2021,L1\n"
        "x,Lost,2021-04-20,L1\n",
        encoding="utf-8",
    )
    with translation.override("en"):
        result = production_batch_apply(batch)
    assert result.errors == [
        "lo-en.csv, row 3, column “Mã hồ sơ”: no application “x”",
    ]
    batch.write_text(
        f"Mã hồ sơ,Trạng thái,Ngày,Lô\n{application.pk},In production,20/04/2021,L1\n",
        encoding="utf-8",
    )
    assert production_batch_apply(batch).applied == 1
    assert Application.objects.get().state == CardState.IN_PRODUCTION
