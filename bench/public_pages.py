"""Public pages benchmark: the schedule page, the iCal feed and the fanpage image of a
province (Thanh Hóa: a station working three shifts in each of its communes, and mobile
teams visiting villages every day) and of one commune, cold (the cache emptied before each
request) and warm (served from the cache); p50/p95 and the size of each answer, as full
HTTP requests through Django (middleware, throttle, cache, templates).

    python bench/public_pages.py                       # SQLite, in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/public_pages.py

On PostgreSQL the database ``cancuoc_public`` is dropped and rebuilt. ``CANCUOC_CACHE_URL``
chooses the cache as the site does (empty: this process's memory); the bench empties it
before each cold request, so give it a scratch one (``redis://127.0.0.1:6379/5``).
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

AS_OF = date(2021, 4, 1)
SHIFTS = [(6, 14), (14, 22), (22, 2)]  # the demo's three shifts ("03 ca … 18 tiếng")
VEHICLES = 12  # mobile teams, each making two stops a day


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def build() -> None:
    """Thanh Hóa's units, a fixed station per commune, and the vehicles' stops."""
    from datetime import time as clock

    from django.utils import timezone

    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code
    from cancuoc.geo.services import geo_load_current
    from cancuoc.planning.models import Shift, Station, StationKind
    from cancuoc.scheduling.models import Visit

    geo_load_current()
    province = unit_by_code("38")
    communes = list(AdministrativeUnit.objects.filter(parent=province).order_by("code"))
    stations = Station.objects.bulk_create(
        Station(code=f"P-{c.code}", name=f"Công an {c.name}", kind=StationKind.FIXED, unit=c)
        for c in communes
    )
    Shift.objects.bulk_create(
        Shift(station=s, name=f"Ca {n + 1}", starts=clock(a), ends=clock(b))
        for s in stations
        for n, (a, b) in enumerate(SHIFTS)
    )
    # The official list stops at communes (villages come with a synthesised register).
    villages = (
        list(
            AdministrativeUnit.objects.subtree(province)
            .villages()
            .order_by("path")[: VEHICLES * 28]
        )
        or communes
    )
    vans = Station.objects.bulk_create(
        Station(
            code=f"XE-{n}",
            name=f"Xe lưu động số {n}",
            kind=StationKind.VEHICLE,
            unit=communes[n % len(communes)],
        )
        for n in range(1, VEHICLES + 1)
    )
    stops = []
    for n, van in enumerate(vans):
        for day in range(14):
            on = AS_OF + timedelta(days=day)
            for order, hour in enumerate((7, 13), start=1):
                village = villages[(n * 28 + day * 2 + order) % len(villages)]
                arrives = timezone.make_aware(datetime.combine(on, clock(hour)))
                stops.append(
                    Visit(
                        station=van,
                        day=on,
                        order=order,
                        unit=village,
                        arrives_at=arrives,
                        leaves_at=arrives + timedelta(hours=4),
                        expected=30,
                    )
                )
    Visit.objects.bulk_create(stops)
    print(
        f"built      {len(communes)} communes' stations × {len(SHIFTS)} shifts, "
        f"{len(stops)} mobile stops"
    )


def measure(repeat: int) -> None:
    from django.core.cache import cache
    from django.test import Client

    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code

    province = unit_by_code("38")
    commune = AdministrativeUnit.objects.filter(parent=province).order_by("code").first()
    client = Client()
    addresses = iter(range(10**9))

    def timed(url: str) -> tuple[float, int]:
        n = next(addresses)
        began = time.perf_counter()
        response = client.get(url, REMOTE_ADDR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
        took = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return took, len(response.content)

    for unit in (province, commune):
        for page in ("", "lich.ics", "bai-dang.png"):
            url = f"/lich/{unit.code}/{page}"
            timed(url)  # templates compiled, libraries imported
            cold = []
            for _ in range(repeat):
                cache.clear()
                took, size = timed(url)
                cold.append(took)
            warm = [timed(url)[0] for _ in range(repeat * 10)]
            print(
                f"{url:24} {size / 1024:8.1f} KB   "
                f"cold p50 {percentile(cold, 0.5):8.1f} ms  p95 {percentile(cold, 0.95):8.1f} ms   "
                f"warm p50 {percentile(warm, 0.5):6.2f} ms  p95 {percentile(warm, 0.95):6.2f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database", default="cancuoc_public")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if server.startswith("postgres"):
        import psycopg

        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {args.database}")
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(server)._replace(path=f"/{args.database}"))
    elif server:
        sys.exit("bench/public_pages.py runs on SQLite (no DATABASE_URL) or PostgreSQL")
    else:
        folder = tempfile.mkdtemp(prefix="cancuoc-public-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["CANCUOC_AS_OF"] = AS_OF.isoformat()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    build()
    kept_in = os.environ.get("CANCUOC_CACHE_URL") or "memory"
    print(f"database   {connection.vendor}; cache {kept_in}")
    measure(args.repeat)


if __name__ == "__main__":
    main()
