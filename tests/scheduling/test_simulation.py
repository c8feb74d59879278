"""The station-day simulation: checked against a queue whose answer is known, then used."""

import random
from datetime import time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Kit, Shift
from cancuoc.planning.models import Station as PlannedStation
from cancuoc.registry.models import Person
from cancuoc.registry.services import register_load
from cancuoc.scheduling.models import Appointment, AppointmentState, Slot
from cancuoc.scheduling.simulation import (
    Policy,
    Station,
    arrivals,
    compare,
    erlang_c_wait,
    simulate_day,
)
from tests.conftest import person_record


@pytest.mark.parametrize("kits,load", [(1, 0.7), (5, 0.8)])
def test_the_model_agrees_with_erlang_c_for_an_m_m_c_queue(kits, load):
    """Poisson arrivals, exponential captures, c kits: the mean wait over four independent
    long runs is within 5% of the Erlang C formula (each run alone varies by up to ±13% at
    these loads; four keep it within ±5% for every seed tried)."""
    service = 8.0
    rate = load * kits / service  # arrivals per minute
    station = Station(kits=kits, open_minutes=300_000, capture_minutes=service)
    means = []
    for seed in range(4):
        rng = random.Random(seed)
        times, moment = [], 0.0
        while (moment := moment + rng.expovariate(rate)) < station.open_minutes:
            times.append(moment)
        day = simulate_day(station, times, rng, service=lambda r: r.expovariate(1 / service))
        warm = len(day.waits) // 20  # leave out the start, when the queue is still empty
        means.append(sum(day.waits[warm:]) / len(day.waits[warm:]))
    expected = erlang_c_wait(kits, rate, service)
    assert sum(means) / len(means) == pytest.approx(expected, rel=0.05)


def test_erlang_c_matches_the_single_server_formula():
    # M/M/1: Wq = ρ / (μ − λ)
    assert erlang_c_wait(1, 0.1, 8.0) == pytest.approx(0.8 / (1 / 8 - 0.1))
    assert erlang_c_wait(2, 0.3, 8.0) == float("inf")  # more work than the kits can do


def test_bookings_follow_the_policy():
    station = Station(no_show=0.0, lateness_sd=0.0)  # 5 kits × 30 min ÷ 8 min = 18.75 a slot
    rng = random.Random(1)
    times, booked = arrivals(station, Policy("plain", ""), rng)
    assert booked == len(times) == 300  # 16 slots × 18.75
    assert times.count(0.0) == 18  # whole people, the rest carried to the next slot
    front, _ = arrivals(station, Policy("f", "", opening_queue=1.0), rng)
    assert front.count(0.0) == 23  # one more per kit at opening
    _, booked = arrivals(station, Policy("o", "", booking=1.1), rng)
    assert booked == 330


def test_at_a_five_kit_station_with_ten_percent_no_shows_the_recommendation_meets_both_targets():
    """The issue's bar: ≥ 95% kit utilisation and a mean wait ≤ 10 minutes, side by side
    with the other policies, which each miss one of the two."""
    result = compare(Station(kits=5, no_show=0.10), days=80, seed=3)
    best = result.recommended
    assert result.meets_targets
    assert best.utilisation >= 0.95 and best.mean_wait <= 10
    by_name = {o.policy.name: o for o in result.outcomes}
    assert by_name["plain"].utilisation < 0.95  # the kits wait for the no-shows
    assert by_name["walk_in"].mean_wait > 10  # people wait for the kits
    assert by_name["overbooked"].mean_wait > best.mean_wait


def test_the_console_shows_every_policy_and_the_recommendation():
    out = StringIO()
    call_command("simulate", "--kits", "2", "--days", "20", stdout=out)
    text = out.getvalue()
    assert "walk-in only" in text and "recommended" in text
    assert "targets met" in text or "targets not met" in text


def test_a_station_of_the_register_is_simulated_with_its_kits_shift_and_no_shows(area):
    station = PlannedStation.objects.create(
        code="CA-XM", name="Công an Xã Một", kind="fixed", unit=unit_by_code("16000")
    )
    for n in range(3):
        Kit.objects.create(station=station, code=f"K{n}")
    Shift.objects.create(station=station, name="Ca 1", starts=time(7), ends=time(11))
    records = [person_record(full_name=f"Người {n}") for n in range(4)]
    register_load(records=records, source="test")
    yesterday = timezone.now() - timedelta(days=1)
    slot = Slot.objects.create(
        station=station, starts_at=yesterday, ends_at=yesterday + timedelta(hours=1), capacity=4
    )
    for n, person in enumerate(Person.objects.all()):
        state = AppointmentState.NO_SHOW if n == 0 else AppointmentState.ATTENDED
        Appointment.objects.create(person=person, slot=slot, state=state)
    out = StringIO()
    call_command("simulate", "--station", "CA-XM", "--days", "10", stdout=out)
    text = out.getvalue()
    assert "3 kits" in text or "3 bộ" in text, text[:300]
    assert "25%" in text  # one of four did not come
