"""Keeping the rollups: increments in the caller's transaction, and a rebuild from the events.

The increment is one ``INSERT … ON CONFLICT DO UPDATE`` per row, the same SQL on PostgreSQL
and SQLite (3.24+), so concurrent intakes never lose a count.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Subquery

from cancuoc.geo.models import SEGMENT, AdministrativeUnit
from cancuoc.intake.models import Application, CardEvent
from cancuoc.registry.models import Person
from cancuoc.scheduling.worklists import counted_residence

from .models import COUNTERS, DailyRollup, EligibleSnapshot, StationDayRollup
from .sql import delete_rows, local_date, statistics_refresh
from .still_to_enrol import still_to_enrol_rebuild


def ancestor_ids(unit: AdministrativeUnit) -> list[int]:
    """The unit and all above it, read from its path (which holds their ids)."""
    return [int(unit.path[i : i + SEGMENT]) for i in range(0, len(unit.path), SEGMENT)]


def _upsert(table: str, key: list[str], rows: Iterable[tuple], counters: list[str]) -> None:
    """One statement for all the rows (units and their ancestors: distinct keys, always in
    the same order, so concurrent intakes cannot deadlock on them)."""
    rows = list(rows)
    columns = key + counters
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counters)
    one = f"({', '.join(['%s'] * len(columns))})"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def rollup_add(
    unit: AdministrativeUnit,
    day: date,
    *,
    former: AdministrativeUnit | None = None,
    **counts: int,
) -> None:
    """Add ``counts`` (counter=n) to the unit's row of ``day`` and every ancestor's, and to
    ``former``'s and its ancestors' (the same place on the map before 1 July 2025: a person
    counts once in each tree), in one statement."""
    values = [counts.get(c, 0) for c in COUNTERS]
    units = ancestor_ids(unit) + (ancestor_ids(former) if former is not None else [])
    _upsert(
        DailyRollup._meta.db_table,
        ["unit_id", "day"],
        ((unit_id, day, *values) for unit_id in sorted(units)),
        COUNTERS,
    )


STATION_COUNTERS = ["captured", "rejected_at_capture", "capture_seconds"]


def station_rollup_add(*, station_id: int, kit_id: int, operator_id: int, day: date, **counts):
    _upsert(
        StationDayRollup._meta.db_table,
        ["station_id", "kit_id", "operator_id", "day"],
        [(station_id, kit_id, operator_id, day, *[counts.get(c, 0) for c in STATION_COUNTERS])],
        STATION_COUNTERS,
    )


def _seconds(start: str, end: str) -> str:
    """Whole seconds between two timestamps, each cut to the second (as capture_seconds)."""
    if connection.vendor == "postgresql":
        return (
            f"(EXTRACT(EPOCH FROM date_trunc('second', {end}))"
            f" - EXTRACT(EPOCH FROM date_trunc('second', {start})))"
        )
    return f"(CAST(strftime('%s', {end}) AS INTEGER) - CAST(strftime('%s', {start}) AS INTEGER))"


@transaction.atomic
def rollups_rebuild() -> tuple[int, int, int, int]:
    """Recount every rollup: from the applications and their events (after a bug or a
    restore), in two INSERT … SELECT statements, and who is still to enrol from the register
    (``still_to_enrol_rebuild``); returns the rows written (unit-day, station-day, still to
    enrol unit-day, institution-day). A rejection counts as "recalled" when the application
    was captured before it, else as "rejected at capture". Each application counts in both
    trees: its unit's and, when it has one, its unit's on the map before 1 July 2025."""
    event, application, unit = "intake_cardevent", "intake_application", "geo_administrativeunit"
    counter = f"""CASE WHEN e.state = 'rejected' THEN CASE WHEN EXISTS (
        SELECT 1 FROM {event} c WHERE c.application_id = e.application_id
        AND c.state = 'captured' AND (c.at < e.at OR (c.at = e.at AND c.id < e.id)))
        THEN 'recalled' ELSE 'rejected_at_capture' END ELSE e.state END"""
    sums = ", ".join(f"SUM(CASE WHEN k.counter = '{c}' THEN k.n ELSE 0 END)" for c in COUNTERS)
    # Each unit's ancestors are the prefixes of its path, one per level: an equality join
    # per level (hashable), not a prefix test against every unit.
    depth = max(AdministrativeUnit.objects.values_list("depth", flat=True), default=0) + 1
    levels = " UNION ALL ".join(f"SELECT {SEGMENT * (n + 1)} AS size" for n in range(depth))
    daily = f"""
        INSERT INTO {DailyRollup._meta.db_table} (unit_id, day, {", ".join(COUNTERS)})
        SELECT a.id, k.day, {sums}
        FROM (SELECT unit_id, day, counter, COUNT(*) AS n FROM (
                SELECT ap.unit_id, {local_date("e.at")} AS day, {counter} AS counter
                FROM {event} e JOIN {application} ap ON ap.id = e.application_id
                UNION ALL
                SELECT ap.former_unit_id, {local_date("e.at")} AS day, {counter} AS counter
                FROM {event} e JOIN {application} ap ON ap.id = e.application_id
                WHERE ap.former_unit_id IS NOT NULL) events
              GROUP BY unit_id, day, counter) k
        JOIN {unit} u ON u.id = k.unit_id
        JOIN ({levels}) lv ON lv.size <= length(u.path)
        JOIN {unit} a ON a.path = substr(u.path, 1, lv.size)
        GROUP BY a.id, k.day"""
    captured = f"""EXISTS (SELECT 1 FROM {event} c
        WHERE c.application_id = ap.id AND c.state = 'captured')"""
    stations = f"""
        INSERT INTO {StationDayRollup._meta.db_table}
            (station_id, kit_id, operator_id, day, {", ".join(STATION_COUNTERS)})
        SELECT ap.station_id, ap.kit_id, ap.operator_id, {local_date("ap.started_at")},
            SUM(CASE WHEN {captured} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {captured} THEN 0 ELSE 1 END),
            SUM({_seconds("ap.started_at", "ap.ended_at")})
        FROM {application} ap
        GROUP BY ap.station_id, ap.kit_id, ap.operator_id, {local_date("ap.started_at")}"""
    statistics_refresh([CardEvent, Application])
    delete_rows(DailyRollup)
    delete_rows(StationDayRollup)
    with connection.cursor() as cursor:
        cursor.execute(daily)
        cursor.execute(stations)
    return DailyRollup.objects.count(), StationDayRollup.objects.count(), *still_to_enrol_rebuild()


def capture_seconds(started, ended) -> int:
    """Whole seconds between the two moments, each cut to the second (the rebuild's SQL
    counts the same way on both databases)."""
    return int(ended.timestamp()) - int(started.timestamp())


@transaction.atomic
def eligible_snapshot(unit: AdministrativeUnit, on: date) -> int:
    """Count, for the unit and every unit below it, who needs a card on ``on`` (applications
    aside): one grouped query at the leaves, summed up the tree; a unit of the map before
    1 July 2025 by the homes' places on that map. Returns the rows written."""
    place = "former_unit_id" if unit.on_old_map else "unit_id"
    leaves = (
        Person.objects.living_in(unit, on=on)
        .needing_card(on=on)
        .annotate(home=Subquery(counted_residence(on).values(place)[:1]))
        .order_by()
        .values("home")
        .annotate(n=Count("pk"))
    )
    counts: Counter = Counter()
    units = {u.pk: u for u in AdministrativeUnit.objects.subtree(unit)}
    for row in leaves:
        if row["home"] in units:
            for ancestor in ancestor_ids(units[row["home"]]):
                if ancestor in units:
                    counts[ancestor] += row["n"]
    EligibleSnapshot.objects.filter(unit__in=units.values(), as_of=on).delete()
    EligibleSnapshot.objects.bulk_create(
        EligibleSnapshot(unit_id=pk, as_of=on, eligible=counts[pk]) for pk in units
    )
    return len(units)
