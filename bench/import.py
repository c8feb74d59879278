"""Import benchmark: a synthetic province's canonical file through `cancuoc import` (the
command itself, matching included), into an empty register and into a populated one, as
CSV and as XLSX of the same rows; against a raw COPY and the register floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/import.py --people 1000000
    DATABASE_URL=… python bench/import.py --people 20000          # a small run (also SQLite)

Writes the canonical file of a synthetic province (as ``cancuoc synth --out`` does), creates
its villages, and splits the file at a household boundary: the last ``--new-share`` of the
rows (the last communes, as a commune's later file) are held out. Then:

1. first load: the rest, into the empty register, through ``cancuoc import`` (read and parse
   in a second process; validate, classify, register_load per batch, job bookkeeping), with
   where the CPU went. Matching cannot run yet (no trained model: the command says so);
2. in the same run, on PostgreSQL: raw COPY, a bare ``COPY … FROM STDIN (FORMAT csv)`` of
   the same file into a table of text columns; and the register floor, ``COPY`` of the very
   rows the import wrote (dumped back out of the register: persons, households, residences,
   homes, cards) into the same tables with the same indexes, foreign keys checked once as
   the import does, rolled back. No import can write the register faster than this;
3. ``cancuoc dedup run`` over the loaded register (untimed here: bench/dedup.py), which
   trains the model the command's matching uses;
4. the held-out rows into that populated register through ``cancuoc import``, matching
   included, once from CSV and once from XLSX (openpyxl, one sheet, the same cells), each
   from the same starting point (a copy of the database taken after step 3). Prints both
   rates, with and without matching, and the XLSX/CSV ratio.

``--no-match`` skips step 3 and the matching (``--no-dedup``), and says so. The database
``cancuoc_bench_import`` (and ``…_snap``) is dropped and rebuilt.
"""

import argparse
import csv
import io
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from common import (  # bench/common.py, next to this file
    django_setup,
    recreate_database,
    server_url,
    vendor,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", default="38")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument(
        "--new-share", type=float, default=0.05, help="rows held out for the populated import"
    )
    parser.add_argument("--no-match", action="store_true", help="skip matching (--no-dedup)")
    parser.add_argument("--database", default="cancuoc_bench_import")
    args = parser.parse_args()

    server = server_url()
    folder = Path(tempfile.mkdtemp(prefix="cancuoc-bench-import-"))
    django_setup(recreate_database(server, args.database), CANCUOC_IMPORT_DIR=str(folder / "kept"))
    from django.core.management import call_command
    from django.db import connection

    from cancuoc.dedup.models import MatchRun
    from cancuoc.geo.services import geo_load_current, units_create
    from cancuoc.imports.models import ImportJob
    from cancuoc.registry.canonical import HEADERS
    from cancuoc.synth.files import synth_write
    from cancuoc.synth.generator import synth_province

    call_command("migrate", verbosity=0)
    geo_load_current()
    postgres = vendor() == "postgresql"
    print(f"database   {vendor()}")
    started = time.perf_counter()
    built = synth_province(province=args.province, people=args.people, seed=args.seed)
    synth_write(built, folder)
    units_create(built.villages)
    del built
    rest, new = split_file(folder / "persons.csv", args.new_share)
    new_xlsx = xlsx_write(new)
    print(
        f"files      {rest.name} {rest.stat().st_size / 1e6:,.1f} MB, {new.name} "
        f"{new.stat().st_size / 1e6:,.1f} MB, {new_xlsx.name} {new_xlsx.stat().st_size / 1e6:,.1f}"
        f" MB in {time.perf_counter() - started:.1f} s"
    )

    def command(path: Path) -> tuple[float, ImportJob, MatchRun | None]:
        """``cancuoc import PATH`` as typed; its time, job and matching run."""
        runs = MatchRun.objects.count()
        output = io.StringIO()
        began = time.perf_counter()
        options = {"batch_size": args.batch_size, "no_dedup": args.no_match}
        call_command("import", str(path), stdout=output, **options)
        elapsed = time.perf_counter() - began
        job = ImportJob.objects.latest("pk")
        run = MatchRun.objects.latest("pk") if MatchRun.objects.count() > runs else None
        if run is None and not args.no_match:
            print(f"           (the command: {output.getvalue().strip().splitlines()[-1]})")
        return elapsed, job, run

    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        backend_before = process_cpu(backend)
    cpu_before = own_cpu()
    imported, job, _ = command(rest)
    (writer, reader) = own_cpu()
    writer, reader = writer - cpu_before[0], reader - cpu_before[1]
    print(
        f"first load {job.rows_read:,} rows in {imported:.1f} s: {job.rows_read / imported:,.0f} "
        f"rows/s into an empty register ({job.rows_accepted:,} accepted, "
        f"{job.rows_rejected:,} rejected, {job.rows_merged:,} merged, {job.rows_warned:,} with a "
        f"warning; {job.batches_done} batches of {args.batch_size:,}); no matching: no model yet"
    )
    database = process_cpu(backend) - backend_before if postgres else 0.0
    print(
        f"  CPU      writer {writer:.1f} s, reader {reader:.1f} s, database backend "
        f"{database:.1f} s ({(writer + reader + database) / imported:.2f} cores on average)"
        + ("" if postgres else " (SQLite: in the writer)")
    )

    if postgres:
        copied, rows = raw_copy(connection, rest, len(HEADERS))
        print(f"raw COPY   {rows:,} rows in {copied:.2f} s: {rows / copied:,.0f} rows/s")
        floor, written = register_floor(connection)
        print(
            f"register   {written:,} rows over the 5 register tables in {floor:.2f} s "
            f"(COPY of what the import wrote, same indexes, keys checked once)"
        )
        print(f"ratio      the first load takes {imported / copied:,.1f}× the time of a raw COPY")
        print(
            f"           and {imported / floor:,.2f}× the register floor, which "
            f"takes {floor / copied:,.1f}× the raw COPY"
        )
    else:
        print("raw COPY   not measured on SQLite (no COPY); nor the register floor")

    if args.no_match:
        print("dedup      not run (--no-match): the imports below do not match their records")
    else:
        started = time.perf_counter()
        try:
            call_command("dedup", "run", stdout=io.StringIO())
        except Exception as error:  # a small register may not train: say so, and go on
            args.no_match = True
            print(
                f"dedup      the first run failed ({type(error).__name__}: {error}); the "
                f"imports below do NOT match their records"
            )
        else:
            print(
                f"dedup      a first run over the register (trains the model the matching "
                f"uses) in {time.perf_counter() - started:.1f} s"
            )
    snapshot = snapshot_take(connection, server, args.database)
    rates = {}
    for path in (new, new_xlsx):
        snapshot_restore(connection, server, args.database, snapshot)
        elapsed, job, run = command(path)
        matching = sum(run.seconds.values()) if run else 0.0
        rates[path.suffix] = job.rows_read / elapsed
        print(
            f"populated  {path.suffix[1:].upper():4} {job.rows_read:,} rows in {elapsed:.1f} s: "
            + (
                f"{job.rows_read / elapsed:,.0f} rows/s with matching, "
                f"{job.rows_read / max(elapsed - matching, 1e-9):,.0f} rows/s without "
                if run
                else f"{job.rows_read / elapsed:,.0f} rows/s, no matching "
            )
            + f"({job.rows_accepted:,} accepted, {job.rows_rejected:,} rejected, "
            f"{job.rows_merged:,} merged)"
        )
        if run:
            print(
                f"  matching {run.records:,} new records in {matching:.1f} s: "
                f"{run.auto_merged:,} merged, {run.to_review:,} to review"
            )
        elif not args.no_match:
            print("  matching did not run")
    snapshot_drop(server, snapshot)
    print(f"ratio      XLSX at {rates['.xlsx'] / rates['.csv']:.2f}× the CSV rate (same rows)")
    print(
        "not measured: an upload through the web page (the same import, in a request), XLSX "
        "of the first load (one sheet holds 1,048,576 rows), files with title rows"
    )


def split_file(persons: Path, share: float) -> tuple[Path, Path]:
    """persons.csv as two files: the last ``share`` of its rows, starting at a new
    household, and the rest."""
    with persons.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, rows = rows[0], rows[1:]
    household = header.index("Mã hộ")
    cut = max(1, int(len(rows) * (1 - share)))
    while 0 < cut < len(rows) and rows[cut][household] == rows[cut - 1][household]:
        cut += 1
    written = []
    for name, part in (("rest.csv", rows[:cut]), ("new.csv", rows[cut:])):
        path = persons.with_name(name)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(part)
        written.append(path)
    return written[0], written[1]


def xlsx_write(path: Path) -> Path:
    """The same cells as the CSV, in one XLSX sheet (text, as a commune's file holds them)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    out = path.with_suffix(".xlsx")
    book.save(out)
    return out


def snapshot_take(connection, server: str, name: str) -> str:
    """A copy of the database as it is now; its name (PostgreSQL) or file (SQLite)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        source = connection.settings_dict["NAME"]
        shutil.copyfile(source, f"{source}.snap")
        return f"{source}.snap"
    import psycopg

    connection.close()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}_snap WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}_snap TEMPLATE {name}")
    return f"{name}_snap"


def snapshot_restore(connection, server: str, name: str, snapshot: str) -> None:
    connection.close()
    if connection.vendor == "sqlite":
        target = connection.settings_dict["NAME"]
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(snapshot, target)
        return
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {snapshot}")


def snapshot_drop(server: str, snapshot: str) -> None:
    if server.startswith("sqlite"):
        Path(snapshot).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {snapshot} WITH (FORCE)")


def raw_copy(connection, path: Path, width: int) -> tuple[float, int]:
    """Seconds of a bare COPY of the CSV into a table of text columns, and its rows."""
    columns = ", ".join(f"c{n} text" for n in range(width))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_raw_persons ({columns})")
        started = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.cursor.copy(
                "COPY bench_raw_persons FROM STDIN (FORMAT csv, HEADER true, ENCODING 'UTF8')"
            ) as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        copied = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_raw_persons")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_raw_persons")
    return copied, rows


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
