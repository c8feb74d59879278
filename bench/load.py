"""Load on loopback: station tablets recording captures and looking up their status through
the API, at a fixed arrival rate, served by gunicorn from PostgreSQL (or SQLite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/load.py --rate 500
    DATABASE_URL=… python bench/load.py --people 20000 --rate 50 --seconds 10   # small run

Open loop: request n is due at start + n/rate whatever the server does, and its latency is
counted from that moment, so a server that falls behind shows it in the percentiles (no
coordinated omission). The mix is ``--writes`` intake POSTs (each a new person, each with its
own idempotency key), the rest GETs of an application's status. First a phase of
``GET /api/v1/me`` (authentication and scoping only) at the same rate gives the baseline.

Realistic counts: a province of ``--people`` (3.7 M), a station in every commune with
``--kits`` kits, and a station operator with their own API key for every kit (664 keys for
166 communes × 4): each request goes out with the key of a kit of the person's commune, so the
keys' lookups and scopes are not one cached user. The server listens on a free port (bound
to port 0 first) and must answer as this bench's server (``GET /api/v1/me`` with one of its
keys names its operator) before anything is timed. Afterwards the database is checked: every
201 answered is one application, nothing more. CPU is counted for the processes measured:
the gunicorn master and its workers started here, the database's backends (PostgreSQL) and
this client. The database ``cancuoc_load`` is dropped and rebuilt.
"""

import argparse
import asyncio
import gc
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from common import django_setup, recreate_database, server_url  # bench/common.py


def cpu_seconds(master: int, database: str) -> dict[str, float]:
    """CPU time so far of the gunicorn started here (its master ``master`` and workers), the
    PostgreSQL backends of ``database``, the rest of PostgreSQL and this client, from /proc
    (Linux). A process's time includes that of its children that have ended (cutime,
    cstime): PostgreSQL backends come and go with connections, and their time would
    otherwise vanish from the postmaster's group."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {"server": 0.0, "postgres": 0.0, "postgres other": 0.0, "client": 0.0}
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
        elif int(entry) == master or int(fields[1]) == master:
            found["server"] += used
        elif command.startswith("postgres"):
            found["postgres" if f" {database} " in command else "postgres other"] += used
    with open("/proc/stat") as handle:  # the whole machine: what else ran meanwhile
        jiffies = [int(n) for n in handle.readline().split()[1:]]
    busy = (sum(jiffies) - jiffies[3] - jiffies[4]) / tick  # less idle and iowait
    found["other"] = busy - sum(found.values())
    return found


def free_port() -> int:
    """A port nobody listens on now (the kernel's choice for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def prepare(people: int, kits: int) -> tuple[dict[str, tuple[str, str]], list[tuple[int, str]]]:
    """A province, a station in every commune with ``kits`` kits, a station operator with a
    key for every kit; the persons to capture, each with a kit of their commune. Returns
    ({kit: (key, username)}, [(person, kit)])."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from cancuoc.accounts.models import Assignment, Role
    from cancuoc.accounts.tokens import token_issue
    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.geo.services import geo_load_current
    from cancuoc.planning.models import Kit, Station
    from cancuoc.registry.models import Home
    from cancuoc.registry.services import register_analyse
    from cancuoc.scheduling.worklists import worklist
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    call_command("migrate", verbosity=0)
    geo_load_current()
    synth_load(synth_province(province="38", people=people, seed=11))
    register_analyse()
    province = unit_by_code("38")
    User = get_user_model()
    keys: dict[str, tuple[str, str]] = {}
    kits_of: dict[str, list[str]] = {}
    for commune in AdministrativeUnit.objects.filter(parent=province):
        station = Station.objects.create(
            code=f"L-{commune.code}", name=f"CA {commune.name}", kind="fixed", unit=commune
        )
        kits_of[commune.path] = []
        for n in range(kits):
            kit = Kit.objects.create(station=station, code=f"L-{commune.code}-{n}").code
            user = User.objects.create_user(f"may-{commune.code}-{n}")
            Assignment.objects.create(user=user, role=Role.STATION_OPERATOR, unit=commune)
            keys[kit] = (token_issue(user=user, name=f"bench/load.py {kit}"), user.username)
            kits_of[commune.path].append(kit)
    rng = random.Random(11)
    # Tablets capture the people who need a card (the worklist of today), not card holders.
    needing = set(worklist(unit=province, on=timezone.localdate()).values_list("pk", flat=True))
    homes = Home.objects.filter(end_date__isnull=True).values_list("person_id", "unit__path")
    persons = [
        (person, rng.choice(kits_of[path[:16]]))
        for person, path in homes.iterator(chunk_size=50_000)
        if person in needing
    ]
    rng.shuffle(persons)
    return keys, persons


async def run_phase(session, rate: float, seconds: float, make) -> list[tuple[str, int, float]]:
    """Send ``make(n)`` = (kind, method, path, body, API key) at ``rate`` per second; (kind, status,
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
        kind, method, path, body, key = make(n)
        headers = {"Authorization": f"Bearer {key}"}
        try:
            async with session.request(method, path, json=body, headers=headers) as response:
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


async def drive(args, port: int, master: int, keys, persons) -> tuple[int, int]:
    import aiohttp

    from cancuoc.intake.models import Application

    connector = aiohttp.TCPConnector(limit=args.connections)
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", connector=connector) as session:
        now = datetime.now(UTC)
        people = iter(persons)
        every_key = [key for key, _ in keys.values()]

        def capture(n: int):
            person, kit = next(people)
            body = {
                "person": person,
                "kit": kit,
                "idempotency_key": f"load-{person:08d}",
                "started_at": (now - timedelta(minutes=9)).isoformat(),
                "ended_at": now.isoformat(),
            }
            return "intake", "POST", "/api/v1/applications", body, keys[kit][0]

        # Warm-up: the workers' connections, and applications to look up.
        warm = await run_phase(session, args.warm_up_rate, 10, capture)
        report("warm-up", warm, 10, lambda k, s: s == 201)
        created = await asyncio.to_thread(
            lambda: list(Application.objects.values_list("pk", "kit__code"))
        )
        if not created:
            sys.exit("no capture of the warm-up was stored: see the server's errors above")
        rng = random.Random(5)

        baseline = await run_phase(
            session,
            args.rate,
            args.baseline,
            lambda n: ("me", "GET", "/api/v1/me", None, every_key[n % len(every_key)]),
        )
        report("baseline", baseline, args.baseline, lambda k, s: s == 200)

        def mixed(n: int):
            if rng.random() < args.writes:
                return capture(n)
            pk, kit = rng.choice(created)
            return "status", "GET", f"/api/v1/applications/{pk}", None, keys[kit][0]

        database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
        began, cpu_before = time.perf_counter(), cpu_seconds(master, database)
        results = await run_phase(session, args.rate, args.seconds, mixed)
        elapsed, cpu_after = time.perf_counter() - began, cpu_seconds(master, database)
        report("load", results, args.seconds, lambda k, s: s == (201 if k == "intake" else 200))
        print(f"  (the last request ended {elapsed - args.seconds:.2f} s after the last was due)")
        used = {k: (cpu_after[k] - cpu_before[k]) / elapsed for k in cpu_after}
        print("  cores busy: " + ", ".join(f"{k} {v:.2f}" for k, v in used.items()))
        print(
            "  (server: the gunicorn master and workers started here; postgres: this "
            "database's backends; other: everything else on the machine)"
        )
        posted = sum(1 for k, s, _ in warm + results if k == "intake" and s == 201)
        return posted, len(warm) + sum(1 for k, _, _ in results if k == "intake")


def server_check(port: int, gunicorn, key: str, username: str) -> None:
    """Wait for the server started here to answer, and make sure it is that one: the process
    is alive and ``/api/v1/me`` with one of this bench's keys names this bench's operator."""
    import json
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {key}"}
    )
    for _ in range(300):
        if gunicorn.poll() is not None:
            sys.exit(f"gunicorn ended (exit {gunicorn.returncode}) before answering")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                answer = json.load(response)
        except OSError:
            time.sleep(0.2)
            continue
        if username not in json.dumps(answer):
            sys.exit(f"port {port} answers, but not as this bench's server: {answer}")
        return
    sys.exit(f"the server on port {port} did not answer in 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline", type=float, default=10, help="seconds of GET /me")
    parser.add_argument("--writes", type=float, default=0.02, help="share of intake POSTs")
    parser.add_argument("--warm-up-rate", type=float, default=40, help="captures per second")
    parser.add_argument("--people", type=int, default=3_700_000)
    parser.add_argument("--kits", type=int, default=4, help="kits (and keys) per commune")
    parser.add_argument(
        "--app", default="cancuoc.wsgi_api", help="cancuoc.wsgi_api (API only) or cancuoc.wsgi"
    )
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--database", default="cancuoc_load")
    args = parser.parse_args()
    django_setup(
        recreate_database(server_url(), args.database),
        LOG_LEVEL="WARNING",  # 404s and 409s are logged as warnings; errors show
        CANCUOC_REQUIRE_2FA="False",
    )

    started = time.perf_counter()
    keys, persons = prepare(args.people, args.kits)
    needed = int(args.warm_up_rate * 10 + args.rate * args.seconds * args.writes * 1.5)
    if len(persons) < needed:
        sys.exit(f"--people too small: {len(persons)} persons for about {needed} captures")
    print(
        f"prepared  {len(persons):,} persons needing a card, {len(keys):,} kits each with "
        f"its operator's key, in {time.perf_counter() - started:.0f} s"
    )
    from django.db import connection

    connection.close()  # the server's workers open their own
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            args.app,
            "--bind",
            f"127.0.0.1:{port}",
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
        key, username = next(iter(keys.values()))
        server_check(port, gunicorn, key, username)
        print(
            f"server    gunicorn {args.app} on port {port} (pid {gunicorn.pid}), {args.workers} "
            f"workers × {args.threads} threads, {os.cpu_count()} cores shared with the "
            f"database and this client"
        )
        posted, sent = asyncio.run(drive(args, port, gunicorn.pid, keys, persons))
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
    print(
        f"not measured: {'the web pages (cancuoc.wsgi) under load, ' if 'api' in args.app else ''}"
        "TLS and a reverse proxy, clients on other machines, the first request of a key "
        "after a worker starts (the warm-up takes it)"
    )


if __name__ == "__main__":
    main()
