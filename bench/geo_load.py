"""Time `geo load`: both administrative maps and the mapping between them, into an empty
database, then again (idempotent: nothing created).

    python bench/geo_load.py                       # SQLite, in a scratch file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/geo_load.py

On PostgreSQL the database ``cancuoc_bench_geo`` is dropped and rebuilt.
"""

import argparse
import os
import tempfile
import time

from register import recreate_database  # bench/register.py, next to this file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="cancuoc_bench_geo")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "")
    if server.startswith("postgres"):
        os.environ["DATABASE_URL"] = recreate_database(server, args.database)
    else:
        scratch = tempfile.mkdtemp(prefix="cancuoc-geo-")
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cancuoc.geo.services import geo_load

    call_command("migrate", verbosity=0)
    for attempt in ("first", "again"):
        started = time.perf_counter()
        result = geo_load()
        seconds = time.perf_counter() - started
        print(
            f"{connection.vendor:10} {attempt:5}  {result.created:6,} units, "
            f"{result.successions_created:6,} links, {result.existing:6,} present "
            f"in {seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
