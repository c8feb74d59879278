import pytest
from django.db import connection, transaction

from cancuoc.registry import services
from cancuoc.registry.models import Card, Household, Person, Residence
from cancuoc.registry.services import register_load
from tests.conftest import person_record


def foreign_keys() -> set[tuple[str, str]]:
    found = set()
    with connection.cursor() as cursor:
        for model in (Household, Person, Residence, Card):
            table = model._meta.db_table
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if info["foreign_key"]:
                    found.add((table, name))
    return found


@pytest.fixture
def large_load(monkeypatch):
    monkeypatch.setattr(services, "CHECK_KEYS_ONCE_FROM", 1)


def test_a_large_load_keeps_every_foreign_key(area, large_load):
    before = foreign_keys()
    result = register_load(
        records=[person_record(household_code="H1", relation_to_head="chu_ho")], source="t"
    )
    assert result.persons == 1
    assert foreign_keys() == before
    assert len(before) >= 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL checks keys by DDL")
def test_a_large_load_that_breaks_a_key_is_rolled_back_whole(area, large_load, monkeypatch):
    broken = services.PERSON_COLUMNS.index("household_id")

    def copy_with_a_dangling_household(model, columns, rows):
        if model is Person:
            rows = ((*row[:broken], 999_999, *row[broken + 1 :]) for row in rows)
        return original(model, columns, rows)

    original = services.copy_rows
    monkeypatch.setattr(services, "copy_rows", copy_with_a_dangling_household)
    with pytest.raises(Exception, match="foreign key"), transaction.atomic():
        register_load(records=[person_record()], source="t")
    assert Person.objects.count() == 0
