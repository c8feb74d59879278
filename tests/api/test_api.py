"""The API with a station's key: record a capture, retry it, follow it to the card."""

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from cancuoc.accounts.models import ApiToken, Assignment, AuditEvent, Role
from cancuoc.accounts.tokens import token_issue, token_revoke
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.models import Application
from cancuoc.registry.models import Card
from cancuoc.reports.models import DailyRollup


@pytest.fixture
def key(area, django_user_model):
    user = django_user_model.objects.create_user("may-tinh-bang", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.STATION_OPERATOR, unit=unit_by_code("16000"))
    return token_issue(user=user, name="Máy tính bảng điểm Xã Một")


@pytest.fixture
def api(key) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def capture(person: int, idempotency_key: str = "lan-gui-0001") -> dict:
    return {
        "person": person,
        "kit": "KIT-1",
        "started_at": "2021-04-02T08:00:00+07:00",
        "ended_at": "2021-04-02T08:09:00+07:00",
        "idempotency_key": idempotency_key,
    }


def post(api: Client, url: str, body: dict):
    return api.post(url, body, content_type="application/json")


def test_a_capture_recorded_twice_is_one_application_and_one_count(api, station, add_person):
    person = add_person(full_name="Lê Thị Hoà", personal_id="038180001234", sex="F")
    first = post(api, "/api/v1/applications", capture(person.pk))
    assert first.status_code == 201, first.content
    again = post(api, "/api/v1/applications", capture(person.pk))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Application.objects.count() == 1
    assert DailyRollup.objects.get(unit=unit_by_code("16000")).captured == 1
    # a second application for the same person, under another key, is refused with a reason
    refused = post(api, "/api/v1/applications", capture(person.pk, "lan-gui-0002"))
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Công dân này đã có hồ sơ đang xử lý."


@pytest.fixture
def command(area, django_user_model) -> Client:
    """The province command's system, which approves applications and sends them to be made."""
    user = django_user_model.objects.create_user("he-thong-tinh", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.PROVINCE_COMMAND, unit=unit_by_code("38"))
    return Client(headers={"Authorization": f"Bearer {token_issue(user=user, name='PC06')}"})


def test_an_application_is_followed_to_the_card(api, command, station, add_person):
    person = add_person(personal_id="038080001234")
    pk = post(api, "/api/v1/applications", capture(person.pk)).json()["id"]
    refused = post(api, f"/api/v1/applications/{pk}/advance", {"to": "approved"})
    assert refused.status_code == 403  # a station records; the command approves
    for state in ["approved", "in_production", "produced"]:
        moved = post(command, f"/api/v1/applications/{pk}/advance", {"to": state, "batch": "L1"})
        assert moved.status_code == 200 and moved.json()["state"] == state
    status = api.get(f"/api/v1/applications/{pk}").json()
    assert [e["state"] for e in status["events"]] == [
        "captured",
        "approved",
        "in_production",
        "produced",
    ]
    assert Card.objects.filter(person=person, number="038080001234").exists()
    backwards = post(command, f"/api/v1/applications/{pk}/advance", {"to": "approved"})
    assert backwards.status_code == 409
    assert backwards.json()["detail"] == "Không chuyển được từ “Đã sản xuất” sang “Đã duyệt”."


def test_the_worklist_masks_id_numbers_and_a_viewer_sees_none(api, add_person, django_user_model):
    add_person(full_name="Trần Văn Bình", personal_id="038090001234", birth_date=date(1990, 1, 1))
    answer = api.get("/api/v1/units/16000001/worklist", {"ngay": "2021-04-01"})
    assert answer.status_code == 200
    [item] = answer.json()["items"]
    assert item["full_name"] == "Trần Văn Bình" and item["personal_id"] == "••••••••1234"
    assert "038090001234" not in answer.content.decode()
    viewer = django_user_model.objects.create_user("xem", password="x" * 12)
    Assignment.objects.create(user=viewer, role=Role.VIEWER, unit=unit_by_code("16000"))
    looker = Client(headers={"Authorization": f"Bearer {token_issue(user=viewer, name='x')}"})
    assert looker.get("/api/v1/units/16000001/worklist").status_code == 403
    figures = looker.get("/api/v1/units/16000", {"ngay": "2021-04-01"})
    assert figures.status_code == 200 and figures.json()["name"] == "Xã Một"


def test_a_revoked_or_wrong_key_is_refused(key, api, area):
    assert api.get("/api/v1/me").json()["units"] == ["16000"]
    token_revoke(ApiToken.objects.get())
    assert api.get("/api/v1/me").status_code == 401
    wrong = Client(headers={"Authorization": "Bearer cc_not-a-key"})
    assert wrong.get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_keys_are_stored_as_hashes_and_issued_from_the_console(area, django_user_model, capsys):
    user = django_user_model.objects.create_user("tinh", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.PROVINCE_COMMAND, unit=unit_by_code("38"))
    call_command("token", "issue", "tinh", "--name", "Hệ thống tỉnh")
    printed = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=user)
    assert printed.startswith("cc_") and printed not in token.digest
    caller = Client(headers={"Authorization": f"Bearer {printed}"})
    assert caller.get("/api/v1/me").json()["units"] == ["38"]


def test_a_write_through_the_api_is_audited_with_its_caller(api, station, add_person):
    person = add_person()
    post(api, "/api/v1/applications", capture(person.pk))
    events = AuditEvent.objects.filter(object_type="intake.application")
    assert events.filter(action="create", username="may-tinh-bang").count() == 1


def test_the_schema_describes_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) >= {
        "/api/v1/applications",
        "/api/v1/applications/{pk}",
        "/api/v1/units/{code}/worklist",
    }
    assert schema["components"]["securitySchemes"]["KeyAuth"]["scheme"] == "bearer"
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert all(op["security"] == [{"KeyAuth": []}, {"OfficerSession": []}] for op in operations)


def test_an_application_number_beyond_the_database_range_is_refused_not_a_crash(api, area):
    # found by schemathesis: the compiled status query has no ORM range check
    assert api.get(f"/api/v1/applications/{2**63}").status_code == 422
    assert api.get(f"/api/v1/applications/{2**63 - 1}").status_code == 404


def test_a_child_is_refused_with_the_reason_the_page_would_warn_of(api, station, add_person):
    child = add_person(full_name="Lê Bé Ba", birth_date=date(2018, 1, 1))
    refused = post(api, "/api/v1/applications", capture(child.pk))
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Chưa ghi hồ sơ của Lê Bé Ba: Chưa đủ 14 tuổi")
    assert not Application.objects.exists()
    # once the officer has confirmed it with the family, the same capture is recorded
    recorded = post(api, "/api/v1/applications", capture(child.pk) | {"confirmed": True})
    assert recorded.status_code == 201, recorded.content
    assert Application.objects.get().person == child


@pytest.mark.parametrize(
    "text",
    ["Mất\x00 điện", "Trần\u202eVăn", "lý do\u2066", "\x1b[31m"],
    ids=["nul", "rlo", "lri", "esc"],
)
def test_text_with_control_or_direction_characters_is_refused_with_422(
    api, station, add_person, text
):
    person = add_person()
    body = capture(person.pk) | {"accepted": False, "reason": text}
    answer = post(api, "/api/v1/applications", body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"][0]["loc"][-1] == "reason"
    assert not Application.objects.exists()
