"""Visit plans of mobile teams and vehicles (lịch cấp lưu động): the villages and institutions
of a station's service area with the people they still have to bring in, routed over the
station's working days and saved as ``Visit`` rows."""

import logging
import math
import zlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cancuoc.geo.models import (
    SEGMENT,
    AdministrativeUnit,
    Institution,
    InstitutionMember,
    path_upper_bound,
)
from cancuoc.lib.errors import DomainError
from cancuoc.planning.calendar import Span, working_spans
from cancuoc.planning.models import Station, StationKind
from cancuoc.planning.selectors import service_roots
from cancuoc.scheduling.worklists import counted_residence, institution_worklist, worklist

from .models import AppointmentState, Visit
from .routes import Break, Point, Stop, Team, Window, Workday, routes_solve

logger = logging.getLogger(__name__)

KM_PER_DEGREE = 111.32  # of latitude, and of longitude at the equator


class VisitsRefused(DomainError, ValueError):
    """A team's visits cannot be planned: a fixed station, no kits, no place to start from."""


def place_point(
    *, path: str, code: str, located: dict[str, Point], default: Point | None, below: int = 0
) -> Point | None:
    """Where a place lies, for routing. The register has no coordinates for most villages, so:
    the unit at ``path`` when it has them; else its nearest ancestor that has them (else
    ``default``, the team's base), moved 1–4 km per level skipped in a direction of the
    compass, both following from ``code``. The villages of a commune then spread around it
    instead of sitting on one spot, where travel between them would cost nothing, and the same
    code always lands on the same place. ``below``: levels the place lies below the unit at
    ``path`` (an institution in a village: 1). None: nothing to start from."""
    base, levels = default, 1 + below
    for end in range(len(path), 0, -SEGMENT):
        if path[:end] in located:
            base, levels = located[path[:end]], (len(path) - end) // SEGMENT + below
            break
    if base is None or levels == 0:
        return base
    digest = zlib.crc32(code.encode())
    km = levels * (1 + digest % 301 / 100)
    bearing = math.radians(digest // 301 % 360)
    return Point(
        base.latitude + km * math.cos(bearing) / KM_PER_DEGREE,
        base.longitude
        + km * math.sin(bearing) / (KM_PER_DEGREE * math.cos(math.radians(base.latitude))),
    )


def located_units(paths: list[str]) -> dict[str, Point]:
    """The units on the way up from ``paths`` (themselves included) that have coordinates."""
    prefixes = {p[:end] for p in paths for end in range(SEGMENT, len(p) + 1, SEGMENT)}
    return {
        path: Point(latitude, longitude)
        for path, latitude, longitude in AdministrativeUnit.objects.filter(
            path__in=prefixes, latitude__isnull=False, longitude__isnull=False
        ).values_list("path", "latitude", "longitude")
    }


def station_point(station: Station) -> Point:
    """Where the team sets out from each day: the station, else where its unit lies."""
    if station.latitude is not None and station.longitude is not None:
        return Point(station.latitude, station.longitude)
    unit = station.unit
    point = place_point(
        path=unit.path, code=unit.code, located=located_units([unit.path]), default=None
    )
    if point is None:
        raise VisitsRefused(
            _(
                "%(station)s: điểm thu nhận, đơn vị %(unit)s và các đơn vị trên đều chưa có tọa "
                "độ; hãy nhập vĩ độ, kinh độ của điểm."
            )
            % {"station": station.code, "unit": unit.code}
        )
    return point


def outermost(roots: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
    """Leave out roots inside another root: their people would be counted twice."""
    return [r for r in roots if not any(o != r and r.path.startswith(o.path) for o in roots)]


def station_stops(
    *, station: Station, on: date, depot: Point
) -> dict[tuple[str, int], tuple[Stop, AdministrativeUnit | None, Institution | None]]:
    """The places a station's team visits, by key: each institution of its service area with
    members to capture on ``on``, and each unit where others on the worklist live (a village,
    or a commune for people registered at the commune itself) and have no appointment at a
    station yet. An institution's members are
    captured there, not at home (the seeds: students do it at school)."""
    roots = outermost(service_roots(station))
    in_area = Q(pk__in=[])
    for root in roots:
        in_area |= Q(unit__path__gte=root.path, unit__path__lt=path_upper_bound(root.path))
    institutions = {
        institution: institution_worklist(institution=institution, on=on).count()
        for institution in Institution.objects.filter(in_area).select_related("unit")
    }
    institutions = {i: n for i, n in institutions.items() if n}
    members = InstitutionMember.objects.filter(
        InstitutionMember.active_on_q(on), institution__in=list(institutions)
    ).values("person_id")
    people: dict[int, int] = defaultdict(int)
    for root in roots:
        rows = (
            worklist(unit=root, on=on)
            .exclude(pk__in=members)
            .exclude(appointments__state=AppointmentState.BOOKED)  # coming to a station
            .annotate(home=Subquery(counted_residence(on).values("unit_id")[:1]))
            .order_by()
            .values_list("home")
            .annotate(n=Count("pk"))
        )
        for home, n in rows:
            people[home] += n
    units = AdministrativeUnit.objects.in_bulk([pk for pk in people if pk is not None])
    located = located_units([u.path for u in units.values()] + [i.unit.path for i in institutions])
    stops = {}
    # In the tree's order and by code: the solver's answer depends on the order of its nodes.
    for unit in sorted(units.values(), key=lambda u: u.path):
        point = place_point(path=unit.path, code=unit.code, located=located, default=depot)
        stops["unit", unit.pk] = (Stop(("unit", unit.pk), point, people[unit.pk]), unit, None)
    for institution, n in sorted(institutions.items(), key=lambda item: item[0].code):
        point = place_point(
            path=institution.unit.path,
            code=institution.code,
            located=located,
            default=depot,
            below=1,
        )
        stops["institution", institution.pk] = (
            Stop(("institution", institution.pk), point, n),
            None,
            institution,
        )
    return stops


def minute_of(moment: datetime, day: date) -> int:
    """Minutes from midnight at the start of ``day`` to ``moment``."""
    return int((moment - datetime.combine(day, time())).total_seconds() // 60)


def workdays(spans: list[Span], first: date) -> tuple[Workday, ...]:
    """A team's working days from its shifts: from the start of the first shift to the end of
    the last; each shift's break taken somewhere within the shift, the gap between two shifts
    as a break of its own."""
    by_day: dict[date, list[Span]] = defaultdict(list)
    for span in spans:
        by_day[span.day].append(span)
    result = []
    for day, shifts in sorted(by_day.items()):
        breaks: list[Break] = []
        opens = end = minute_of(min(s.starts for s in shifts), day)
        for span in sorted(shifts, key=lambda s: s.starts):
            starts, ends = minute_of(span.starts, day), minute_of(span.ends, day)
            if starts > end:
                breaks.append(Break(end, starts, starts - end))
            if ends - starts > span.minutes:
                breaks.append(Break(starts, ends, ends - starts - span.minutes))
            end = max(end, ends)
        result.append(Workday((day - first).days, Window(opens, end), tuple(breaks)))
    return tuple(result)


@transaction.atomic
@transaction.atomic
def visits_plan(
    *, station: Station, first: date, days: int, on: date, time_limit: float = 2.0
) -> list[Visit]:
    """Plan a mobile team's or vehicle's visits from ``first`` for ``days`` days to the people
    of its service area who need a card on ``on``, and save them in place of the station's
    visits of those days. People no visit takes are logged by place."""
    if station.kind == StationKind.FIXED:
        raise VisitsRefused(
            _("%(station)s là điểm cố định, không đi lưu động.") % {"station": station.code}
        )
    kits = station.kits.count()
    if not kits:
        raise VisitsRefused(_("%(station)s chưa có bộ máy thu nhận.") % {"station": station.code})
    last = first + timedelta(days=days - 1)
    depot = station_point(station)
    stops = station_stops(station=station, on=on, depot=depot)
    team = Team(
        station.code,
        depot,
        kits,
        station.capture_minutes,
        workdays(working_spans([station], first, last), first),
    )
    routes = routes_solve(
        stops=[stop for stop, _, _ in stops.values()], teams=[team], time_limit=time_limit
    )
    if routes.dropped:
        logger.warning(
            "station %s, %s–%s: %d people in %d places left out: %s",
            station.code,
            first,
            last,
            sum(d.people for d in routes.dropped),
            len(routes.dropped),
            ", ".join(f"{d.stop[0]} {d.stop[1]}: {d.people}" for d in routes.dropped),
        )
    Visit.objects.filter(station=station, day__gte=first, day__lte=last).delete()
    visits = []
    for itinerary in routes.itineraries:
        day = first + timedelta(days=itinerary.day)
        midnight = timezone.make_aware(datetime.combine(day, time()))
        for order, planned in enumerate(itinerary.visits, start=1):
            unit, institution = stops[planned.stop][1:]
            visits.append(
                Visit(
                    station=station,
                    day=day,
                    order=order,
                    unit=unit,
                    institution=institution,
                    arrives_at=midnight + timedelta(minutes=planned.arrives),
                    leaves_at=midnight + timedelta(minutes=planned.leaves),
                    expected=planned.people,
                    travel_km=round(planned.km, 2),
                )
            )
    return Visit.objects.bulk_create(visits)
