"""Routes of mobile teams: the solver checked on cases small enough to work out by hand and
on a commune-sized one against every rule a plan must keep, then the plan saved for a station."""

import io
import math
import random
from collections import defaultdict
from datetime import date, datetime, time

import pytest
from django.core.management import call_command
from django.utils import timezone

from cancuoc.geo.models import AdministrativeUnit, Institution, InstitutionKind, InstitutionMember
from cancuoc.lib.geo import Point, haversine_km
from cancuoc.planning.models import Kit, Shift, Station, StationKind
from cancuoc.scheduling.models import Visit
from cancuoc.scheduling.routes import (
    Break,
    NoRoutes,
    Roads,
    Stop,
    Team,
    Window,
    Workday,
    routes_solve,
    stop_pieces,
)
from cancuoc.scheduling.visits import place_point, visits_plan
from cancuoc.scheduling.worklists import worklist

DAY = Window(7 * 60, 17 * 60)
LUNCH = Break(11 * 60 + 30, 13 * 60 + 30, 60)
ROADS = Roads(speed_kmh=30.0, road_factor=1.3)


def east(km: float) -> Point:
    """A point ``km`` east of (0, 0) along the equator."""
    return Point(0.0, km / 111.195)


def team(*, days: int = 1, breaks: tuple[Break, ...] = ()) -> Team:
    """Two kits, 10 minutes a person, based at (0, 0), working 07:00–17:00."""
    return Team("T", east(0), 2, 10, tuple(Workday(d, DAY, breaks) for d in range(days)))


def commune(seed: int, villages: int) -> list[Stop]:
    rng = random.Random(seed)
    return [
        Stop(
            f"v{n}",
            Point(19.8 + rng.uniform(-0.05, 0.05), 105.77 + rng.uniform(-0.05, 0.05)),
            rng.randint(0, 120),
            Window(8 * 60, 10 * 60) if n % 7 == 3 else None,
        )
        for n in range(villages)
    ]


def test_points_on_a_line_take_the_shortest_tour():
    """Base at 0, villages at -4, 3 and 6 km: no tour is shorter than out to one end and over
    to the other, 2 × (4 + 6) km of straight line."""
    stops = [Stop("b", east(3), 10), Stop("w", east(-4), 10), Stop("c", east(6), 10)]
    routes = routes_solve(stops=stops, teams=[team()], roads=ROADS)
    (day,) = routes.itineraries
    assert sorted(v.stop for v in day.visits) == ["b", "c", "w"]
    assert day.km == pytest.approx(20 * 1.3, rel=1e-3)
    assert routes.dropped == []


def test_the_corners_of_a_square_are_walked_round_not_across():
    """Base at one corner of a 5 km square: round the sides (20 km) in either direction; going
    to the far corner first would cross a diagonal (7.1 km) for nothing."""
    north = Point(5 / 111.195, 0.0)
    far = Point(5 / 111.195, 5 / 111.195)
    stops = [Stop("far", far, 10), Stop("north", north, 10), Stop("east", east(5), 10)]
    routes = routes_solve(stops=stops, teams=[team()], roads=ROADS)
    (day,) = routes.itineraries
    assert [v.stop for v in day.visits] in (["north", "far", "east"], ["east", "far", "north"])
    assert day.km == pytest.approx(20 * 1.3, rel=1e-3)


def test_times_follow_from_the_road_and_the_kits():
    """One village 6 km out at 30 km/h on a road 1.3 × the straight line: 16 minutes there;
    25 people at 10 minutes each on 2 kits: 125 minutes of work. The team leaves at opening."""
    routes = routes_solve(stops=[Stop("v", east(6), 25)], teams=[team()], roads=ROADS)
    (day,) = routes.itineraries
    (visit,) = day.visits
    assert ROADS.minutes(6 * 1.3) == math.ceil(6 * 1.3 / 30 * 60) == 16
    assert (day.departs, visit.arrives, visit.leaves) == (420, 436, 561)
    assert day.returns == 561 + 16


def test_a_stop_is_split_into_near_equal_pieces_of_at_most_the_piece_length():
    """2 kits × 60 minutes ÷ 10 minutes: at most 12 people a piece."""
    sizes = stop_pieces(stop=Stop("v", east(1), 100), teams=[team()], roads=ROADS, piece_minutes=60)
    assert sum(sizes) == 100
    assert len(sizes) == math.ceil(100 / 12)
    assert max(sizes) - min(sizes) <= 1


def test_a_village_larger_than_a_day_takes_several_days():
    """350 people, 2 kits, 10 minutes: 60 × 9 hours ÷ 5 = 108 a day at most: four days."""
    routes = routes_solve(
        stops=[Stop("big", east(2), 350)], teams=[team(days=5, breaks=(LUNCH,))], roads=ROADS
    )
    per_day = [sum(v.people for v in day.visits) for day in routes.itineraries]
    assert sum(per_day) == 350
    assert len(per_day) == 4
    assert all(len(day.visits) == 1 for day in routes.itineraries)  # pieces in a row: one visit
    assert [day.day for day in routes.itineraries] == [0, 1, 2, 3]  # the earliest days


def test_people_no_day_can_take_are_reported_dropped():
    stops = [Stop("near", east(1), 100), Stop("far", east(2), 100)]
    routes = routes_solve(stops=stops, teams=[team()], roads=ROADS)
    planned = sum(v.people for day in routes.itineraries for v in day.visits)
    dropped = sum(d.people for d in routes.dropped)
    assert planned + dropped == 200
    assert planned <= team().people_in(DAY.closes - DAY.opens)
    assert dropped >= 200 - 120


def test_a_stop_whose_window_no_day_meets_is_dropped_whole():
    stop = Stop("night school", east(1), 30, Window(20 * 60, 21 * 60))
    routes = routes_solve(stops=[stop], teams=[team()], roads=ROADS)
    assert routes.itineraries == []
    assert [(d.stop, d.people) for d in routes.dropped] == [("night school", 30)]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_commune_plan_keeps_every_rule(seed):
    stops = commune(seed, villages=20)
    base = Point(19.8, 105.77)
    teams = [
        Team("A", base, 3, 10, tuple(Workday(d, DAY, (LUNCH,)) for d in range(8))),
        Team("B", Point(19.83, 105.8), 2, 12, tuple(Workday(d, DAY) for d in range(0, 8, 2))),
    ]
    routes = routes_solve(stops=stops, teams=teams, roads=ROADS)
    by_key = {s.key: s for s in stops}
    by_team = {t.key: t for t in teams}
    served: dict[str, int] = defaultdict(int)
    for day in routes.itineraries:
        crew = by_team[day.team]
        workday = next(w for w in crew.workdays if w.day == day.day)
        assert workday.window.opens <= day.departs and day.returns <= workday.window.closes
        place, clock, busy, km = crew.depot, day.departs, 0, 0.0
        for visit in day.visits:
            stop = by_key[visit.stop]
            assert visit.km == pytest.approx(ROADS.km(place, stop.point))
            assert visit.travel_minutes == ROADS.minutes(visit.km)
            assert visit.arrives - clock >= visit.travel_minutes
            assert visit.leaves - visit.arrives >= crew.service_minutes(visit.people)
            if stop.window:
                assert stop.window.opens <= visit.arrives <= stop.window.closes
            busy += visit.travel_minutes + crew.service_minutes(visit.people)
            km += visit.km
            served[visit.stop] += visit.people
            place, clock = stop.point, visit.leaves
        back = ROADS.km(place, crew.depot)
        assert day.returns - clock >= ROADS.minutes(back)
        assert day.km == pytest.approx(km + back)
        # The work of the day fits in the day less its breaks, and the kits' capacity.
        assert busy + ROADS.minutes(back) <= workday.work_minutes()
        assert sum(v.people for v in day.visits) <= crew.people_in(workday.work_minutes())
    dropped = {d.stop: d.people for d in routes.dropped}
    for stop in stops:
        assert served[stop.key] + dropped.get(stop.key, 0) == stop.people
    assert sum(dropped.values()) < 0.05 * sum(s.people for s in stops)


def test_a_search_cut_short_before_any_plan_says_so():
    crew = Team(
        "A", Point(19.8, 105.77), 3, 10, tuple(Workday(d, DAY, (LUNCH,)) for d in range(60))
    )
    with pytest.raises(NoRoutes, match="cho thêm thời gian"):
        routes_solve(stops=commune(4, villages=150), teams=[crew], roads=ROADS, time_limit=0.01)


def test_the_same_problem_gives_the_same_plan():
    stops = commune(3, villages=15)
    crew = Team("A", Point(19.8, 105.77), 3, 10, tuple(Workday(d, DAY, (LUNCH,)) for d in range(6)))
    first, second = (routes_solve(stops=stops, teams=[crew], roads=ROADS) for _ in range(2))
    assert first.itineraries == second.itineraries
    assert first.dropped == second.dropped


def test_a_place_without_coordinates_lies_a_few_km_from_its_nearest_located_ancestor():
    commune_point = Point(19.8, 105.77)
    located = {"0000000100000002": commune_point}
    village = "000000010000000200000003"
    point = place_point(path=village, code="16000001", located=located, default=None)
    assert point == place_point(path=village, code="16000001", located=located, default=None)
    assert 0.99 <= haversine_km(point, commune_point) <= 4.01
    other = place_point(path=village, code="16000002", located=located, default=None)
    assert other != point
    assert place_point(path="0000000100000002", code="x", located=located, default=None) == (
        commune_point
    )
    assert place_point(path=village, code="x", located={}, default=None) is None


@pytest.fixture
def station(area):
    commune = AdministrativeUnit.objects.get(code="16000")
    AdministrativeUnit.objects.filter(code="38").update(latitude=19.8, longitude=105.77)
    station = Station.objects.create(
        code="LD1",
        name="Tổ lưu động xã Một",
        kind=StationKind.MOBILE_TEAM,
        unit=commune,
        latitude=19.81,
        longitude=105.78,
        capture_minutes=10,
    )
    Kit.objects.bulk_create([Kit(station=station, code=f"LD1-{n}") for n in range(2)])
    Shift.objects.create(
        station=station,
        name="Hành chính",
        starts=time(7),
        ends=time(17),
        break_minutes=60,
        weekdays="123456",
    )
    return station


def test_visits_plan_saves_the_visits_of_the_station_area(station, add_person):
    for _ in range(3):
        add_person(permanent_unit="16000001")
    for _ in range(2):
        add_person(permanent_unit="16000002")
    add_person(permanent_unit="16001001")  # another commune, not this team's
    student = add_person(permanent_unit="16000002", birth_date=date(2006, 3, 1))
    school = Institution.objects.create(
        code="THCS1",
        name="Trường THCS Một",
        kind=InstitutionKind.SCHOOL,
        unit=AdministrativeUnit.objects.get(code="16000001"),
    )
    InstitutionMember.objects.create(institution=school, person=student)
    on = date(2021, 4, 1)
    needing = worklist(unit=station.unit, on=on).count()

    first = date(2021, 4, 5)  # a Monday
    visits = visits_plan(station=station, first=first, days=7, on=on, time_limit=0.5)

    saved = list(Visit.objects.filter(station=station))
    assert len(saved) == len(visits) > 0
    assert sum(v.expected for v in saved) == needing == 6
    places = {(v.unit.code if v.unit else v.institution.code): 0 for v in saved}
    for v in saved:
        places[v.unit.code if v.unit else v.institution.code] += v.expected
    assert places == {"16000001": 3, "16000002": 2, "THCS1": 1}
    for v in saved:
        assert v.day.isoweekday() != 7  # no Sunday shift
        assert time(7) <= timezone.localtime(v.arrives_at).time()
        assert v.arrives_at < v.leaves_at <= timezone.make_aware(datetime.combine(v.day, time(17)))
    for day in {v.day for v in saved}:
        assert [v.order for v in saved if v.day == day] == list(
            range(1, 1 + sum(v.day == day for v in saved))
        )

    visits_plan(station=station, first=first, days=7, on=on, time_limit=0.5)
    assert Visit.objects.filter(station=station).count() == len(saved)  # replaced, not added


def test_a_fixed_station_has_no_route(station):
    station.kind = StationKind.FIXED
    with pytest.raises(ValueError, match="điểm cố định"):
        visits_plan(station=station, first=date(2021, 4, 5), days=1, on=date(2021, 4, 1))


def test_the_routes_command_prints_the_itineraries(station, add_person):
    for _ in range(4):
        add_person(permanent_unit="16000002")
    out = io.StringIO()
    call_command(
        "routes",
        "LD1",
        "--first",
        "2021-04-05",
        "--days",
        "2",
        "--on",
        "2021-04-01",
        "--time-limit",
        "0.5",
        stdout=out,
    )
    text = out.getvalue()
    assert "Thôn 2" in text
    assert "Nơi đến / place" in text
    assert "1 lượt, 4 người" in text
    assert Visit.objects.filter(station=station).count() == 1
