"""Import benchmark: a synthetic persons.csv through `cancuoc import`, against a raw COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/import.py --people 100000

Writes the canonical file of a synthetic province (as ``cancuoc synth --out`` does), creates
its villages, then times the import (parse, validate, classify, register_load per batch, job
bookkeeping) and, in the same run, a bare ``COPY … FROM STDIN (FORMAT csv)`` of the same file
into a table of text columns: the floor no import can beat. Prints both rates and their
ratio. The database ``cancuoc_bench_import`` is dropped and rebuilt.
"""

import argparse
import os
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

    started = time.perf_counter()
    job = person_import(path=persons, source="bench", batch_size=args.batch_size).job
    imported = time.perf_counter() - started
    print(
        f"import     {job.rows_read:,} rows in {imported:.1f} s: {job.rows_read / imported:,.0f} "
        f"rows/s ({job.rows_accepted:,} accepted, {job.rows_rejected:,} rejected, "
        f"{job.rows_merged:,} merged, {job.rows_warned:,} with a warning; "
        f"{job.batches_done} batches of {args.batch_size:,})"
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
    print(f"ratio      the import takes {imported / copied:,.1f}× the time of a raw COPY")


if __name__ == "__main__":
    main()
