"""Routes of mobile teams and vehicles (tổ cấp lưu động, xe lưu động): which places each team
visits on each working day, in what order, when, and for how many people.

A pure solver over plain dataclasses, solved with the OR-Tools routing library. Each working
day of each team is one vehicle of the routing model, leaving from the team's base and coming
back to it. Times are whole minutes after midnight of the day the itinerary belongs to (a day
that runs past midnight goes beyond 1440). A visit takes people × capture minutes ÷ kits, so a
team with more kits clears a village faster; travel takes the straight-line (haversine)
distance × a road factor at the speed of rural roads.
"""

import math
import time
from collections.abc import Hashable
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from cancuoc.lib.errors import DomainError
from cancuoc.lib.geo import Point, haversine_km

HORIZON = 48 * 60  # a day's times, a night shift's included, stay below two days of minutes
# Dropping a person costs as much as a thousand kilometres of driving, more than any day
# could drive: the solver leaves someone out only when no team-day can take them.
DROP_COST_PER_PERSON = 1_000_000  # metres
# Each later day used costs as much as one more kilometre: of two plans that visit the same
# people and drive as far, the one that visits them sooner wins.
LATER_DAY_COST = 1_000  # metres


@dataclass(frozen=True)
class Roads:
    """How fast teams get from place to place. Village roads wind and are slow: the road is
    ``road_factor`` times the straight line and a team drives ``speed_kmh`` on it."""

    speed_kmh: float = 30.0
    road_factor: float = 1.3

    def km(self, a: Point, b: Point) -> float:
        return haversine_km(a, b) * self.road_factor

    def minutes(self, km: float) -> int:
        """Driving minutes for ``km`` of road, rounded up to the whole minute."""
        return math.ceil(km / self.speed_kmh * 60 - 1e-9)


@dataclass(frozen=True)
class Window:
    """From ``opens`` to ``closes``, minutes after midnight."""

    opens: int
    closes: int


@dataclass(frozen=True)
class Break:
    """A break of ``minutes`` taken somewhere between ``earliest`` and ``latest`` (a gap
    between two shifts is a break whose bounds are its length apart). A break never
    interrupts a visit: it falls on the road, while waiting, or before or after the day."""

    earliest: int
    latest: int
    minutes: int


@dataclass(frozen=True)
class Workday:
    """One working day of a team: ``day`` counts days from the first day of the plan."""

    day: int
    window: Window
    breaks: tuple[Break, ...] = ()

    def stretches(self) -> list[Window]:
        """The longest times free of breaks, each break pushed to the edge of its bounds."""
        free, start = [], self.window.opens
        for brk in sorted(self.breaks, key=lambda b: b.earliest):
            free.append(Window(start, brk.latest - brk.minutes))
            start = brk.earliest + brk.minutes
        free.append(Window(start, self.window.closes))
        return free

    def work_minutes(self) -> int:
        return self.window.closes - self.window.opens - sum(b.minutes for b in self.breaks)


@dataclass(frozen=True)
class Stop:
    """A place with ``people`` to capture. A team may arrive only within ``window`` (a school
    that receives teams in the morning); once there it stays until its work is done."""

    key: Hashable
    point: Point
    people: int
    window: Window | None = None


@dataclass(frozen=True)
class Team:
    key: Hashable
    depot: Point
    kits: int
    capture_minutes: float  # per person and kit
    workdays: tuple[Workday, ...]

    def service_minutes(self, people: int) -> int:
        return math.ceil(people * self.capture_minutes / self.kits - 1e-9)

    def people_in(self, minutes: int) -> int:
        """How many people the team's kits capture in ``minutes``."""
        return max(int(minutes * self.kits // self.capture_minutes), 0)


@dataclass(frozen=True)
class PlannedVisit:
    stop: Hashable
    arrives: int
    leaves: int
    people: int
    km: float  # road from the previous place (the base for the first visit)
    travel_minutes: int


@dataclass(frozen=True)
class Itinerary:
    team: Hashable
    day: int
    departs: int
    returns: int
    visits: tuple[PlannedVisit, ...]
    km: float  # the whole day's road, back to the base included


@dataclass(frozen=True)
class Dropped:
    stop: Hashable
    people: int  # of the stop's people, how many no visit takes


@dataclass(frozen=True)
class Routes:
    itineraries: list[Itinerary]  # the days with at least one visit, by team and day
    dropped: list[Dropped]
    seconds: float


NO_PLAN = gettext_lazy(
    "Không lập được lịch cho %(places)s nơi (%(pieces)s phần) và %(days)s ngày-tổ trong "
    "%(seconds)s giây (trạng thái %(status)s): cho thêm thời gian hoặc lập ít ngày hơn."
)


class NoRoutes(DomainError, RuntimeError):
    """The search ended before it found any plan: on a large problem, allow it more time."""


@dataclass(frozen=True)
class _Node:
    point: Point
    stop: Stop | None = None  # None: a team's base
    people: int = 0


def stop_pieces(*, stop: Stop, teams: list[Team], roads: Roads, piece_minutes: int) -> list[int]:
    """How a stop's people are split into pieces, each one node of the routing model: into as
    few as the largest piece allows, of near-equal sizes (100 people, at most 36 a piece: 34,
    33, 33).

    The largest piece is what the fastest team captures in ``piece_minutes``, and no more than
    the best team-day can capture there in one stretch free of breaks, arriving within the
    stop's window after driving from its base and keeping time to drive back. Pieces let a
    village that takes more than a day be visited on several days, or by several teams, and
    let a day be filled to its end and a break be taken between two pieces; pieces of one stop
    done in a row are one visit (see :func:`routes_solve`). Pieces of an hour fill the days
    far better than pieces as large as a day allows (in a trial commune of 20 villages over 10
    days, 97% of the people against 84%) at the cost of more nodes. An empty list: no
    team-day can visit the stop at all."""
    largest = 0
    for team in teams:
        drive = roads.minutes(roads.km(team.depot, stop.point))
        for workday in team.workdays:
            for stretch in workday.stretches():
                opens, closes = stretch.opens + drive, stretch.closes - drive
                if stop.window:
                    opens = max(opens, stop.window.opens)
                    closes = closes if opens <= stop.window.closes else opens
                largest = max(largest, team.people_in(closes - opens))
    largest = min(largest, max(team.people_in(piece_minutes) for team in teams))
    if stop.people <= 0 or largest <= 0:
        return []
    count = math.ceil(stop.people / largest)
    return [stop.people // count + (n < stop.people % count) for n in range(count)]


def routes_solve(
    *,
    stops: list[Stop],
    teams: list[Team],
    roads: Roads = Roads(),
    piece_minutes: int = 60,
    time_limit: float = 2.0,
    solution_limit: int = 100,
) -> Routes:
    """Plan every team's working days so that as many people as possible are visited and,
    among plans that visit as many, the road driven is shortest and the days used earliest.

    The first solution is built by the path-cheapest-arc strategy and improved by guided local
    search, which stops after ``solution_limit`` solutions or ``time_limit`` seconds, whichever
    comes first. Both steps are deterministic, so when the solution limit ends the search the
    same input gives the same plan on any machine; the time limit only caps the wait on large
    problems (a commune of 20 villages over 10 days reaches 100 solutions in about half a
    second, one of 60 villages over 30 days in two seconds). Stops or parts of stops no
    team-day takes are reported as dropped. Raises :class:`NoRoutes` when the time limit ends
    the search before a first plan (150 villages over 60 days need about three seconds)."""
    started = time.perf_counter()
    nodes = [_Node(team.depot) for team in teams]
    for stop in stops:
        nodes += [
            _Node(stop.point, stop, size)
            for size in stop_pieces(
                stop=stop, teams=teams, roads=roads, piece_minutes=piece_minutes
            )
        ]
    vehicles = [(t, team, workday) for t, team in enumerate(teams) for workday in team.workdays]
    if not vehicles or len(nodes) == len(teams):
        return Routes([], _dropped(stops, {}), time.perf_counter() - started)

    km = [[roads.km(a.point, b.point) for b in nodes] for a in nodes]
    metres = [[round(d * 1000) for d in row] for row in km]
    drive = [[roads.minutes(d) for d in row] for row in km]
    service = [[team.service_minutes(n.people) for n in nodes] for team in teams]

    starts = [t for t, _, _ in vehicles]
    manager = pywrapcp.RoutingIndexManager(len(nodes), len(vehicles), starts, starts)
    routing = pywrapcp.RoutingModel(manager)

    # Matrices by node, evaluated inside OR-Tools: a Python callback per arc is ten times slower.
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(metres))
    for v, (_, _, workday) in enumerate(vehicles):
        routing.SetFixedCostOfVehicle(workday.day * LATER_DAY_COST, v)
    transits = [
        routing.RegisterTransitMatrix(
            [
                [on_site + minutes for minutes in row]
                for on_site, row in zip(own, drive, strict=True)
            ]
        )
        for own in service
    ]
    routing.AddDimensionWithVehicleTransits(
        [transits[t] for t, _, _ in vehicles], HORIZON, HORIZON, False, "time"
    )
    clock = routing.GetDimensionOrDie("time")
    demand = routing.RegisterUnaryTransitVector([node.people for node in nodes])
    # Redundant with the clock, which already bounds the people a day can take, but cheap for
    # the solver to check before it works out the times.
    routing.AddDimensionWithVehicleCapacity(
        demand, 0, [team.people_in(w.work_minutes()) for _, team, w in vehicles], True, "people"
    )

    solver = routing.solver()
    for v, (t, _, workday) in enumerate(vehicles):
        for index in (routing.Start(v), routing.End(v)):
            clock.CumulVar(index).SetRange(workday.window.opens, workday.window.closes)
            routing.AddVariableMinimizedByFinalizer(clock.CumulVar(index))
        breaks = [
            solver.FixedDurationIntervalVar(b.earliest, b.latest - b.minutes, b.minutes, False, "")
            for b in workday.breaks
        ]
        if breaks:
            on_site = [service[t][manager.IndexToNode(i)] for i in range(routing.Size())]
            clock.SetBreakIntervalsOfVehicle(breaks, v, on_site)
    for n in range(len(teams), len(nodes)):
        node, index = nodes[n], manager.NodeToIndex(n)
        routing.AddDisjunction([index], node.people * DROP_COST_PER_PERSON)
        routing.AddVariableMinimizedByFinalizer(clock.CumulVar(index))
        if node.stop.window:
            clock.CumulVar(index).SetRange(node.stop.window.opens, node.stop.window.closes)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(int(time_limit * 1000), 1))
    params.solution_limit = solution_limit
    solution = routing.SolveWithParameters(params)
    if solution is None:
        raise NoRoutes(
            str(NO_PLAN)
            % {
                "places": len(stops),
                "pieces": len(nodes) - len(teams),
                "days": len(vehicles),
                "seconds": f"{time_limit:g}",
                "status": routing.status(),
            }
        )

    itineraries, served = [], {}
    for v, (t, team, workday) in enumerate(vehicles):
        route, index = [], routing.Start(v)
        while not routing.IsEnd(index := solution.Value(routing.NextVar(index))):
            route.append(index)
        if not route:
            continue
        visits: list[PlannedVisit] = []
        previous = t
        for index in route:
            n = manager.IndexToNode(index)
            node, arrives = nodes[n], solution.Value(clock.CumulVar(index))
            leaves = arrives + service[t][n]
            if visits and visits[-1].stop == node.stop.key:
                last = visits[-1]  # two pieces of one stop in a row: one visit
                visits[-1] = replace(last, leaves=leaves, people=last.people + node.people)
            else:
                visits.append(
                    PlannedVisit(
                        node.stop.key,
                        arrives,
                        leaves,
                        node.people,
                        km[previous][n],
                        drive[previous][n],
                    )
                )
            served[node.stop.key] = served.get(node.stop.key, 0) + node.people
            previous = n
        itineraries.append(
            Itinerary(
                team=team.key,
                day=workday.day,
                departs=solution.Value(clock.CumulVar(routing.Start(v))),
                returns=solution.Value(clock.CumulVar(routing.End(v))),
                visits=tuple(visits),
                km=sum(visit.km for visit in visits) + km[previous][t],
            )
        )
    return Routes(itineraries, _dropped(stops, served), time.perf_counter() - started)


def _dropped(stops: list[Stop], served: dict[Hashable, int]) -> list[Dropped]:
    return [
        Dropped(s.key, s.people - served.get(s.key, 0))
        for s in stops
        if s.people > served.get(s.key, 0)
    ]
