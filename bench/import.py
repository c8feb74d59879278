"""Import benchmark: a synthetic persons.csv through `cancuoc import`, against a raw COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/import.py --people 100000

Writes the canonical file of a synthetic province (as ``cancuoc synth --out`` does), creates
its villages, then times the import (read and parse in a second process; validate, classify,
register_load per batch, job bookkeeping) with where the CPU went, and, in the same run:

- raw COPY: a bare ``COPY … FROM STDIN (FORMAT csv)`` of the same file into a table of text
  columns;
- register floor: ``COPY`` of the very rows the import wrote (dumped back out of the register:
  persons, households, residences, homes, cards) into the same tables with the same indexes,
  foreign keys checked once as the import does, rolled back. No import can write the register
  faster than this, whatever its language; the gap between the two floors is the register's
  own cost (four tables more than the file, a trigram index, sort keys).

Prints the rates and ratios. The database ``cancuoc_bench_import`` is dropped and rebuilt.
"""

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from register import recreate_database  # bench/register.py, next to this file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", default="38")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--database", default="cancuoc_bench_import")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        sys.exit("bench/import.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ["DATABASE_URL"] = recreate_database(server, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    folder = Path(tempfile.mkdtemp(prefix="cancuoc-bench-import-"))
    os.environ["CANCUOC_IMPORT_DIR"] = str(folder / "kept")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cancuoc.geo.services import geo_load_current, units_create
    from cancuoc.imports.services import person_import
    from cancuoc.registry.canonical import HEADERS
    from cancuoc.synth.files import synth_write
    from cancuoc.synth.generator import synth_province

    call_command("migrate", verbosity=0)
    geo_load_current()
    started = time.perf_counter()
    built = synth_province(province=args.province, people=args.people, seed=args.seed)
    synth_write(built, folder)
    units_create(built.villages)
    del built
    persons = folder / "persons.csv"
    size = persons.stat().st_size
    print(f"file       {persons} ({size / 1e6:,.1f} MB) in {time.perf_counter() - started:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    cpu_before, backend_before = own_cpu(), process_cpu(backend)
    started = time.perf_counter()
    job = person_import(path=persons, source="bench", batch_size=args.batch_size).job
    imported = time.perf_counter() - started
    (writer, reader), database = own_cpu(), process_cpu(backend) - backend_before
    writer, reader = writer - cpu_before[0], reader - cpu_before[1]
    print(
        f"import     {job.rows_read:,} rows in {imported:.1f} s: {job.rows_read / imported:,.0f} "
        f"rows/s ({job.rows_accepted:,} accepted, {job.rows_rejected:,} rejected, "
        f"{job.rows_merged:,} merged, {job.rows_warned:,} with a warning; "
        f"{job.batches_done} batches of {args.batch_size:,})"
    )
    print(
        f"  CPU      writer {writer:.1f} s, reader {reader:.1f} s, PostgreSQL backend "
        f"{database:.1f} s ({(writer + reader + database) / imported:.2f} cores on average)"
    )

    columns = ", ".join(f"c{n} text" for n in range(len(HEADERS)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_raw_persons ({columns})")
        started = time.perf_counter()
        with (
            persons.open("rb") as handle,
            cursor.cursor.copy(
                "COPY bench_raw_persons FROM STDIN (FORMAT csv, HEADER true, ENCODING 'UTF8')"
            ) as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        copied = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_raw_persons")
        rows = cursor.fetchone()[0]
    print(f"raw COPY   {rows:,} rows in {copied:.2f} s: {rows / copied:,.0f} rows/s")
    floor, written = register_floor(connection)
    print(
        f"register   {written:,} rows over the 5 register tables in {floor:.2f} s "
        f"(COPY of what the import wrote, same indexes, keys checked once)"
    )
    print(f"ratio      the import takes {imported / copied:,.1f}× the time of a raw COPY")
    print(
        f"           the import takes {imported / floor:,.2f}× the register floor, which "
        f"takes {floor / copied:,.1f}× the raw COPY"
    )


def own_cpu() -> tuple[float, float]:
    """CPU seconds of this process, and of its ended children (the reader process)."""
    return tuple(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def process_cpu(pid: int) -> float:
    """CPU seconds of a process on this machine, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


REGISTER_TABLES = [
    "registry_household",
    "registry_person",
    "registry_residence",
    "registry_home",
    "registry_card",
]


def register_floor(connection) -> tuple[float, int]:
    """Seconds to COPY the register's rows back into its own (emptied) tables, and how many
    rows that is; in a transaction rolled back. The foreign keys are dropped and added back
    (checked once), as register_load does for a large load."""
    from cancuoc.lib.bulk import foreign_keys_checked_once
    from cancuoc.registry.models import Card, Home, Household, Person, Residence

    dumps = {}
    with connection.cursor() as cursor:
        for table in REGISTER_TABLES:
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            dumps[table] = buffer.getvalue()
    from django.db import transaction

    written = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(REGISTER_TABLES)} CASCADE")
        started = time.perf_counter()
        tables = (Household, Person, Residence, Home, Card)
        with foreign_keys_checked_once(tables), connection.cursor() as cursor:
            for table, data in dumps.items():
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for start in range(0, len(data), 1 << 20):
                        copy.write(data[start : start + (1 << 20)])
                written += cursor.cursor.rowcount
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the checks, inside the time
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, written


if __name__ == "__main__":
    main()
