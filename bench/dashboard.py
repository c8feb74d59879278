"""Dashboard benchmark: a province of 3.7 M persons and 2.9 M applications; the pages as a
commune officer, a province officer and the national superuser open them, as full HTTP
requests through Django (middleware, scoping, queries, templates), cold and warm, with the
queries each page runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/dashboard.py
    DATABASE_URL=… python bench/dashboard.py --people 20000       # a small run (also SQLite)

The applications and their events are written with COPY (bench/common.py; the intake
services would take hours at this size), then the rollups are rebuilt from them with
`rollups_rebuild`, the same code as `cancuoc rollups rebuild`.

Pages: the unit dashboard (/don-vi/<code>/) of the province, of communes and of villages, the
plan (/don-vi/<code>/ke-hoach/) and institutions (/co-quan/<code>/). Each user opens the
pages of their own area: a commune officer (one per commune, ``--officers`` communes) their
commune, its villages, its plan and institutions; the province officer and the superuser the
province, every commune, ``--villages`` villages, plans and institutions. "Cold" is the first
request to a page after Django's cache is cleared, on a new database connection with a new
session; "warm" the same pages again (``--repeat`` times). The database's own buffers are
not emptied (that needs a server restart): cold here means cold for Django. The queries of a
page are counted (django.test.utils.CaptureQueriesContext) on one more request, untimed.
The database ``cancuoc_dash`` is dropped and rebuilt unless ``--reuse``.
"""

import argparse
import random
import statistics
import time
from collections import defaultdict

from common import (  # bench/common.py, next to this file
    applications_write,
    database_of,
    django_setup,
    percentile,
    recreate_database,
    rollups_and_targets,
    server_url,
    vendor,
)

ON = "2021-05-23"


def measure(users: dict[str, list], args) -> None:
    """Time every user's pages; one line per (user, page)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cancuoc.accounts.scope import scope_for
    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code

    province = unit_by_code("38")
    rng = random.Random(3)

    def pages_of(user) -> dict[str, list[str]]:
        scope = scope_for(user)
        if scope.national or province.path in scope.paths:
            communes = list(AdministrativeUnit.objects.filter(parent=province).order_by("code"))
            units = [province]
        else:
            units = list(AdministrativeUnit.objects.filter(path__in=scope.paths))
            communes = units
        villages = list(AdministrativeUnit.objects.filter(parent__in=communes).order_by("code"))
        villages = rng.sample(villages, min(args.villages, len(villages)))
        institutions = scope.institutions_visible().order_by("code").values_list("code", flat=True)
        institutions = list(institutions[: args.institutions])
        pages = {
            "province": [f"/don-vi/{u.code}/" for u in units if u.pk == province.pk],
            "commune": [f"/don-vi/{c.code}/" for c in communes],
            "village": [f"/don-vi/{v.code}/" for v in villages],
            "province plan": [f"/don-vi/{u.code}/ke-hoach/" for u in units if u == province],
            "commune plan": [f"/don-vi/{c.code}/ke-hoach/" for c in communes[:20]],
            "institution": [f"/co-quan/{code}/" for code in institutions],
        }
        return {kind: list(dict.fromkeys(urls)) for kind, urls in pages.items() if urls}

    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def timed(client: Client, url: str) -> float:
        began = time.perf_counter()
        response = client.get(url, {"ngay": ON})
        assert response.status_code == 200, (url, response.status_code)
        return (time.perf_counter() - began) * 1000

    warm_up = client_for(users["superuser"][0])
    timed(warm_up, f"/don-vi/{province.code}/")  # imports and templates: once per process
    print(
        f"\n{'user':18} {'page':13} {'n':>4} {'cold p50':>9} {'cold p95':>9} "
        f"{'warm p50':>9} {'warm p95':>9} {'queries':>8}"
    )
    for role, people in users.items():
        cold, warm, queries = defaultdict(list), defaultdict(list), defaultdict(list)
        for user in people:
            for kind, urls in pages_of(user).items():
                for url in urls[: args.cold]:
                    client = client_for(user)
                    cache.clear()
                    connection.close()
                    cold[kind].append(timed(client, url))
                client = client_for(user)
                for _ in range(args.repeat):
                    warm[kind] += [timed(client, url) for url in urls]
                for url in urls[:3]:
                    with CaptureQueriesContext(connection) as captured:
                        timed(client, url)
                    queries[kind].append(len(captured.captured_queries))
        for kind in warm:
            print(
                f"{role:18} {kind:13} {len(warm[kind]):4} "
                f"{percentile(cold[kind], 0.5):7.1f}ms {percentile(cold[kind], 0.95):7.1f}ms "
                f"{percentile(warm[kind], 0.5):7.1f}ms {percentile(warm[kind], 0.95):7.1f}ms "
                f"{statistics.median(queries[kind]):5.0f}–{max(queries[kind])}"
            )
    print(
        "\nqueries: median–max of a page's queries; n: warm requests. Not measured: the "
        "database's cold buffers (after a server restart), pages under concurrent load "
        "(bench/load.py), static files, the browser's rendering and JavaScript."
    )


def still_to_enrol_if_empty() -> None:
    """A database built before the still-to-enrol rollups existed: count them once (as
    ``cancuoc rollups rebuild`` would), timed."""
    from django.db import transaction

    from cancuoc.lib.bulk import analyse
    from cancuoc.reports.models import InstitutionRollup, PersonContribution, StillToEnrolRollup
    from cancuoc.reports.still_to_enrol import still_to_enrol_rebuild

    if StillToEnrolRollup.objects.exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        rows = still_to_enrol_rebuild()
    analyse([PersonContribution, StillToEnrolRollup, InstitutionRollup])
    print(f"to enrol   rollups counted {rows} in {time.perf_counter() - started:.1f} s")


def officers_ensure() -> None:
    """The province's officer and one officer per commune (a build stopped before it made
    them gets them on ``--reuse``)."""
    from django.contrib.auth import get_user_model

    from cancuoc.accounts.models import Assignment, Role
    from cancuoc.geo.models import AdministrativeUnit
    from cancuoc.geo.selectors import unit_by_code

    User = get_user_model()
    province = unit_by_code("38")
    wanted = [("bench-tinh", Role.PROVINCE_COMMAND, province)] + [
        (f"bench-xa-{commune.code}", Role.COMMUNE_OFFICER, commune)
        for commune in AdministrativeUnit.objects.filter(parent=province)
    ]
    for username, role, unit in wanted:
        officer, created = User.objects.get_or_create(username=username)
        if created:
            Assignment.objects.create(user=officer, role=role, unit=unit)
    if not User.objects.filter(username="bench").exists():
        User.objects.create_superuser("bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3_700_000)
    parser.add_argument(
        "--applications", type=int, help="default: 2.9 M for 3.7 M persons, in proportion"
    )
    parser.add_argument("--repeat", type=int, default=3, help="warm passes over the pages")
    parser.add_argument("--cold", type=int, default=5, help="cold requests per user and page")
    parser.add_argument("--officers", type=int, default=20, help="commune officers timed")
    parser.add_argument("--villages", type=int, default=200, help="villages a user opens")
    parser.add_argument("--institutions", type=int, default=20, help="institutions a user opens")
    parser.add_argument("--database", default="cancuoc_dash")
    parser.add_argument("--reuse", action="store_true", help="time the pages of the last build")
    args = parser.parse_args()
    applications = args.applications
    if applications is None:
        applications = round(args.people * 2_900_000 / 3_700_000)
    server = server_url()
    url = database_of(server, args.database) if args.reuse else None
    django_setup(
        url or recreate_database(server, args.database),
        CANCUOC_REQUIRE_2FA="False",
        ALLOWED_HOSTS="testserver",
    )
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cancuoc.geo.services import geo_load_current
    from cancuoc.registry.models import Person
    from cancuoc.registry.services import register_analyse
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    call_command("migrate", verbosity=0)
    print(f"database   {vendor()}")
    User = get_user_model()
    if args.reuse:
        still_to_enrol_if_empty()
    if not args.reuse:
        geo_load_current()
        started = time.perf_counter()
        built = synth_province(province="38", people=args.people, seed=7)
        synth_load(built)
        del built
        register_analyse()
        loaded = time.perf_counter() - started
        print(f"register   {Person.objects.count():,} persons in {loaded:.0f} s")
        operator = User.objects.create_superuser("bench")
        started = time.perf_counter()
        written = applications_write(count=applications, seed=7, operator_id=operator.pk)
        print(
            f"intake     {written[0]:,} applications, {written[1]:,} events written in "
            f"{time.perf_counter() - started:.0f} s"
        )
        rollups_and_targets()
    officers_ensure()
    communes = list(User.objects.filter(username__startswith="bench-xa-").order_by("username"))
    users = {
        "commune officer": random.Random(5).sample(communes, min(args.officers, len(communes))),
        "province officer": [User.objects.get(username="bench-tinh")],
        "superuser": [User.objects.get(username="bench")],
    }
    measure(users, args)


if __name__ == "__main__":
    main()
