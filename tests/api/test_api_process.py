"""The API-only process (cancuoc.settings_api): keys work as in the full site, nothing else is
served, and a write is audited with where it came from."""

import pytest
from django.test import Client, override_settings

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.accounts.tokens import token_issue
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.models import Application
from cancuoc.settings_api import MIDDLEWARE, ROOT_URLCONF

pytestmark = pytest.mark.usefixtures("api_process")


@pytest.fixture
def api_process():
    with override_settings(ROOT_URLCONF=ROOT_URLCONF, MIDDLEWARE=MIDDLEWARE):
        yield


@pytest.fixture
def key(area, django_user_model):
    user = django_user_model.objects.create_user("may-tinh-bang", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.STATION_OPERATOR, unit=unit_by_code("16000"))
    return token_issue(user=user, name="Máy tính bảng")


def test_a_capture_and_its_status_through_the_api_process(key, station, add_person):
    api = Client(headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR="10.0.0.7")
    person = add_person()
    body = {
        "person": person.pk,
        "kit": "KIT-1",
        "started_at": "2021-04-02T08:00:00+07:00",
        "ended_at": "2021-04-02T08:09:00+07:00",
        "idempotency_key": "lan-gui-0001",
    }
    made = api.post("/api/v1/applications", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert api.get(f"/api/v1/applications/{made.json()['id']}").json()["state"] == "captured"
    assert Application.objects.count() == 1
    assert AuditEvent.objects.filter(action="create", ip="10.0.0.7").exists()


def test_without_a_key_the_answer_is_401_and_pages_are_not_there(key, station):
    anonymous = Client()
    assert anonymous.get("/api/v1/stations").status_code == 401
    answer = anonymous.post("/api/v1/applications", {}, content_type="application/json")
    assert answer.status_code == 401  # not a CSRF refusal: there are no sessions here
    assert anonymous.get("/don-vi/38/").status_code == 404
    assert anonymous.get("/admin/").status_code == 404
