"""Load on loopback: station tablets recording captures and looking up their status through
the API, at a fixed arrival rate, served by gunicorn from PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/load.py --rate 500

Open loop: request n is due at start + n/rate whatever the server does, and its latency is
counted from that moment, so a server that falls behind shows it in the percentiles (no
coordinated omission). The mix is ``--writes`` intake POSTs (each a new person, each with its
own idempotency key), the rest GETs of an application's status. First a phase of
``GET /api/v1/me`` (authentication and scoping only) at the same rate gives the baseline.
Afterwards the database is checked: every 201 answered is one application, nothing more.
The database ``cancuoc_load`` is dropped and rebuilt.
"""

import argparse
import asyncio
import gc
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from register import recreate_database  # bench/register.py, next to this file

PORT = 8765


def cpu_seconds() -> dict[str, float]:
    """CPU time so far of the server's workers, PostgreSQL's backends and this client, from
    /proc (Linux): where the two cores go. A process's time includes that of its children
    that have ended (cutime, cstime): PostgreSQL backends come and go with connections, and
    their time would otherwise vanish from the postmaster's group."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {"server": 0.0, "postgres": 0.0, "client": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        used = sum(int(field) for field in fields[11:15]) / tick
        if int(entry) == os.getpid():
            found["client"] += used
        elif "gunicorn" in command:
            found["server"] += used
        elif command.startswith("postgres"):
            found["postgres"] += used
    with open("/proc/stat") as handle:  # the whole machine: what else ran meanwhile
        jiffies = [int(n) for n in handle.readline().split()[1:]]
    busy = (sum(jiffies) - jiffies[3] - jiffies[4]) / tick  # less idle and iowait
    found["other"] = busy - found["server"] - found["postgres"] - found["client"]
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def prepare(people: int) -> tuple[str, list[tuple[int, str]]]:
    """A province, its stations and kits, an operator with a key; the persons to capture."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cancuoc.accounts.models import Assignment, Role
    from cancuoc.accounts.tokens import token_issue
    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.geo.services import geo_load_current
    from cancuoc.planning.models import Kit, Station
    from cancuoc.registry.models import Home
    from cancuoc.registry.services import register_analyse
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    call_command("migrate", verbosity=0)
    geo_load_current()
    synth_load(synth_province(province="38", people=people, seed=11))
    register_analyse()
    province = unit_by_code("38")
    kit_of = {}
    for commune in AdministrativeUnit.objects.filter(parent=province):
        station = Station.objects.create(
            code=f"L-{commune.code}", name=f"CA {commune.name}", kind="fixed", unit=commune
        )
        kit_of[commune.path] = Kit.objects.create(station=station, code=f"L-{commune.code}").code
    user = get_user_model().objects.create_user("bench-load", password="x" * 20)
    Assignment.objects.create(user=user, role=Role.PROVINCE_COMMAND, unit=province)
    key = token_issue(user=user, name="bench/load.py")
    homes = Home.objects.filter(end_date__isnull=True).values_list("person_id", "unit__path")
    persons = [(person, kit_of[path[:16]]) for person, path in homes]
    random.Random(11).shuffle(persons)
    return key, persons


async def run_phase(session, rate: float, seconds: float, make) -> list[tuple[str, int, float]]:
    """Send ``make(n)`` = (kind, method, path, body) at ``rate`` per second; (kind, status,
    latency ms) of each, latency from the moment the request was due."""
    results: list[tuple[str, int, float]] = []
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    total = int(rate * seconds)

    async def one(n: int) -> None:
        due = start + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        kind, method, path, body = make(n)
        try:
            async with session.request(method, path, json=body) as response:
                await response.read()
                status = response.status
        except Exception:  # a refused or broken connection counts as an error
            status = 0
        results.append((kind, status, (loop.time() - due) * 1000))

    # The phase's tens of thousands of pending tasks would make the client's garbage collector
    # walk them all, again and again, stalling the loop and showing as server latency.
    gc.collect()
    gc.disable()
    try:
        await asyncio.gather(*(one(n) for n in range(total)))
    finally:
        gc.enable()
    return results


def report(name: str, results: list[tuple[str, int, float]], seconds: float, ok) -> None:
    kinds = sorted({k for k, _, _ in results})
    errors = sum(1 for k, s, _ in results if not ok(k, s))
    print(
        f"{name:9} {len(results):6} requests in {seconds:.0f} s = "
        f"{len(results) / seconds:6.0f} req/s, errors {errors}"
    )
    for kind in [*kinds, "all"]:
        times = [t for k, _, t in results if kind in (k, "all")]
        print(
            f"  {kind:8} n={len(times):6}  p50 {percentile(times, 0.5):6.1f} ms  "
            f"p95 {percentile(times, 0.95):6.1f} ms  p99 {percentile(times, 0.99):6.1f} ms  "
            f"max {max(times):7.1f} ms"
        )


async def drive(args, key: str, persons: list[tuple[int, str]]) -> tuple[int, int]:
    import aiohttp

    headers = {"Authorization": f"Bearer {key}"}
    connector = aiohttp.TCPConnector(limit=args.connections)
    base = f"http://127.0.0.1:{PORT}"
    async with aiohttp.ClientSession(base, headers=headers, connector=connector) as session:
        now = datetime.now(UTC)
        people = iter(persons)
        created: list[int] = []

        def capture(n: int):
            person, kit = next(people)
            body = {
                "person": person,
                "kit": kit,
                "idempotency_key": f"load-{person:08d}",
                "started_at": (now - timedelta(minutes=9)).isoformat(),
                "ended_at": now.isoformat(),
            }
            return "intake", "POST", "/api/v1/applications", body

        # Warm-up: the workers' connections, and applications to look up.
        warm = await run_phase(session, args.warm_up_rate, 10, capture)
        report("warm-up", warm, 10, lambda k, s: s == 201)
        async with session.get("/api/v1/applications/1") as first:
            assert first.status == 200, await first.text()
        created = list(range(1, sum(1 for _, s, _ in warm if s == 201) + 1))
        rng = random.Random(5)

        baseline = await run_phase(
            session, args.rate, args.baseline, lambda n: ("me", "GET", "/api/v1/me", None)
        )
        report("baseline", baseline, args.baseline, lambda k, s: s == 200)

        def mixed(n: int):
            if rng.random() < args.writes:
                return capture(n)
            return "status", "GET", f"/api/v1/applications/{rng.choice(created)}", None

        began, cpu_before = time.perf_counter(), cpu_seconds()
        results = await run_phase(session, args.rate, args.seconds, mixed)
        elapsed, cpu_after = time.perf_counter() - began, cpu_seconds()
        report("load", results, args.seconds, lambda k, s: s == (201 if k == "intake" else 200))
        print(f"  (the last request ended {elapsed - args.seconds:.2f} s after the last was due)")
        used = {k: (cpu_after[k] - cpu_before[k]) / elapsed for k in cpu_after}
        print("  cores busy: " + ", ".join(f"{k} {v:.2f}" for k, v in used.items()))
        posted = sum(1 for k, s, _ in warm + results if k == "intake" and s == 201)
        return posted, len(warm) + sum(1 for k, _, _ in results if k == "intake")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline", type=float, default=10, help="seconds of GET /me")
    parser.add_argument("--writes", type=float, default=0.02, help="share of intake POSTs")
    parser.add_argument("--warm-up-rate", type=float, default=40, help="captures per second")
    parser.add_argument("--people", type=int, default=60_000)
    parser.add_argument(
        "--app", default="cancuoc.wsgi_api", help="cancuoc.wsgi_api (API only) or cancuoc.wsgi"
    )
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--database", default="cancuoc_load")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        sys.exit("bench/load.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ["DATABASE_URL"] = recreate_database(server, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    os.environ["LOG_LEVEL"] = "WARNING"  # 404s and 409s are logged as warnings; errors show
    os.environ["CANCUOC_REQUIRE_2FA"] = "False"

    started = time.perf_counter()
    key, persons = prepare(args.people)
    needed = int(args.warm_up_rate * 10 + args.rate * args.seconds * args.writes * 1.5)
    if len(persons) < needed:
        sys.exit(f"--people too small: {len(persons)} persons for about {needed} captures")
    print(f"prepared  {len(persons):,} persons in {time.perf_counter() - started:.0f} s")

    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            args.app,
            "--bind",
            f"127.0.0.1:{PORT}",
            "--worker-class",
            args.worker_class,
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/openapi.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        print(
            f"server    gunicorn {args.app}, {args.workers} workers × {args.threads} threads, "
            f"{os.cpu_count()} cores shared with PostgreSQL and this client"
        )
        posted, sent = asyncio.run(drive(args, key, persons))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)

    from cancuoc.accounts.audit import audit_verify
    from cancuoc.intake.models import Application

    stored = Application.objects.count()
    print(
        f"check     {sent} captures sent, {posted} answered 201, {stored} applications "
        f"stored: {'ok' if stored == posted else 'MISMATCH'}; "
        f"audit chain {'intact' if audit_verify().ok else 'BROKEN'}"
    )


if __name__ == "__main__":
    main()
