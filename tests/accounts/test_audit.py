import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from cancuoc.accounts.audit import audit_record, audit_verify
from cancuoc.accounts.models import AuditEvent


def test_writes_through_the_orm_are_audited(add_person):
    person = add_person()
    person.phone = "0900000000"
    person.save()
    actions = list(
        AuditEvent.objects.filter(object_type="registry.person").values_list("action", flat=True)
    )
    assert actions == ["bulk_load", "update"]


def test_the_chain_verifies_when_untouched(add_person):
    add_person()
    for n in range(5):
        audit_record(action="read", object_type="registry.person", object_id=str(n))
    result = audit_verify()
    assert result.ok and result.checked == AuditEvent.objects.count() >= 6


def tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # as a superuser who disables the trigger
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER USER")


def test_editing_one_row_makes_verify_fail_and_name_that_row(db):
    events = [audit_record(action="read", object_id=str(n)) for n in range(4)]
    tamper("UPDATE accounts_auditevent SET object_id = %s WHERE id = %s", ["99", events[2].pk])
    with pytest.raises(CommandError, match=f"row {events[2].pk}"):
        call_command("audit", "verify")


def test_removing_a_row_breaks_the_chain_at_the_next_one(db):
    events = [audit_record(action="read", object_id=str(n)) for n in range(4)]
    tamper("DELETE FROM accounts_auditevent WHERE id = %s", [events[1].pk])
    result = audit_verify()
    assert result.broken_at == events[2].pk and "link" in result.reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql", ["UPDATE accounts_auditevent SET action = 'x'", "DELETE FROM accounts_auditevent"]
)
def test_the_application_cannot_update_or_delete_audit_rows(db, sql):
    audit_record(action="read")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="read").count() == 1


def test_an_export_names_its_purpose_and_no_personal_data(add_person, client, django_user_model):
    from cancuoc.accounts.models import Assignment, Role
    from cancuoc.geo.selectors import unit_by_code

    add_person(full_name="Nguyễn Văn Bí Mật", personal_id="038080001234")
    user = django_user_model.objects.create_user("canbo", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    client.force_login(user)
    purpose = "Báo cáo cấp trên"
    response = client.get(
        "/don-vi/16000/danh-sach.xlsx", {"ngay": "2021-04-01", "muc_dich": purpose}
    )
    assert response.status_code == 200
    export = AuditEvent.objects.get(action="export")
    assert export.purpose == purpose and export.username == "canbo"
    assert export.detail["rows"] == 1 and export.ip == "127.0.0.1"
    stored = str(export.detail) + export.object_id
    assert "038080001234" not in stored and "Bí Mật" not in stored


def test_an_export_without_a_purpose_is_refused(add_person, client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", password="x" * 12)
    client.force_login(user)
    assert client.get("/don-vi/16000/danh-sach.xlsx").status_code == 403


def test_revealing_an_id_shows_it_and_is_audited(add_person, client, django_user_model):
    from cancuoc.accounts.models import Assignment, Role
    from cancuoc.geo.selectors import unit_by_code

    person = add_person(personal_id="038080001234")
    user = django_user_model.objects.create_user("canbo", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    client.force_login(user)
    listing = client.get("/don-vi/16000001/", {"ngay": "2021-04-01"}).content.decode()
    assert "038080001234" not in listing
    assert client.get(f"/nguoi/{person.pk}/so-dinh-danh/").status_code == 405
    shown = client.post(f"/nguoi/{person.pk}/so-dinh-danh/")
    assert "038080001234" in shown.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert (event.username, event.object_id) == ("canbo", str(person.pk))
