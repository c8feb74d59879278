"""Bulk reads of personal data leave an audit row saying who, what, how many and why: the API's
worklist (names and dates of birth), the `cancuoc worklist` export (full ID numbers and
phones) and the `cancuoc slips` export (names and appointments)."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from cancuoc.accounts.audit import audit_verify
from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.accounts.tokens import token_issue
from cancuoc.geo.selectors import unit_by_code


@pytest.fixture
def officer(area, django_user_model):
    user = django_user_model.objects.create_user("canbo", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    return user


@pytest.fixture
def api(officer) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_issue(user=officer, name='may')}"})


@pytest.fixture
def three(add_person):
    for n in range(3):
        add_person(
            full_name=f"Trần Văn Bình {n}",
            personal_id=f"03809000123{n}",
            birth_date=date(1990, 1, 1),
        )


def test_the_api_worklist_leaves_an_audit_row_with_its_count_and_purpose(api, three):
    purpose = PURPOSES[2]
    answer = api.get(
        "/api/v1/units/16000001/worklist",
        {"ngay": "2021-04-01", "limit": 2, "muc_dich": purpose},
        REMOTE_ADDR="10.0.0.7",
    )
    assert answer.status_code == 200 and len(answer.json()["items"]) == 2
    event = AuditEvent.objects.get(action="read", object_type="geo.administrativeunit")
    assert (event.username, event.purpose, event.ip) == ("canbo", purpose, "10.0.0.7")
    assert event.object_id == str(unit_by_code("16000001").pk)
    assert event.detail == {
        "document": "worklist",
        "rows": 2,
        "count": 3,
        "offset": 0,
        "as_of": "2021-04-01",
        "purpose_given": True,
    }
    stored = str(event.detail) + event.object_id
    assert "Bình" not in stored and "0380900012" not in stored


def test_the_api_worklist_without_a_purpose_records_the_worklists_own(api, three):
    assert api.get("/api/v1/units/16000001/worklist", {"ngay": "2021-04-01"}).status_code == 200
    event = AuditEvent.objects.get(action="read", object_type="geo.administrativeunit")
    assert event.purpose == PURPOSES[0] and event.detail["purpose_given"] is False
    assert event.detail["rows"] == 3


def test_the_api_worklist_refuses_a_purpose_that_is_not_one_of_the_list(api, three):
    answer = api.get("/api/v1/units/16000001/worklist", {"muc_dich": "tò mò"})
    assert answer.status_code == 422
    assert not AuditEvent.objects.filter(action="read").exists()


def test_the_audit_names_the_client_behind_a_trusted_proxy(api, three, settings):
    settings.CANCUOC_TRUSTED_PROXIES = ["10.0.0.0/8"]
    answer = api.get(
        "/api/v1/units/16000001/worklist",
        {"ngay": "2021-04-01"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert answer.status_code == 200
    assert AuditEvent.objects.get(action="read", detail__document="worklist").ip == "203.0.113.9"


@pytest.mark.parametrize("written", ["::ffff:203.0.113.9", "2001:DB8::9"])
def test_an_address_python_and_the_database_write_differently_keeps_the_chain(
    api, three, settings, written
):
    """Python writes ::ffff:203.0.113.9 as ::ffff:cb00:7109; the database keeps Django's form:
    the chain hashed one and verified the other, and broke at that row."""
    settings.CANCUOC_TRUSTED_PROXIES = ["10.0.0.0/8"]
    answer = api.get(
        "/api/v1/units/16000001/worklist",
        {"ngay": "2021-04-01"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=written,
    )
    assert answer.status_code == 200
    assert audit_verify().ok


def test_the_worklist_command_leaves_an_audit_row_with_count_purpose_and_operator(three, tmp_path):
    out = tmp_path / "ds.csv"
    call_command(
        "worklist",
        unit="16000",
        as_of=date(2021, 4, 1),
        out=out,
        purpose="3",
        stdout=io.StringIO(),
    )
    event = AuditEvent.objects.get(action="export")
    assert event.username.startswith("cli:") and event.purpose == PURPOSES[2]
    assert event.object_id == str(unit_by_code("16000").pk)
    assert event.detail == {
        "document": "worklist",
        "rows": 3,
        "as_of": "2021-04-01",
        "basis": "both",
        "format": "csv",
    }
    assert "038090001230" in out.read_text(encoding="utf-8-sig")  # the file has them, the log not
    assert "0380900012" not in str(event.detail)


def test_the_worklist_command_purpose_defaults_to_the_worklists_and_refuses_others(three, tmp_path):
    call_command(
        "worklist",
        unit="16000",
        as_of=date(2021, 4, 1),
        out=tmp_path / "a.xlsx",
        stdout=io.StringIO(),
    )
    assert AuditEvent.objects.get(action="export").purpose == PURPOSES[0]
    with pytest.raises(CommandError, match="--purpose"):
        call_command(
            "worklist",
            unit="16000",
            as_of=date(2021, 4, 1),
            out=tmp_path / "b.csv",
            purpose="tò mò",
        )
    assert not (tmp_path / "b.csv").exists()
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_the_slips_command_leaves_an_audit_row_with_the_number_of_slips(add_person, tmp_path):
    from tests.scheduling.bookings import book, make_slot, make_station

    station = make_station()
    slot = make_slot(station)
    book(add_person(full_name="Đỗ Văn An"), slot)
    book(add_person(full_name="Bùi Thị Lan", permanent_unit="16000002"), slot)
    call_command(
        "slips",
        "CA-XM",
        "--from",
        "2021-06-07",
        "--to",
        "2021-06-13",
        "--out",
        str(tmp_path),
        "--purpose",
        PURPOSES[1],
        stdout=io.StringIO(),
    )
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.object_id) == ("planning.station", str(station.pk))
    assert event.purpose == PURPOSES[1] and event.username.startswith("cli:")
    assert event.detail["rows"] == 2 and event.detail["villages"] == 2
