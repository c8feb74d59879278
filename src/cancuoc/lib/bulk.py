"""Bulk writes: COPY on PostgreSQL, batched executemany on SQLite.

Never one ORM save per row: a province is millions of rows. Callers give explicit primary
keys (from :func:`reserve_ids`) so that related rows can be written in the same pass.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Max

SQLITE_BATCH = 5000


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Return the first of ``count`` consecutive free primary keys of ``model`` (call it
    before a COPY starts: no other statement may run on the connection during one).

    Call inside a transaction; on PostgreSQL the table is locked until it ends so that no other
    writer takes the same keys, and :func:`reset_sequence` moves the sequence past them.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
    current = model.objects.aggregate(top=Max("pk"))["top"] or 0
    return current + 1


def reset_sequence(model: type[models.Model]) -> None:
    """After writing explicit keys, make the next ordinary insert take a fresh one."""
    statements = connection.ops.sequence_reset_sql(_NoStyle(), [model])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def copy_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write ``rows`` (tuples in the order of ``columns``, database column names) into the
    table of ``model``; return how many were written."""
    table = model._meta.db_table
    written = 0
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        return written
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})'
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= SQLITE_BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


class _NoStyle:
    """``sequence_reset_sql`` wants a colour style; plain SQL needs none."""

    def __getattr__(self, name: str):
        return lambda text: text
