"""SQL for the rollups' statements, the same on PostgreSQL and SQLite."""

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone


def local_date(column: str) -> str:
    """SQL for the local calendar day of a stored (UTC) timestamp. Vietnam keeps one offset
    all year, so SQLite can add it; PostgreSQL converts by zone name."""
    if connection.vendor == "postgresql":
        return f"CAST(({column} AT TIME ZONE '{settings.TIME_ZONE}') AS date)"
    offset = timezone.localtime(timezone.now()).utcoffset().total_seconds() / 3600
    return f"date({column}, '{offset:+.0f} hours')"


def least(*values: str) -> str:
    """The smallest of values none of which is null."""
    return f"{'LEAST' if connection.vendor == 'postgresql' else 'min'}({', '.join(values)})"


def greatest(*values: str) -> str:
    """The largest of values none of which is null."""
    return f"{'GREATEST' if connection.vendor == 'postgresql' else 'max'}({', '.join(values)})"


def anniversary(column: str, years: int) -> str:
    """SQL for ``registry.dates.anniversary``: the day a person born on ``column`` reaches
    ``years``, 1 March for 29 February in a year without it (as SQLite's date() counts)."""
    if connection.vendor != "postgresql":
        return f"date({column}, '+{years} years')"
    shifted = f"CAST({column} + make_interval(years => {years}) AS date)"
    leap_day = (
        f"EXTRACT(MONTH FROM {column}) = 2 AND EXTRACT(DAY FROM {column}) = 29"
        f" AND EXTRACT(DAY FROM {shifted}) = 28"
    )
    return f"({shifted} + CASE WHEN {leap_day} THEN 1 ELSE 0 END)"


def date_sql(day: date) -> str:
    """A date as a typed SQL literal (SQLite keeps dates as ISO text)."""
    if connection.vendor == "postgresql":
        return f"DATE '{day.isoformat()}'"
    return f"'{day.isoformat()}'"


def delete_rows(model, where: str = "1 = 1", params: Sequence = ()) -> None:
    """Delete rows in one statement: the ORM would fetch each first (the audit listens to
    deletions), millions of them in a rebuild."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", params)


def statistics_refresh(models_) -> None:
    """Fresh planner statistics for tables a rebuild reads, in its transaction (a bulk load
    just before leaves them stale, and a plan made for empty tables joins millions of rows
    by nested loops)."""
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {model._meta.db_table}")
