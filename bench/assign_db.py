"""Assignment through the database: a synthetic province in PostgreSQL, stations with three
shifts, slots for the campaign's days, and the whole province's worklist booked with
``appointments_assign``: seconds for each step, rows/s of the bookings written, and the checks
that no slot is over capacity and no household split.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/assign_db.py --people 1000000 --stations 300 --days 60

The database ``cancuoc_bench_assign`` is dropped and rebuilt. ``bench/assign.py`` measures the
solver alone on a problem of the same shape.
"""

import argparse
import os
import sys
import time
from datetime import date, datetime, timedelta

from register import recreate_database  # bench/register.py, next to this file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2021, 4, 1))
    parser.add_argument("--database", default="cancuoc_bench_assign")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        sys.exit("bench/assign_db.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ["DATABASE_URL"] = recreate_database(server, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.geo.services import geo_load_current
    from cancuoc.planning.models import Kit, Shift, Station, StationKind
    from cancuoc.registry.services import register_analyse
    from cancuoc.scheduling.models import Appointment, Slot
    from cancuoc.scheduling.services import appointments_assign, slots_generate
    from cancuoc.synth.demo import DEMO_SHIFTS
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    call_command("migrate", verbosity=0)
    geo_load_current()
    started = time.perf_counter()
    result = synth_load(synth_province(province="38", people=args.people, seed=args.seed))
    register_analyse()
    print(
        f"register   {result.register.persons:,} persons in {time.perf_counter() - started:.1f} s"
    )

    # Stations given to the communes in turn (so some have two); two kits, three shifts.
    province = unit_by_code("38")
    communes = list(AdministrativeUnit.objects.filter(parent=province).order_by("code"))
    stations = []
    for n in range(args.stations):
        commune = communes[n % len(communes)]
        station = Station.objects.create(
            code=f"B-{n:03}", name=f"Điểm {n}", kind=StationKind.FIXED, unit=commune
        )
        Kit.objects.bulk_create(Kit(station=station, code=f"B-{n:03}-{k}") for k in (1, 2))
        Shift.objects.bulk_create(
            Shift(station=station, name=name, starts=starts, ends=ends)
            for name, starts, ends in DEMO_SHIFTS
        )
        stations.append(station)
    first = args.as_of + timedelta(days=1)
    last = args.as_of + timedelta(days=args.days)
    started = time.perf_counter()
    made = sum(slots_generate(station=s, first=first, last=last, no_show=0.1) for s in stations)
    print(f"slots      {made:,} in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    run = appointments_assign(
        unit=province,
        first=first,
        last=last,
        on=args.as_of,
        after=timezone.make_aware(datetime.combine(first, datetime.min.time())),
    )
    elapsed = time.perf_counter() - started
    print(
        f"assign     {run.persons:,} in the worklist, {run.assigned:,} booked, "
        f"{run.unassigned:,} without a slot, in {elapsed:.1f} s "
        f"({run.assigned / elapsed:,.0f} bookings/s end to end); cost {run.cost:,}, lower "
        f"bound {run.lower_bound:,}, cost/bound {run.cost / max(run.lower_bound, 1):.6f}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT s.id FROM scheduling_slot s JOIN "
            "scheduling_appointment a ON a.slot_id = s.id GROUP BY s.id, s.capacity "
            "HAVING count(*) > s.capacity) over"
        )
        over = cursor.fetchone()[0]
        # Members of a household who live together (one home on the day) share a slot; those
        # living apart (a temporary residence elsewhere) are booked where each lives.
        cursor.execute(
            "SELECT count(*) FROM (SELECT a.household_id, h.unit_id FROM scheduling_appointment a "
            "JOIN registry_home h ON h.person_id = a.person_id AND (h.start_date IS NULL OR "
            "h.start_date <= %s) AND (h.end_date IS NULL OR h.end_date > %s) "
            "WHERE a.household_id IS NOT NULL GROUP BY a.household_id, h.unit_id "
            "HAVING count(DISTINCT a.slot_id) > 1) x",
            [args.as_of, args.as_of],
        )
        split = cursor.fetchone()[0]
    stored = Appointment.objects.count()
    print(
        f"check      {stored:,} bookings stored (= booked: {stored == run.assigned}); "
        f"slots over capacity: {over}; households split: {split}; "
        f"slots in all: {Slot.objects.count():,}"
    )


if __name__ == "__main__":
    main()
