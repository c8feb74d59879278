"""Bulk writes: COPY on PostgreSQL, batched executemany on SQLite.

Never one ORM save per row: a province is millions of rows. Callers give explicit primary
keys (from :func:`reserve_ids`) so that related rows can be written in the same pass.
"""

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max

SQLITE_BATCH = 5000


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


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
    names = ", ".join(qn(c) for c in columns)
    if connection.vendor == "postgresql":
        types = _binary_types(model, columns)
        binary = " (FORMAT BINARY)" if types else ""
        sql = f"COPY {qn(table)} ({names}) FROM STDIN{binary}"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            if types:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)
                written += 1
        return written
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({placeholders})"
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


def update_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    only_null: bool = False,
) -> int:
    """Set ``columns`` (database column names) of the rows of ``model``'s table whose primary
    key is each row's first value, to the row's other values; return how many rows were
    given. ``only_null``: only where those columns are all still null (a household whose
    head came in a later batch). Django's bulk_update builds a CASE per column over the whole
    batch, which cost more (in Python and in the database) than the merges it wrote; here
    PostgreSQL takes the values by COPY into a temporary table and one UPDATE … FROM,
    SQLite one prepared UPDATE per row."""
    table = qn(model._meta.db_table)
    key = qn(model._meta.pk.column)
    rows = list(rows)
    if not rows:
        return 0
    null = "".join(f" AND {table}.{qn(c)} IS NULL" for c in columns) if only_null else ""
    if connection.vendor == "postgresql":
        names = ", ".join(qn(c) for c in columns)
        assignments = ", ".join(f"{qn(c)} = u.{qn(c)}" for c in columns)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS cancuoc_update")
            cursor.execute(
                f"CREATE TEMPORARY TABLE cancuoc_update AS "
                f"SELECT {key}, {names} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY cancuoc_update ({key}, {names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM cancuoc_update u "
                f"WHERE {table}.{key} = u.{key}{null}"
            )
            cursor.execute("DROP TABLE cancuoc_update")
        return len(rows)
    assignments = ", ".join(f"{qn(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE {table}.{key} = %s{null}",
            [(*row[1:], row[0]) for row in rows],
        )
    return len(rows)


# Column types whose binary form psycopg writes from the Python values the text form takes
# (int, str, date, bool, None); the binary form spares formatting every value as text, which
# was most of this process's time in a COPY of persons.
_BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "date": "date",
    "text": "text",
    "varchar": "varchar",
}


def _binary_types(model: type[models.Model], columns: Sequence[str]) -> list[str] | None:
    """The PostgreSQL type of each column for a binary COPY, or None when one of them is of
    another type (JSON, timestamps, …: those go as text)."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    types = []
    for column in columns:
        declared = by_column[column].db_type(connection) or ""
        name = _BINARY_TYPES.get(declared.split("(")[0])
        if name is None:
            return None
        types.append(name)
    return types


class _NoStyle:
    """``sequence_reset_sql`` wants a colour style; plain SQL needs none."""

    def __getattr__(self, name: str):
        return lambda text: text


@contextmanager
def foreign_keys_checked_once(models_: Iterable[type[models.Model]]) -> Iterator[None]:
    """Check the foreign keys of these tables once at the end instead of once per row.

    PostgreSQL checks a foreign key with one trigger query per inserted row; for a load of a
    province that costs more than the COPY itself. As PostgreSQL's "Populating a Database"
    advises (and pg_restore does), the constraints are dropped and added back, which
    validates every row in one join. Use inside a transaction: the tables stay locked until
    it ends, and a failed check rolls the whole load back. Elsewhere this does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    dropped: list[tuple[str, str, str, str, str]] = []
    with connection.cursor() as cursor:
        # Checks still pending from earlier in the transaction would forbid the ALTERs.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in models_:
            table = model._meta.db_table
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if info["foreign_key"]:
                    parent, parent_column = info["foreign_key"]
                    dropped.append((table, name, info["columns"][0], parent, parent_column))
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, column, parent, parent_column in dropped:
            cursor.execute(
                f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} FOREIGN KEY ({qn(column)}) "
                f"REFERENCES {qn(parent)} ({qn(parent_column)}) DEFERRABLE INITIALLY DEFERRED"
            )


@contextmanager
def long_lived_input() -> Iterator[None]:
    """Keep the garbage collector off the objects that exist now (the input of a bulk load:
    millions of records) while the load makes and drops its row tuples; without this every
    full collection walks the whole input again (gc.freeze, CPython 3.7+)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def analyse(models_: Iterable[type[models.Model]]) -> None:
    """Refresh planner statistics (and, on PostgreSQL, the visibility map that index-only
    scans need) after a bulk load. Must run outside a transaction."""
    with connection.cursor() as cursor:
        for model in models_:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            else:
                cursor.execute(f"ANALYZE {table}")
