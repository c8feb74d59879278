"""What the benchmarks share: a database of their own (PostgreSQL or SQLite), percentiles,
Django set up for a bench, and a province's applications written in bulk."""

import os
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"

# How far along the applications are at the end of May 2021 (bench/dashboard.py and
# bench/register.py write the same ones).
STATES = ["captured", "approved", "in_production", "produced", "delivered", "handed_over"]
STATE_SHARES = [0.30, 0.20, 0.20, 0.15, 0.10, 0.05]
CAMPAIGN_START = date(2021, 3, 15)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def audit_head_file(name: str) -> Path:
    """The audit chain's signed head of the bench database ``name``: its own, not the
    checkout's (var/), which belongs to another database."""
    return Path(tempfile.gettempdir()) / "cancuoc-bench-audit" / f"{name}.json"


def recreate_database(url: str, name: str) -> str:
    """Drop and create the database ``name`` on the server of ``url``; its URL. For SQLite
    (``sqlite:////dir/any.sqlite3``) the database is the file ``dir/<name>.sqlite3``. Its
    audit head (see audit_head_file) goes with it."""
    audit_head_file(name).unlink(missing_ok=True)
    if url.startswith("sqlite"):
        folder = Path(urlsplit(url).path).parent
        path = folder / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_of(url: str, name: str) -> str:
    """The URL of the database ``name`` on the server of ``url`` (as recreate_database
    names it), without touching it."""
    if url.startswith("sqlite"):
        return f"sqlite:///{Path(urlsplit(url).path).parent / f'{name}.sqlite3'}"
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    if not url.startswith(("postgres", "sqlite")):
        sys.exit("set DATABASE_URL=postgres://… (what the benches measure) or sqlite:///…")
    return url


def django_setup(database_url: str, **environment: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    name = Path(urlsplit(database_url).path).stem if database_url.startswith("sqlite") else ""
    head = audit_head_file(name or urlsplit(database_url).path.strip("/"))
    head.parent.mkdir(parents=True, exist_ok=True)
    os.environ["CANCUOC_AUDIT_HEAD_FILE"] = str(head)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.update(environment)
    import django

    django.setup()


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def applications_write(*, count: int, seed: int, operator_id: int) -> tuple[int, int]:
    """Stations with four kits in every commune of province 38, and ``count`` applications of
    people chosen at random among those with a home, spread over the campaign's first 70 days
    and as far along as STATE_SHARES, each with its events; written with COPY (the intake
    services would take hours at millions). Returns (applications, events)."""
    from django.db import transaction

    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.intake.models import Application, CardEvent
    from cancuoc.lib.bulk import copy_rows, reserve_ids, reset_sequence
    from cancuoc.planning.models import Kit, Station
    from cancuoc.registry.models import Home

    province = unit_by_code("38")
    kits_of, station_of = {}, {}
    for commune in AdministrativeUnit.objects.filter(parent=province):
        station = Station.objects.create(
            code=f"B-{commune.code}", name=f"CA {commune.name}", kind="fixed", unit=commune
        )
        station_of[commune.path] = station.pk
        kits_of[commune.path] = [
            Kit.objects.create(station=station, code=f"B-{commune.code}-{n}").pk for n in range(4)
        ]
    rng = random.Random(seed)
    homes = (
        Home.objects.filter(end_date__isnull=True)
        .values_list("person_id", "unit_id", "unit__path")
        .order_by("person_id")
    )
    chosen = list(homes.iterator(chunk_size=50_000))
    rng.shuffle(chosen)
    chosen = chosen[:count]
    with transaction.atomic():
        first_app = reserve_ids(Application, len(chosen))
        event_id = reserve_ids(CardEvent, 0)
        apps, events = [], []
        for n, (person, unit, path) in enumerate(chosen):
            commune = path[:16]
            day = CAMPAIGN_START + timedelta(days=rng.randrange(70))
            at = datetime(day.year, day.month, day.day, 0, 0, tzinfo=UTC) + timedelta(
                minutes=rng.randrange(18 * 60)
            )
            state = rng.choices(STATES, STATE_SHARES)[0]
            reached = STATES.index(state)
            apps.append(
                (
                    first_app + n,
                    person,
                    unit,
                    station_of[commune],
                    rng.choice(kits_of[commune]),
                    operator_id,
                    at,
                    at + timedelta(minutes=rng.randint(6, 12)),
                    False,
                    state,
                    at + timedelta(days=reached),
                    "",
                    f"bench-{n}",
                )
            )
            for step in range(reached + 1):
                events.append(
                    (
                        event_id,
                        first_app + n,
                        STATES[step],
                        at + timedelta(days=step, minutes=10),
                        None,
                        "",
                        "",
                    )
                )
                event_id += 1
        copy_rows(
            Application,
            [
                "id",
                "person_id",
                "unit_id",
                "station_id",
                "kit_id",
                "operator_id",
                "started_at",
                "ended_at",
                "walk_in",
                "state",
                "state_since",
                "reason",
                "idempotency_key",
            ],
            apps,
        )
        copy_rows(
            CardEvent, ["id", "application_id", "state", "at", "by_id", "batch", "reason"], events
        )
    for model in (Application, CardEvent):
        reset_sequence(model)
    return len(apps), len(events)


def rollups_and_targets(*, on: date = CAMPAIGN_START) -> None:
    """What the dashboards read: the eligible snapshot of every unit, targets for the
    province and its communes, the rollups rebuilt (as ``cancuoc rollups rebuild``: the
    still-to-enrol rollups too, since the applications were written by COPY, around the
    intake services that keep them)."""
    import time

    from django.db import connection

    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.intake.models import Application, CardEvent
    from cancuoc.lib.bulk import analyse
    from cancuoc.planning.models import Target
    from cancuoc.reports.models import (
        DailyRollup,
        EligibleSnapshot,
        InstitutionRollup,
        PersonContribution,
        StationDayRollup,
        StillToEnrolRollup,
    )
    from cancuoc.reports.rollups import eligible_snapshot, rollups_rebuild

    province = unit_by_code("38")
    started = time.perf_counter()
    eligible_snapshot(province, on)
    print(f"eligible   snapshot of every unit in {time.perf_counter() - started:.1f} s")
    communes = list(AdministrativeUnit.objects.filter(parent=province))
    snapshots = dict(EligibleSnapshot.objects.values_list("unit_id", "eligible"))
    Target.objects.bulk_create(
        Target(unit=u, count=snapshots.get(u.pk, 0), start=on, deadline=date(2021, 6, 17))
        for u in [province, *communes]
    )
    analyse([Application, CardEvent])  # the rebuild's plan needs their sizes
    started = time.perf_counter()
    daily, stations, to_enrol, institutions = rollups_rebuild()
    print(
        f"rollups    rebuilt in {time.perf_counter() - started:.1f} s: {daily:,} unit-days, "
        f"{stations:,} station-days, {to_enrol:,} still-to-enrol unit-days, "
        f"{institutions:,} institution-days"
    )
    analyse(
        [
            Application,
            CardEvent,
            DailyRollup,
            StationDayRollup,
            Target,
            EligibleSnapshot,
            PersonContribution,
            StillToEnrolRollup,
            InstitutionRollup,
        ]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
