"""Register benchmark: a synthetic province (3.7 M persons, 2.9 M applications by default) and
the commune worklist as a commune officer meets it: the page's count and first page, and the
XLSX export, full rows with their formatting, through the download view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/register.py
    DATABASE_URL=… python bench/register.py --people 20000      # a small run (also SQLite)
    DATABASE_URL=… python bench/register.py --reuse --database cancuoc_dash --communes 5

Prints: generation time, bulk load rate (persons/s and rows/s over all tables), the
applications written (or, with ``--reuse``, how long ``migrate`` took on the existing
database: new indexes are built then); for the communes timed, as each one's own commune
officer (scoped to the commune, as the page is), p50/p95 of the worklist page's count and of
its first page of 50 formatted rows (``worklist_table`` paginated and ``worklist_page``:
place names, next appointments, labels), the first pass (cold: a new database connection,
nothing cached by Django) apart from the warm passes; then the XLSX export
(``GET /don-vi/<code>/danh-sach.xlsx``, the download view) of the largest communes timed, in
rows/s with the peak of Python's memory while writing (tracemalloc) and the process's peak
resident size; last the province-wide eligible count. Without ``--reuse`` the database
``cancuoc_bench`` is dropped and rebuilt; with it nothing is dropped or written but the
officers' users (``bench-xa-<code>`` are used when they exist) and the audit rows of the
exports.
"""

import argparse
import resource
import statistics
import time
import tracemalloc
from datetime import date

from common import (  # bench/common.py, next to this file
    applications_write,
    database_of,
    django_setup,
    percentile,
    recreate_database,
    server_url,
    vendor,
)

__all__ = ["percentile", "recreate_database"]  # other benches import them from here

PAGE_SIZE = 50  # reports.views.PAGE_SIZE: the worklist page's rows


def build(args) -> None:
    """Generate the province, load it, write its applications, analyse."""
    from django.contrib.auth import get_user_model

    from cancuoc.registry.services import register_analyse
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    applications = args.applications
    if applications is None:
        applications = round(args.people * 2_900_000 / 3_700_000)
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
    operator = get_user_model().objects.create_superuser("bench")
    started = time.perf_counter()
    written = applications_write(count=applications, seed=args.seed, operator_id=operator.pk)
    print(
        f"intake     {written[0]:,} applications, {written[1]:,} events written in "
        f"{time.perf_counter() - started:.0f} s"
    )
    started = time.perf_counter()
    register_analyse()
    print(f"analyse    statistics after the load: {time.perf_counter() - started:.1f} s")


def officer_of(commune):
    """The commune's own officer: bench/dashboard.py's ``bench-xa-<code>`` when it exists."""
    from django.contrib.auth import get_user_model

    from cancuoc.accounts.models import Assignment, Role

    User = get_user_model()
    user = User.objects.filter(username=f"bench-xa-{commune.code}").first()
    if user is None:
        user, created = User.objects.get_or_create(username=f"xa-{commune.code}")
        if created:
            Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=commune)
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3_700_000)
    parser.add_argument(
        "--applications", type=int, help="default: 2.9 M for 3.7 M persons, in proportion"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", default="38")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2021, 5, 23))
    parser.add_argument("--repeat", type=int, default=3, help="warm passes over the communes")
    parser.add_argument("--exports", type=int, default=3, help="largest communes exported")
    parser.add_argument(
        "--communes", type=int, help="time this many communes, spread over the list (all)"
    )
    parser.add_argument("--database", default="cancuoc_bench")
    parser.add_argument(
        "--reuse", action="store_true", help="time an existing database (after migrate)"
    )
    args = parser.parse_args()

    server = server_url()
    url = database_of(server, args.database) if args.reuse else None
    django_setup(
        url or recreate_database(server, args.database),
        CANCUOC_REQUIRE_2FA="False",
        ALLOWED_HOSTS="testserver",
    )
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from cancuoc.accounts.purposes import PURPOSES
    from cancuoc.accounts.scope import scope_for
    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.geo.services import geo_load_current
    from cancuoc.registry.selectors import persons_visible
    from cancuoc.scheduling.worklists import (
        worklist,
        worklist_counts,
        worklist_page,
        worklist_table,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database   {vendor()} {args.database}: migrate {time.perf_counter() - started:.1f} s")
    if not args.reuse:
        geo_load_current()
        build(args)

    province = unit_by_code(args.province)
    communes = list(AdministrativeUnit.objects.filter(parent=province).order_by("code"))
    if args.communes:
        step = max(len(communes) // args.communes, 1)
        communes = communes[::step][: args.communes]
    officers = {commune.pk: officer_of(commune) for commune in communes}
    on = args.as_of

    def page_of(commune) -> tuple[int, float, float]:
        """The worklist page's count and first page, as reports.worklist_views builds them."""
        scope = scope_for(officers[commune.pk])
        persons = persons_visible(scope, worklist(unit=commune, on=on))
        began = time.perf_counter()
        page = Paginator(worklist_table(persons, on=on), PAGE_SIZE).get_page(1)
        size = page.paginator.count
        counted = time.perf_counter() - began
        began = time.perf_counter()
        formatted = worklist_page(list(page), start=page.start_index(), on=on)
        listed = time.perf_counter() - began
        assert len(formatted) == min(size, PAGE_SIZE)
        return size, counted * 1000, listed * 1000

    sizes: dict[int, int] = {}
    cold_counts, cold_pages, counts, pages = [], [], [], []
    for commune in communes:  # cold: a new connection for each commune's first request
        connection.close()
        size, counted, listed = page_of(commune)
        sizes[commune.pk] = size
        cold_counts.append(counted)
        cold_pages.append(listed)
    for _ in range(max(args.repeat, 1)):
        for commune in communes:
            _size, counted, listed = page_of(commune)
            counts.append(counted)
            pages.append(listed)
    print(
        f"commune    {len(communes)} communes as their commune officer, on {on}: median "
        f"worklist {statistics.median(sizes.values()):,.0f} people (max {max(sizes.values()):,})"
    )
    for name, values in (
        ("count cold", cold_counts),
        ("count warm", counts),
        ("page cold", cold_pages),
        ("page warm", pages),
    ):
        print(
            f"  {name:10} n={len(values):4}  p50 {percentile(values, 0.5):7.1f} ms  "
            f"p95 {percentile(values, 0.95):7.1f} ms  max {max(values):7.1f} ms"
        )

    by_size = sorted(communes, key=lambda c: -sizes[c.pk])
    largest = by_size[: args.exports]
    total_rows = total_seconds = 0.0
    for n, commune in enumerate([by_size[-1], *largest]):  # the first, untimed, warms up
        client = Client()
        client.force_login(officers[commune.pk])
        tracemalloc.start()
        began = time.perf_counter()
        response = client.get(
            f"/don-vi/{commune.code}/danh-sach.xlsx", {"ngay": on, "muc_dich": PURPOSES[0]}
        )
        assert response.status_code == 200, (commune.code, response.status_code)
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        seconds = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if not n:
            continue
        total_rows += sizes[commune.pk]
        total_seconds += seconds
        print(
            f"export     {commune.code} {sizes[commune.pk]:,} rows, {size / 1e3:,.0f} kB XLSX "
            f"in {seconds:.2f} s: {sizes[commune.pk] / seconds:,.0f} rows/s, Python memory "
            f"peak {peak / 1e6:.1f} MB (tracemalloc slows it)"
        )
    if total_seconds:
        print(f"  all      {total_rows / total_seconds:,.0f} rows/s over {len(largest)} exports")
    if largest:  # the same again without tracemalloc, which costs time per allocation
        client = Client()
        client.force_login(officers[largest[0].pk])
        began = time.perf_counter()
        response = client.get(
            f"/don-vi/{largest[0].code}/danh-sach.xlsx", {"ngay": on, "muc_dich": PURPOSES[0]}
        )
        for _chunk in response.streaming_content:
            pass
        response.close()
        seconds = time.perf_counter() - began
        print(
            f"  untraced {largest[0].code} {sizes[largest[0].pk]:,} rows in {seconds:.2f} s: "
            f"{sizes[largest[0].pk] / seconds:,.0f} rows/s; process peak resident "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:,.0f} MB"
        )

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
    skipped = f"communes other than the {len(communes)} timed, " if args.communes else ""
    print(
        f"not measured: {skipped}the HTML around the worklist (bench/dashboard.py times whole "
        "pages), the filters (village, basis, easy/hard), pages other than the first, "
        "concurrent users (bench/load.py), an idle machine unless it was"
    )


if __name__ == "__main__":
    main()
