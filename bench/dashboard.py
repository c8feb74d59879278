"""Dashboard benchmark: a province of 3.7 M persons and 2.9 M applications in PostgreSQL;
p50/p95 of the province page and of every commune page, as full HTTP requests through
Django (middleware, scoping, queries, templates).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/dashboard.py

The applications and their events are written with COPY (the intake services would take
hours at this size), then the rollups are rebuilt from them with `rollups_rebuild`, the
same code as `cancuoc rollups rebuild`. The database ``cancuoc_dash`` is dropped and rebuilt.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

STATES = ["captured", "approved", "in_production", "produced", "delivered", "handed_over"]
# How far along the 2.9 M applications are at the end of May 2021.
STATE_SHARES = [0.30, 0.20, 0.20, 0.15, 0.10, 0.05]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(user, repeat: int) -> None:
    from django.test import Client

    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code

    client = Client()
    client.force_login(user)
    province = unit_by_code("38")
    communes = list(AdministrativeUnit.objects.filter(parent=province))
    on = "2021-05-23"

    def timed(url: str) -> float:
        began = time.perf_counter()
        response = client.get(url, {"ngay": on})
        assert response.status_code == 200, (url, response.status_code)
        return (time.perf_counter() - began) * 1000

    timed(f"/don-vi/{province.code}/")  # warm the templates
    province_times = [timed(f"/don-vi/{province.code}/") for _ in range(repeat * 10)]
    commune_times = [timed(f"/don-vi/{c.code}/") for _ in range(repeat) for c in communes]
    villages = AdministrativeUnit.objects.villages().order_by("?")[:200]
    village_times = [timed(f"/don-vi/{v.code}/") for v in villages]
    for name, values in (
        ("province", province_times),
        ("commune", commune_times),
        ("village", village_times),
    ):
        print(
            f"page       {name:8} n={len(values):4}  p50 {percentile(values, 0.5):6.1f} ms  "
            f"p95 {percentile(values, 0.95):6.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3_700_000)
    parser.add_argument("--applications", type=int, default=2_900_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="cancuoc_dash")
    parser.add_argument("--reuse", action="store_true", help="time the pages of the last build")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        sys.exit("bench/dashboard.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg

    if not args.reuse:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {args.database}")
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(server)._replace(path=f"/{args.database}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["CANCUOC_REQUIRE_2FA"] = "False"
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.geo.services import geo_load_current
    from cancuoc.intake.models import Application, CardEvent
    from cancuoc.lib.bulk import analyse, copy_rows, reserve_ids, reset_sequence
    from cancuoc.planning.models import Kit, Station, Target
    from cancuoc.registry.models import Home, Person
    from cancuoc.registry.services import register_analyse
    from cancuoc.reports.models import DailyRollup, EligibleSnapshot, StationDayRollup
    from cancuoc.reports.rollups import eligible_snapshot, rollups_rebuild
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    call_command("migrate", verbosity=0)
    if args.reuse:
        measure(get_user_model().objects.get(username="bench"), args.repeat)
        return
    geo_load_current()
    started = time.perf_counter()
    built = synth_province(province="38", people=args.people, seed=7)
    synth_load(built)
    del built
    register_analyse()
    print(f"register   {Person.objects.count():,} persons in {time.perf_counter() - started:.0f} s")

    start = date(2021, 3, 15)
    province = unit_by_code("38")
    started = time.perf_counter()
    eligible_snapshot(province, start)
    print(f"eligible   snapshot of every unit in {time.perf_counter() - started:.1f} s")
    communes = list(AdministrativeUnit.objects.filter(parent=province))
    snapshots = dict(EligibleSnapshot.objects.values_list("unit_id", "eligible"))
    Target.objects.bulk_create(
        Target(unit=u, count=snapshots.get(u.pk, 0), start=start, deadline=date(2021, 6, 17))
        for u in [province, *communes]
    )
    operator = get_user_model().objects.create_superuser("bench", password="x" * 20)
    kits_by_commune = {}
    for commune in communes:
        station = Station.objects.create(
            code=f"B-{commune.code}", name=f"CA {commune.name}", kind="fixed", unit=commune
        )
        kits_by_commune[commune.path] = [
            Kit.objects.create(station=station, code=f"B-{commune.code}-{n}").pk for n in range(4)
        ]
    station_of = {
        path: Kit.objects.get(pk=kits[0]).station_id for path, kits in kits_by_commune.items()
    }

    started = time.perf_counter()
    rng = random.Random(7)
    homes = (
        Home.objects.filter(end_date__isnull=True)
        .values_list("person_id", "unit_id", "unit__path")
        .order_by("person_id")
    )
    chosen = [h for h in homes.iterator(chunk_size=50_000)]
    rng.shuffle(chosen)
    chosen = chosen[: args.applications]
    with transaction.atomic():
        first_app = reserve_ids(Application, len(chosen))
        first_event = reserve_ids(CardEvent, 0)
        apps, events = [], []
        event_id = first_event
        for n, (person, unit, path) in enumerate(chosen):
            commune = path[:16]
            kits = kits_by_commune[commune]
            day = start + timedelta(days=rng.randrange(70))
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
                    rng.choice(kits),
                    operator.pk,
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
    print(
        f"intake     {len(apps):,} applications, {len(events):,} events written in "
        f"{time.perf_counter() - started:.0f} s"
    )
    del apps, events, chosen
    started = time.perf_counter()
    rows = rollups_rebuild()
    print(
        f"rollups    rebuilt {rows[0]:,} unit-days, {rows[1]:,} kit-days in "
        f"{time.perf_counter() - started:.1f} s"
    )
    analyse([Application, CardEvent, DailyRollup, StationDayRollup, Target, EligibleSnapshot])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    measure(operator, args.repeat)


if __name__ == "__main__":
    main()
