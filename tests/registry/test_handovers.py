"""An absent resident handed to the unit where they live now: they move between worklists,
and no figure counts them twice."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.handovers import (
    HandoverRefused,
    handover_accept,
    handover_outcome,
    handover_refuse,
    handover_request,
)
from cancuoc.intake.services import intake_record
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.reports.models import DailyRollup, EligibleSnapshot
from cancuoc.reports.rollups import eligible_snapshot
from cancuoc.scheduling.worklists import absent_residents, worklist

ON = date(2021, 4, 10)


@pytest.fixture
def absent(add_person):
    add_person(full_name="Người Ở Nhà")
    return add_person(
        full_name="Lê Văn Vắng",
        presence="absent",
        presence_since=date(2019, 1, 1),
        whereabouts="Số 5, Tổ dân phố 1, Phường Hai",
    )


def ids(unit_code: str) -> set[int]:
    return set(worklist(unit=unit_by_code(unit_code), on=ON).values_list("pk", flat=True))


def test_a_hand_over_moves_the_person_and_nothing_counts_them_twice(absent, django_user_model):
    officer = django_user_model.objects.create_user("xa-mot", password="x" * 12)
    province = unit_by_code("38")
    assert absent.pk in ids("16000") and absent.pk not in ids("16001")
    assert set(absent_residents(unit=unit_by_code("16000"), on=ON)) == {absent}
    before = ids("38")

    handover = handover_request(person=absent, to_unit=unit_by_code("16001001"), by=officer, on=ON)
    assert absent.pk in ids("16000")  # nothing moves until the other unit accepts
    handover_accept(handover=handover, by=officer, on=ON)

    assert absent.pk not in ids("16000") and absent.pk in ids("16001")
    assert ids("38") == before  # the province counts them once, as before
    eligible_snapshot(province, ON)
    snapshot = dict(EligibleSnapshot.objects.filter(as_of=ON).values_list("unit__code", "eligible"))
    assert snapshot["16000"] + snapshot["16001"] == snapshot["38"]
    assert snapshot["16001"] == 1

    # Captured where they live now: the figure goes there and up, not to the home commune.
    station = Station.objects.create(
        code="CA-P2",
        name="Công an Phường Hai",
        kind=StationKind.FIXED,
        unit=unit_by_code("16001"),
    )
    kit = Kit.objects.create(station=station, code="K-P2")
    moment = timezone.make_aware(datetime(2021, 4, 11, 8))
    intake_record(
        operator=officer,
        person=absent,
        station=station,
        kit=kit,
        started_at=moment,
        ended_at=moment + timedelta(minutes=8),
        accepted=True,
        idempotency_key="handover-1",
    )
    captured = dict(DailyRollup.objects.values_list("unit__code", "captured"))
    assert captured == {"16001001": 1, "16001": 1, "38": 1}
    # The home commune sees how its absent resident fared, outside its own figures.
    outcome = handover_outcome(unit=unit_by_code("16000"))
    assert (outcome.accepted, outcome.captured, outcome.requested) == (1, 1, 0)


def test_hand_overs_that_cannot_be_made_are_refused(absent, add_person):
    present = add_person(full_name="Người Có Mặt")
    abroad = add_person(full_name="Người Ở Hàn Quốc", presence="abroad", whereabouts="Hàn Quốc")
    with pytest.raises(HandoverRefused, match="nước ngoài"):
        handover_request(person=abroad, to_unit=unit_by_code("16001"), on=ON)
    with pytest.raises(HandoverRefused, match="không vắng mặt"):
        handover_request(person=present, to_unit=unit_by_code("16001"), on=ON)
    with pytest.raises(HandoverRefused, match="nằm trong địa bàn thường trú"):
        handover_request(person=absent, to_unit=unit_by_code("16000001"), on=ON)
    handover = handover_request(person=absent, to_unit=unit_by_code("16001"), on=ON)
    with pytest.raises(HandoverRefused, match="đang chờ"):
        handover_request(person=absent, to_unit=unit_by_code("16001"), on=ON)
    with pytest.raises(HandoverRefused, match="lý do từ chối"):
        handover_refuse(handover=handover, reason=" ")
    handover_refuse(handover=handover, reason="Không có người này tại địa chỉ")
    with pytest.raises(HandoverRefused, match="đã được xử lý"):
        handover_accept(handover=handover, on=ON)
    assert absent.pk in ids("16000")  # refused: still counted at home
    assert handover_outcome(unit=unit_by_code("16000")).refused == 1
