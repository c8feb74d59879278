"""A station's day, simulated (SimPy): who arrives when, who waits, how busy the kits are.

"Không để máy chờ người, không để người chờ máy": a kit should not wait for a person and a
person should not wait for a kit. With random arrivals those two pull against each other
(queueing theory: a lone kit kept 95% busy by walk-ins makes people wait hours); appointments,
booked a little beyond capacity to cover no-shows and with a small queue ready at opening,
reconcile them. This module compares such booking policies for a given station and
recommends one.

The model: ``kits`` identical kits in one queue (first come, first served); capture times
lognormal with the station's mean and coefficient of variation; booked people arrive around
their slot's start (normally distributed lateness), some never come (no-shows); walk-ins
arrive at random (Poisson) all day. Everyone who is in line at closing is still served (that
is the overtime). Utilisation is the kits' busy share of the opening hours.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import simpy


@dataclass(frozen=True)
class Station:
    kits: int = 5
    open_minutes: float = 480.0  # one 8-hour shift
    capture_minutes: float = 8.0  # mean time at the kit per person
    capture_cv: float = 0.3  # its coefficient of variation
    slot_minutes: float = 30.0
    no_show: float = 0.10  # share of booked people who do not come
    walk_ins_per_hour: float = 0.0
    lateness_sd: float = 5.0  # minutes, around the slot's start

    @property
    def per_slot(self) -> float:
        """People the kits capture in one slot on average."""
        return self.kits * self.slot_minutes / self.capture_minutes


@dataclass(frozen=True)
class Policy:
    """How many people are booked into each slot: ``per_slot`` × ``booking`` (booking above
    1 is overbooking), plus ``opening_queue`` people per kit booked for the opening slot."""

    name: str
    label: str
    appointments: bool = True
    booking: float = 1.0
    opening_queue: float = 0.0


def policies_for(station: Station) -> list[Policy]:
    """The policies compared for a station: walk-ins only; plain appointments; front-loaded
    (a queue of one per kit at opening); overbooked by the no-show rate; both."""
    cover = 1 / (1 - station.no_show)
    return [
        Policy("walk_in", "Chỉ đến tự do / walk-in only", appointments=False),
        Policy("plain", "Hẹn theo khung giờ / plain appointments"),
        Policy("front_loaded", "Hẹn, dồn đầu ca / front-loaded", opening_queue=1.0),
        Policy("overbooked", "Hẹn vượt bù vắng / overbooked", booking=cover),
        Policy(
            "overbooked_front_loaded",
            "Hẹn vượt bù vắng, dồn đầu ca / overbooked and front-loaded",
            booking=cover,
            opening_queue=1.0,
        ),
    ]


@dataclass
class DayResult:
    waits: list[float] = field(default_factory=list)  # minutes, per person served
    busy_in_hours: float = 0.0  # kit-minutes busy within the opening hours
    last_end: float = 0.0
    booked: int = 0
    came: int = 0


@dataclass(frozen=True)
class Outcome:
    policy: Policy
    days: int
    utilisation: float
    mean_wait: float
    p90_wait: float
    overtime: float  # minutes after closing until the last capture ends, per day
    served_per_day: float
    booked_per_day: float

    def meets(self, utilisation: float, mean_wait: float) -> bool:
        return self.utilisation >= utilisation and self.mean_wait <= mean_wait


def _capture_time(rng: random.Random, mean: float, cv: float) -> float:
    if cv <= 0:
        return mean
    sigma = math.sqrt(math.log(1 + cv * cv))
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)


def arrivals(station: Station, policy: Policy, rng: random.Random) -> tuple[list[float], int]:
    """The minutes at which people arrive in one day, and how many were booked."""
    times: list[float] = []
    booked = 0
    if policy.appointments:
        slots = int(station.open_minutes // station.slot_minutes)
        carry = 0.0
        for slot in range(slots):
            carry += station.per_slot * policy.booking
            if slot == 0:
                carry += policy.opening_queue * station.kits
            count, carry = int(carry), carry - int(carry)  # whole people, the rest carried
            start = slot * station.slot_minutes
            for _ in range(count):
                booked += 1
                if rng.random() < station.no_show:
                    continue
                times.append(max(0.0, start + rng.gauss(0, station.lateness_sd)))
    rate = station.walk_ins_per_hour / 60
    if not policy.appointments and rate == 0:
        rate = station.kits / station.capture_minutes  # walk-ins only: demand = capacity
    moment = 0.0
    while rate > 0:
        moment += rng.expovariate(rate)
        if moment >= station.open_minutes:
            break
        times.append(moment)
    return sorted(times), booked


def simulate_day(
    station: Station,
    arrival_times: list[float],
    rng: random.Random,
    service: Callable[[random.Random], float] | None = None,
) -> DayResult:
    """Run one day through SimPy; ``service`` draws a capture time (default: lognormal)."""
    env = simpy.Environment()
    kits = simpy.Resource(env, capacity=station.kits)
    result = DayResult(came=len(arrival_times))
    draw = service or (lambda r: _capture_time(r, station.capture_minutes, station.capture_cv))

    def person(arrival: float):
        yield env.timeout(arrival)
        with kits.request() as turn:
            yield turn
            result.waits.append(env.now - arrival)
            start = env.now
            yield env.timeout(draw(rng))
            end = env.now
            result.busy_in_hours += max(0.0, min(end, station.open_minutes) - start)
            result.last_end = max(result.last_end, end)

    for arrival in arrival_times:
        env.process(person(arrival))
    env.run()
    return result


def evaluate(station: Station, policy: Policy, *, days: int = 200, seed: int = 1) -> Outcome:
    rng = random.Random(seed)
    waits: list[float] = []
    busy = overtime = 0.0
    booked = 0
    for _ in range(days):
        times, day_booked = arrivals(station, policy, rng)
        day = simulate_day(station, times, rng)
        waits += day.waits
        busy += day.busy_in_hours
        overtime += max(0.0, day.last_end - station.open_minutes)
        booked += day_booked
    ordered = sorted(waits)
    return Outcome(
        policy=policy,
        days=days,
        utilisation=busy / (days * station.kits * station.open_minutes),
        mean_wait=sum(waits) / len(waits) if waits else 0.0,
        p90_wait=ordered[int(0.9 * (len(ordered) - 1))] if ordered else 0.0,
        overtime=overtime / days,
        served_per_day=len(waits) / days,
        booked_per_day=booked / days,
    )


# What "no kit waits, no person waits" is taken to mean (configurable per call).
TARGET_UTILISATION = 0.95
TARGET_MEAN_WAIT = 10.0


@dataclass(frozen=True)
class Comparison:
    station: Station
    outcomes: list[Outcome]
    recommended: Outcome
    meets_targets: bool


def compare(
    station: Station,
    *,
    days: int = 200,
    seed: int = 1,
    utilisation: float = TARGET_UTILISATION,
    mean_wait: float = TARGET_MEAN_WAIT,
) -> Comparison:
    """Every policy on the same station (same random stream per policy); recommend the one
    that meets both targets with the least overtime, else the one closest to them."""
    policies = [*policies_for(station), tune(station, utilisation=utilisation, seed=seed)]
    outcomes = [evaluate(station, p, days=days, seed=seed) for p in policies]
    meeting = [o for o in outcomes if o.meets(utilisation, mean_wait)]
    if meeting:
        best = min(meeting, key=lambda o: (o.overtime, o.mean_wait))
    else:
        best = min(
            outcomes,
            key=lambda o: (
                max(0.0, utilisation - o.utilisation) * 100 + max(0.0, o.mean_wait - mean_wait)
            ),
        )
    return Comparison(station, outcomes, best, bool(meeting))


def tune(
    station: Station, *, utilisation: float = TARGET_UTILISATION, days: int = 60, seed: int = 1
) -> Policy:
    """Overbooking "just enough": for a queue at opening of 0 or ½ person per kit, the
    smallest booking factor whose simulated utilisation reaches the target (found by
    bisection; utilisation grows with bookings), keeping the one with the shorter wait."""
    cover = 1 / (1 - station.no_show)
    best: tuple[float, Policy] | None = None
    for opening in (0.0, 0.5):
        low, high = 1.0, cover * 1.05
        for _ in range(7):
            middle = (low + high) / 2
            trial = Policy("tuned", "", booking=middle, opening_queue=opening)
            if evaluate(station, trial, days=days, seed=seed).utilisation >= utilisation:
                high = middle
            else:
                low = middle
        policy = Policy(
            "tuned",
            f"Hẹn vượt vừa đủ ×{high:.2f}, dồn đầu ca {opening:g}/bộ / "
            f"overbooked just enough ×{high:.2f}, opening queue {opening:g}/kit",
            booking=high,
            opening_queue=opening,
        )
        wait = evaluate(station, policy, days=days, seed=seed).mean_wait
        if best is None or wait < best[0]:
            best = (wait, policy)
    return best[1]


def erlang_c_wait(kits: int, arrivals_per_minute: float, service_minutes: float) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C), minutes: the analytical answer the
    model is checked against."""
    load = arrivals_per_minute * service_minutes  # offered load in Erlangs
    if load >= kits:
        return math.inf
    top = load**kits / math.factorial(kits) * kits / (kits - load)
    bottom = sum(load**k / math.factorial(k) for k in range(kits)) + top
    return (top / bottom) * service_minutes / (kits - load)
