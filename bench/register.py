"""Register benchmark: build a synthetic province in PostgreSQL and time what people wait for.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/register.py --people 1000000

Prints: generation time, bulk load rate (persons/s and rows/s over all tables), the commune
worklist p50/p95 (count, and the full list as the page/export reads it) over every commune,
and the province-wide eligible count. The database ``cancuoc_bench`` is dropped and rebuilt.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from urllib.parse import urlsplit, urlunsplit


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def recreate_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", default="38")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2021, 4, 1))
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the communes")
    parser.add_argument("--database", default="cancuoc_bench")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        sys.exit("bench/register.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ["DATABASE_URL"] = recreate_database(server, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.geo.services import geo_load_current
    from cancuoc.registry.services import register_analyse
    from cancuoc.scheduling.worklists import worklist, worklist_counts, worklist_table
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    call_command("migrate", verbosity=0)
    geo_load_current()

    started = time.perf_counter()
    built = synth_province(province=args.province, people=args.people, seed=args.seed)
    generated = time.perf_counter() - started
    print(f"generate   {len(built.records):,} records in {generated:.1f} s")

    started = time.perf_counter()
    result = synth_load(built)
    loaded = time.perf_counter() - started
    rows = result.register.rows + result.villages + result.institutions + result.members
    print(
        f"load       {result.register.persons:,} persons, {rows:,} rows in {loaded:.1f} s: "
        f"{result.register.persons / loaded:,.0f} persons/s, {rows / loaded:,.0f} rows/s"
    )
    del built
    started = time.perf_counter()
    register_analyse()
    print(f"analyse    VACUUM (ANALYZE) after the load: {time.perf_counter() - started:.1f} s")

    province = unit_by_code(args.province)
    communes = list(AdministrativeUnit.objects.filter(parent=province))
    on = args.as_of
    counts: list[float] = []
    lists: list[float] = []
    sizes: list[int] = []
    for repeat in range(max(args.repeat, 1) + 1):  # the first pass warms the cache and is not timed
        for commune in communes:
            started = time.perf_counter()
            size = worklist(unit=commune, on=on).count()
            counted = time.perf_counter() - started
            started = time.perf_counter()
            fetched = list(worklist_table(worklist(unit=commune, on=on), on=on))
            listed = time.perf_counter() - started
            if repeat:
                counts.append(counted * 1000)
                lists.append(listed * 1000)
                sizes.append(size)
            assert len(fetched) == size
    print(
        f"commune    {len(communes)} communes, median worklist {statistics.median(sizes):,.0f} "
        f"people (max {max(sizes):,})"
    )
    print(f"  count    p50 {percentile(counts, 0.5):.1f} ms  p95 {percentile(counts, 0.95):.1f} ms")
    print(f"  list     p50 {percentile(lists, 0.5):.1f} ms  p95 {percentile(lists, 0.95):.1f} ms")

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        total = worklist(unit=province, on=on).count()
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"province   eligible count {total:,} in {statistics.median(timings):,.0f} ms (median of 3)"
    )
    started = time.perf_counter()
    worklist_counts(unit=province, on=on)
    print(
        f"province   per-commune counts (one grouped query) {time.perf_counter() - started:.2f} s"
    )


if __name__ == "__main__":
    main()
