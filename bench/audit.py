"""The audit log at a million rows, on PostgreSQL: how fast `cancuoc audit verify` walks the
keyed chain (rows/s, seconds, memory), and what signing the head costs each audited write.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/audit.py [--rows N]

Works in a scratch database (--database, dropped and made again, dropped at the end unless
--keep); the rows are chained in Python and written by COPY, as no application would.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def rss_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--writes", type=int, default=1000, help="audited writes to time")
    parser.add_argument("--database", default="audit_bench")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        sys.exit("bench/audit.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {args.database}")
    scratch = Path(tempfile.mkdtemp(prefix="cancuoc-audit-bench-"))
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(server)._replace(path=f"/{args.database}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cancuoc.settings"
    os.environ["CANCUOC_AUDIT_KEY"] = "bench-" + "k" * 40
    os.environ["CANCUOC_AUDIT_HEAD_FILE"] = str(scratch / "audit-head.json")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from cancuoc.accounts.audit import (
        COLUMNS,
        GENESIS,
        KEYED,
        _content_of,
        _digest,
        audit_head_advance,
        audit_key,
        audit_record,
        audit_verify,
        read_head,
    )
    from cancuoc.accounts.models import AuditEvent
    from cancuoc.lib.bulk import copy_rows, reset_sequence

    call_command("migrate", verbosity=0)
    key = audit_key()
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def rows():
        previous = GENESIS
        for n in range(1, args.rows + 1):
            detail = {"rows": n % 500} if n % 7 == 0 else {"field": "personal_id"}
            values = (
                start + timedelta(seconds=n),
                None,
                f"canbo{n % 300}",
                "export" if n % 7 == 0 else "reveal",
                "registry.person",
                str(n),
                detail,
                "Báo cáo cấp trên" if n % 7 == 0 else "",
                f"10.1.{n % 250}.{n % 200}",
                previous,
            )
            digest = _digest(KEYED, _content_of(values), key)
            at, user, username, action, otype, oid, _, purpose, ip, _ = values
            yield (
                n,
                at,
                user,
                username,
                action,
                otype,
                oid,
                json.dumps(detail),
                purpose,
                ip,
                previous,
                digest,
                KEYED,
            )
            previous = digest

    began = time.perf_counter()
    with transaction.atomic():
        written = copy_rows(AuditEvent, ["id", *COLUMNS, "hash", "version"], rows())
        reset_sequence(AuditEvent)
    loaded = time.perf_counter() - began
    head = audit_head_advance()  # the first head: the table as it is (trusted on first use)
    print(f"{written:,} rows chained and copied in {loaded:.1f} s ({written / loaded:,.0f} rows/s)")
    print(f"signed head: row {head.last_id:,}, {head.rows:,} rows")

    before = rss_mb()
    began = time.perf_counter()
    result = audit_verify()
    verified = time.perf_counter() - began
    assert result.ok and result.checked == written, result
    print(
        f"audit verify: {result.checked:,} rows in {verified:.1f} s "
        f"({result.checked / verified:,.0f} rows/s); resident memory {before:.0f} MB before, "
        f"{rss_mb():.0f} MB after (peak of the whole run {peak_mb():.0f} MB)"
    )

    began = time.perf_counter()
    for n in range(args.writes):  # each its own transaction: one commit, one head signed
        audit_record(action="read", object_type="registry.person", object_id=str(n))
    each = (time.perf_counter() - began) / args.writes
    assert read_head().rows == written + args.writes
    print(f"audited write with its head signed on commit: {each * 1000:.2f} ms each")
    began = time.perf_counter()
    with transaction.atomic():  # many rows in one transaction: one callback per row
        for n in range(args.writes):
            audit_record(action="read", object_type="registry.person", object_id=str(n))
    many = time.perf_counter() - began
    assert audit_verify().ok
    print(f"{args.writes:,} audited writes in one transaction: {many:.2f} s")


if __name__ == "__main__":
    main()
