"""The demo: a small synthetic province loaded and a login to look at it."""

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from cancuoc.dedup.models import MatchRun
from cancuoc.dedup.services import dedup_run
from cancuoc.forecasting.targets import target_split
from cancuoc.geo.mapping import resolve_unit
from cancuoc.geo.models import COMMUNE_KINDS, AdministrativeUnit, Reorganisation, UnitKind
from cancuoc.geo.selectors import unit_by_code
from cancuoc.geo.services import geo_load, geo_load_current
from cancuoc.intake.services import intake_record
from cancuoc.planning.models import Kit, Shift, Station, StationKind, Target
from cancuoc.registry.choices import ResidenceKind
from cancuoc.registry.models import Person, Residence
from cancuoc.registry.services import register_analyse
from cancuoc.reports.models import EligibleSnapshot
from cancuoc.reports.rollups import eligible_snapshot
from cancuoc.scheduling.models import Appointment, AssignmentRun
from cancuoc.scheduling.services import appointments_assign, slots_make
from cancuoc.scheduling.simulation import Station as SimulatedStation
from cancuoc.scheduling.visits import visits_plan
from cancuoc.scheduling.worklists import worklist

from .generator import synth_map, synth_province, synth_source
from .services import synth_load

DEMO_PROVINCE = "38"  # Thanh Hóa: 2.9 million cards by 17 June 2021 in the seeds
DEMO_USER = "demo"


@dataclass(frozen=True)
class SeedCampaign:
    """A province's spring-2021 campaign as the seeds set it, on the map of its day (the
    province as ``unit_by_code`` reads it: "2021:91")."""

    province: str
    target: int
    deadline: date


# `cancuoc demo --province …`: the three campaigns of the seeds.
SEED_CAMPAIGNS = {
    "kien-giang": SeedCampaign("2021:91", 1_171_200, date(2021, 6, 30)),
    "tay-ninh": SeedCampaign("2021:72", 1_024_800, date(2021, 6, 15)),
    "thanh-hoa": SeedCampaign("2021:38", 2_900_000, date(2021, 6, 17)),
}


class DemoRefused(Exception):
    """The demo would write synthetic people and reset a superuser in a real register."""


def demo_guard(*, seed: int, province: str = DEMO_PROVINCE) -> None:
    """Refuse a production deployment, and a database that holds persons other than the demo
    province's (``province`` as ``synth_province`` takes it): the demo migrates, loads 20,000
    synthetic people, resets the superuser "demo" and serves without two-factor login.
    Checked before anything is written."""
    if settings.PRODUCTION:
        raise DemoRefused(
            "CANCUOC_ENV=production: bản trình diễn không chạy trên hệ thống thật / "
            "the demo does not run on a production system"
        )
    if Person._meta.db_table not in connection.introspection.table_names():
        return  # a new, empty database
    others = Person.objects.exclude(source=synth_source(province, seed))
    found = others.count()
    if found:
        name = connection.settings_dict["NAME"]
        raise DemoRefused(
            f"Cơ sở dữ liệu {name} có {found:,} người không thuộc tỉnh trình diễn: bản trình "
            f"diễn không chạy trên đó (đặt CANCUOC_DB_PATH tới một tệp mới) / the database "
            f"{name} holds {found:,} persons who are not the demo's: the demo will not run on "
            f"it (point CANCUOC_DB_PATH at a new file)"
        )


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str


def demo_province_load(*, people: int, seed: int, province: str = DEMO_PROVINCE) -> int:
    """Load the demo province (today's Thanh Hóa, or a province of the old map such as
    "2021:91" with both maps and the mapping) unless it is there already; return how many
    persons it has."""
    if synth_map(province)[0] == Reorganisation.Y2025:
        geo_load_current()
    else:
        geo_load()
    existing = Person.objects.filter(source=synth_source(province, seed)).count()
    if existing:  # no need to build the province again only to learn its name
        return existing
    built = synth_province(province=province, people=people, seed=seed)
    persons = synth_load(built).register.persons
    register_analyse()
    return persons


def demo_dedup(*, on: date) -> MatchRun:
    """Find the province's duplicates once (a second demo run shows the first's result)."""
    return MatchRun.objects.order_by("pk").first() or dedup_run(on=on)


@transaction.atomic
def demo_login_reset() -> DemoLogin:
    """A fresh random password for the demo user on every run: never a fixed one."""
    password = secrets.token_urlsafe(9)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USER)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return DemoLogin(DEMO_USER, password)


CAMPAIGN_START = date(2021, 3, 15)
DEADLINE = date(2021, 6, 17)  # Thanh Hóa: 2.9 million cards by 17 June 2021
SHIFT_START = time(7, 0)


def demo_campaign(*, province_code: str, as_of: date, share: float = 0.25, seed: int = 2021):
    """Targets split by eligible population, one station of two kits per commune, and intake
    simulated from the campaign's start to ``as_of`` through the real intake services (so
    the rollups, audit and worklists are what production would have), about ``share`` of the
    eligible done by then (Kiên Giang stood at 23% of its target on 14 April). Idempotent."""
    province = unit_by_code(province_code)
    if Station.objects.filter(code__startswith="DEMO-").exists():
        return
    eligible_snapshot(province, CAMPAIGN_START)
    snapshots = dict(
        EligibleSnapshot.objects.filter(as_of=CAMPAIGN_START).values_list("unit_id", "eligible")
    )
    communes = list(AdministrativeUnit.objects.filter(parent=province).order_by("code"))
    Target.objects.bulk_create(
        Target(unit=unit, count=snapshots.get(unit.pk, 0), start=CAMPAIGN_START, deadline=DEADLINE)
        for unit in [province, *communes]
        if snapshots.get(unit.pk)
    )
    operator, _ = get_user_model().objects.get_or_create(username="demo-thu-nhan")
    rng = random.Random(seed)
    for commune in communes:
        station, kits = _demo_station(police_of=commune, unit=commune, kits=2)
        _intake_simulate(
            station=station,
            kits=kits,
            unit=commune,
            eligible=snapshots.get(commune.pk, 0),
            as_of=as_of,
            share=share,
            rng=rng,
            operator=operator,
        )


def _demo_station(
    *, police_of: AdministrativeUnit, unit: AdministrativeUnit, kits: int
) -> tuple[Station, list[Kit]]:
    """The fixed station of a unit's police ("Công an …") at ``unit``, with its kits."""
    station = Station.objects.create(
        code=f"DEMO-{police_of.code}",
        name=f"Công an {police_of.name}",
        kind=StationKind.FIXED,
        unit=unit,
    )
    made = [
        Kit.objects.create(station=station, code=f"{station.code}-{n}") for n in range(1, kits + 1)
    ]
    return station, made


DISTRICT_KITS = 3  # a district's station takes the people of several communes


@transaction.atomic
def demo_seed_campaign(
    *, campaign: SeedCampaign, as_of: date, share: float = 0.25, seed: int = 2021
) -> Target:
    """A campaign of the seeds replayed on the map of its day: the province's target (e.g.
    Kiên Giang's 1,171,200 cards by 30 June 2021) on the old province, split over its
    districts by their eligible population on the campaign's start; one station of three kits
    per district (the district police: "Công an huyện …") at its seat commune, taking the
    district's residents; intake simulated to ``as_of`` as :func:`demo_campaign` does. All
    or nothing, and idempotent: a second run returns the target set by the first."""
    province = unit_by_code(campaign.province)
    existing = Target.objects.filter(unit=province, deadline=campaign.deadline).first()
    if existing is not None:
        return existing
    eligible_snapshot(province, CAMPAIGN_START)
    target = Target.objects.create(
        unit=province, count=campaign.target, start=CAMPAIGN_START, deadline=campaign.deadline
    )
    snapshots = dict(
        EligibleSnapshot.objects.filter(as_of=CAMPAIGN_START).values_list("unit_id", "eligible")
    )
    target_split(target=target)
    operator, _ = get_user_model().objects.get_or_create(username="demo-thu-nhan")
    rng = random.Random(seed)
    for district in AdministrativeUnit.objects.filter(parent=province).order_by("code"):
        served = _district_villages(district)
        if not served:  # a district none of whose communes the synthetic province drew
            continue
        seat = resolve_unit(_district_seat(district))
        station, kits = _demo_station(police_of=district, unit=seat, kits=DISTRICT_KITS)
        station.service_area.set(served)
        _intake_simulate(
            station=station,
            kits=kits,
            unit=district,
            eligible=snapshots.get(district.pk, 0),
            as_of=as_of,
            share=share,
            rng=rng,
            operator=operator,
        )
    return target


# The commune a district's offices stand in (huyện lỵ): the data does not say, so the first
# township (thị trấn) of the district, else its first ward, else its first commune.
_SEAT_KINDS = [UnitKind.TOWNSHIP, UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE]


def _district_seat(district: AdministrativeUnit) -> AdministrativeUnit:
    communes = AdministrativeUnit.objects.filter(parent=district, kind__in=COMMUNE_KINDS)
    return min(communes.order_by("code"), key=lambda c: _SEAT_KINDS.index(c.kind))


def _district_villages(district: AdministrativeUnit) -> list[int]:
    """Today's villages where residents recorded under the district's old communes live."""
    return sorted(
        set(
            Residence.objects.filter(
                recorded_unit__parent=district, kind=ResidenceKind.PERMANENT
            ).values_list("unit_id", flat=True)
        )
    )


def _intake_simulate(
    *,
    station: Station,
    kits: list[Kit],
    unit: AdministrativeUnit,
    eligible: int,
    as_of: date,
    share: float,
    rng: random.Random,
    operator,
) -> None:
    """About ``share`` of ``unit``'s eligible people take their application at ``station``
    between the campaign's start and ``as_of``, the same number each day on average, the
    oldest first, one every twelve minutes on each kit; 4% are asked to come again."""
    day, days = CAMPAIGN_START, (as_of - CAMPAIGN_START).days + 1
    rate = eligible * share / days  # people a day, on average
    queue = list(
        worklist(unit=unit, on=CAMPAIGN_START)
        .order_by("birth_date")
        .values_list("pk", flat=True)[: round(rate * days) + 2]
    )
    persons = Person.objects.in_bulk(queue)
    while day <= as_of and queue:
        today = int(rate) + (rng.random() < rate - int(rate))
        for n in range(min(today, len(queue))):
            start = timezone.make_aware(
                datetime.combine(day, SHIFT_START) + timedelta(minutes=12 * (n // len(kits)))
            )
            accepted = rng.random() > 0.04
            intake_record(
                operator=operator,
                person=persons[queue.pop()],
                station=station,
                kit=kits[n % len(kits)],
                started_at=start,
                ended_at=start + timedelta(minutes=rng.randint(6, 12)),
                accepted=accepted,
                reason="" if accepted else "Ảnh chân dung không đạt",
                idempotency_key=f"demo-{station.code}-{day}-{n}",
            )
        day += timedelta(days=1)


# Three shifts a day, seven days a week, as the seeds ask ("03 ca … tối thiểu 18 tiếng").
DEMO_SHIFTS = [
    ("Ca 1", time(6), time(14)),
    ("Ca 2", time(14), time(22)),
    ("Ca 3", time(22), time(2)),
]
PLAN_DAYS = 14
# One shift of a demo station (two kits, ten minutes a person) with 10% no-shows, for the
# simulation of booking policies the demo prints.
DEMO_STATION_DAY = SimulatedStation(kits=2, open_minutes=480, capture_minutes=10, no_show=0.10)


@dataclass(frozen=True)
class DemoPlan:
    first: date
    last: date
    slots: int
    run: AssignmentRun
    booked: int  # in the period, by this run and earlier ones
    van: Station | None  # the vehicle touring remote villages
    van_booked: int


# Where Thanh Hóa city lies: the routes of the demo vehicle start from coordinates.
DEMO_PROVINCE_POINT = (19.8067, 105.7852)
VAN_DAYS = 7


def _demo_vehicle(province: AdministrativeUnit, *, first: date, on: date) -> Station | None:
    """A vehicle (xe lưu động) for the remote villages of the commune with most of them, with
    a week of visits planned (once)."""
    van = Station.objects.filter(code="DEMO-XE-1").first()
    if van is not None:
        return van
    if province.latitude is None:
        province.latitude, province.longitude = DEMO_PROVINCE_POINT
        province.save(update_fields=["latitude", "longitude"])
    remote = list(
        AdministrativeUnit.objects.subtree(province).filter(is_remote=True).order_by("code")
    )
    if not remote:
        return None
    counts: dict[int, int] = {}
    for village in remote:
        counts[village.parent_id] = counts.get(village.parent_id, 0) + 1
    commune = max(counts, key=lambda pk: (counts[pk], -pk))
    van = Station.objects.create(
        code="DEMO-XE-1",
        name="Xe cấp căn cước lưu động số 1",
        kind=StationKind.VEHICLE,
        unit_id=commune,
    )
    van.service_area.set([v for v in remote if v.parent_id == commune])
    Kit.objects.bulk_create(Kit(station=van, code=f"DEMO-XE-1-{n}") for n in (1, 2))
    Shift.objects.create(station=van, name="Ngày", starts=time(7), ends=time(17), break_minutes=60)
    visits_plan(station=van, first=first, days=VAN_DAYS, on=on)
    return van


def demo_plan(*, province_code: str, as_of: date) -> DemoPlan:
    """The two weeks after ``as_of`` planned: the demo stations work three shifts; a vehicle
    tours the remote villages of the commune that has most of them for a week, its stops
    becoming slots held for each village; slots are cut with overbooking for 10% no-shows,
    and the province's worklist is booked into them. Idempotent: a second run books nobody
    twice."""
    province = unit_by_code(province_code)
    first, last = as_of + timedelta(days=1), as_of + timedelta(days=PLAN_DAYS)
    van = _demo_vehicle(province, first=first, on=as_of)
    made = (
        slots_make(station=van, first=first, last=last, slot_minutes=30, no_show=0.10) if van else 0
    )
    for station in Station.objects.filter(code__startswith="DEMO-", kind=StationKind.FIXED):
        if not station.shifts.exists():
            Shift.objects.bulk_create(
                Shift(station=station, name=name, starts=starts, ends=ends)
                for name, starts, ends in DEMO_SHIFTS
            )
        made += slots_make(station=station, first=first, last=last, no_show=0.10)
    run = appointments_assign(
        unit=province,
        first=first,
        last=last,
        on=as_of,
        after=timezone.make_aware(datetime.combine(first, time(0))),
    )
    booked = Appointment.objects.filter(
        slot__starts_at__date__gte=first, slot__starts_at__date__lte=last
    ).count()
    van_booked = Appointment.objects.filter(slot__station=van).count() if van else 0
    return DemoPlan(
        first=first,
        last=last,
        slots=made,
        run=run,
        booked=booked,
        van=van,
        van_booked=van_booked,
    )
