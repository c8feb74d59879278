"""Phiếu DC02: a correction filed, reviewed, applied whole with its history, or rejected and
kept; in the services and through the admin."""

from datetime import date

import pytest

from cancuoc.accounts.models import AuditEvent
from cancuoc.registry.corrections import (
    CorrectionRefused,
    correction_apply,
    correction_file,
    correction_reject,
)
from cancuoc.registry.models import CorrectionRequest, CorrectionState, PersonChange


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user("tu-phap", password="x" * 12)


def test_a_correction_goes_from_filing_to_applied_with_history(add_person, clerk):
    person = add_person(full_name="Nguyen Van An", birth_date=date(1980, 5, 10))
    request = correction_file(
        person=person,
        changes={"full_name": "Nguyễn Văn An", "birth_date": "15/05/1980"},
        reason="Sai dấu và ngày sinh so với giấy khai sinh",
        evidence="Giấy khai sinh số 12/1980",
        by=clerk,
    )
    person.refresh_from_db()
    assert person.full_name == "Nguyen Van An"  # nothing changes before the review
    correction_apply(request=request, by=clerk, note="Đúng theo giấy khai sinh")
    person.refresh_from_db()
    assert (person.full_name, person.birth_date) == ("Nguyễn Văn An", date(1980, 5, 15))
    history = {c.field: (c.old_value, c.new_value, c.source) for c in PersonChange.objects.all()}
    assert history == {
        "full_name": ("Nguyen Van An", "Nguyễn Văn An", "DC02"),
        "birth_date": ("1980-05-10", "1980-05-15", "DC02"),
    }
    request.refresh_from_db()
    assert request.state == CorrectionState.APPLIED and request.reviewed_by == clerk
    assert {"dc02-file", "dc02-apply"} <= set(AuditEvent.objects.values_list("action", flat=True))
    with pytest.raises(CorrectionRefused, match="đã được xử lý"):
        correction_reject(request=request, note="muộn", by=clerk)


def test_bad_requests_are_refused_and_a_rejection_is_kept(add_person, clerk):
    person = add_person(full_name="Lê Thị Bình", sex="F")
    for changes, match in [
        ({"household": "1"}, "Không sửa được"),
        ({"birth_date": "31/02/1990"}, "không phải ngày"),
        ({"sex": "X"}, "không thuộc danh sách"),
        ({"full_name": "Lê Thị Bình"}, "Không có gì thay đổi"),
    ]:
        with pytest.raises(CorrectionRefused, match=match):
            correction_file(person=person, changes=changes, reason="x", evidence="y")
    with pytest.raises(CorrectionRefused, match="lý do và giấy tờ chứng minh"):
        correction_file(person=person, changes={"phone": "0912000000"}, reason="", evidence="")
    request = correction_file(
        person=person, changes={"phone": "0912000000"}, reason="Đổi số", evidence="Đơn"
    )
    with pytest.raises(CorrectionRefused, match="lý do từ chối"):
        correction_reject(request=request, note=" ")
    correction_reject(request=request, note="Không có giấy tờ", by=clerk)
    assert CorrectionRequest.objects.get().state == CorrectionState.REJECTED
    assert not PersonChange.objects.exists()


def test_through_the_admin(client, add_person, django_user_model):
    admin = django_user_model.objects.create_superuser("quan-tri", password="x" * 12)
    client.force_login(admin)
    person = add_person(full_name="Tran Van Cuong")
    form = {
        "person": person.pk,
        "changes": '{"full_name": "Trần Văn Cường"}',
        "reason": "Thiếu dấu",
        "evidence": "CMND số 123456789",
        "review_note": "",
    }
    refused = client.post("/admin/registry/correctionrequest/add/", form | {"reason": ""})
    assert (
        refused.status_code == 200
        and "Cần ghi lý do và giấy tờ chứng minh." in refused.content.decode()
    )
    assert not CorrectionRequest.objects.exists()
    client.post("/admin/registry/correctionrequest/add/", form)
    request = CorrectionRequest.objects.get()
    answer = client.post(
        "/admin/registry/correctionrequest/",
        {"action": "apply_selected", "_selected_action": [request.pk]},
        follow=True,
    )
    assert "Đã duyệt, đã sửa" in answer.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Trần Văn Cường"
    assert PersonChange.objects.get().reason.startswith(f"DC02 #{request.pk}")
