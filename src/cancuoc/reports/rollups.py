"""Keeping the rollups: increments in the caller's transaction, and a rebuild from the events.

The increment is one ``INSERT … ON CONFLICT DO UPDATE`` per row, the same SQL on PostgreSQL
and SQLite (3.24+), so concurrent intakes never lose a count.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Subquery
from django.utils import timezone

from cancuoc.geo.models import SEGMENT, AdministrativeUnit
from cancuoc.intake.models import Application, CardEvent, CardState
from cancuoc.registry.models import Person
from cancuoc.registry.worklists import counted_residence

from .models import COUNTERS, DailyRollup, EligibleSnapshot, StationDayRollup


def ancestor_ids(unit: AdministrativeUnit) -> list[int]:
    """The unit and all above it, read from its path (which holds their ids)."""
    return [int(unit.path[i : i + SEGMENT]) for i in range(0, len(unit.path), SEGMENT)]


def _upsert(table: str, key: list[str], rows: Iterable[tuple], counters: list[str]) -> None:
    columns = key + counters
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counters)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))


def rollup_add(unit: AdministrativeUnit, day: date, **counts: int) -> None:
    """Add ``counts`` (counter=n) to the unit's row of ``day`` and every ancestor's."""
    values = [counts.get(c, 0) for c in COUNTERS]
    _upsert(
        DailyRollup._meta.db_table,
        ["unit_id", "day"],
        ((unit_id, day, *values) for unit_id in ancestor_ids(unit)),
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


def local_day(moment) -> date:
    return timezone.localtime(moment).date()


@transaction.atomic
def rollups_rebuild() -> tuple[int, int]:
    """Recount every rollup from the applications and their events (after a bug or a
    restore); returns the numbers of unit-day and station-day rows written."""
    units: dict[int, AdministrativeUnit] = {}
    daily: dict[tuple[int, date], Counter] = defaultdict(Counter)
    events = CardEvent.objects.select_related("application").order_by("application_id", "at", "id")
    captured_before: set[int] = set()
    for event in events.iterator(chunk_size=5000):
        application = event.application
        counter = _counter_for(event.state, application.pk in captured_before)
        if event.state == CardState.CAPTURED:
            captured_before.add(application.pk)
        daily[(application.unit_id, local_day(event.at))][counter] += 1
    for unit in AdministrativeUnit.objects.filter(pk__in={u for u, _ in daily}):
        units[unit.pk] = unit
    totals: dict[tuple[int, date], Counter] = defaultdict(Counter)
    for (unit_id, day), counts in daily.items():
        for ancestor in ancestor_ids(units[unit_id]):
            totals[(ancestor, day)].update(counts)
    DailyRollup.objects.all().delete()
    DailyRollup.objects.bulk_create(
        DailyRollup(unit_id=u, day=d, **{c: counts[c] for c in COUNTERS})
        for (u, d), counts in totals.items()
    )
    stations: dict[tuple, Counter] = defaultdict(Counter)
    for application in Application.objects.iterator(chunk_size=5000):
        first = CardState.REJECTED if application.pk not in captured_before else CardState.CAPTURED
        key = (application.station_id, application.kit_id, application.operator_id,
               local_day(application.started_at))  # fmt: skip
        stations[key]["captured" if first == CardState.CAPTURED else "rejected_at_capture"] += 1
        seconds = (application.ended_at - application.started_at).total_seconds()
        stations[key]["capture_seconds"] += int(seconds)
    StationDayRollup.objects.all().delete()
    StationDayRollup.objects.bulk_create(
        StationDayRollup(
            station_id=s, kit_id=k, operator_id=o, day=d,
            **{c: counts[c] for c in STATION_COUNTERS},
        )
        for (s, k, o, d), counts in stations.items()
    )  # fmt: skip
    return len(totals), len(stations)


def _counter_for(state: str, was_captured: bool) -> str:
    if state == "rejected":
        return "recalled" if was_captured else "rejected_at_capture"
    return state


@transaction.atomic
def eligible_snapshot(unit: AdministrativeUnit, on: date) -> int:
    """Count, for the unit and every unit below it, who needs a card on ``on`` (applications
    aside): one grouped query at the leaves, summed up the tree. Returns the rows written."""

    leaves = (
        Person.objects.living_in(unit, on=on)
        .needing_card(on=on)
        .annotate(home=Subquery(counted_residence(on).values("unit_id")[:1]))
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
