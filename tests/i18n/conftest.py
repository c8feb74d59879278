import pytest
from django.apps import apps
from django.db import connection

FIRST_ID = 100_000


@pytest.fixture(autouse=True)
def _large_ids(db):
    """Rows numbered from 100,000, as in a real register: an id written "100,001" in a form
    is then seen (the first objects of a test database are 1, 2, 3, never grouped)."""
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if model._meta.pk.get_internal_type() not in ("AutoField", "BigAutoField"):
                continue
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [table, model._meta.pk.column, FIRST_ID],
                )
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, FIRST_ID]
                )
