"""When stations work and how many people they can take: read from shift calendars."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q

from .models import ClosedDay, Shift, Station


@dataclass(frozen=True)
class Span:
    """One shift worked on one day (naive local times; the end may fall on the next day)."""

    station_id: int
    day: date
    shift: str
    starts: datetime
    ends: datetime
    minutes: int  # working minutes, break excluded


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def working_spans(stations: list[Station], first: date, last: date) -> list[Span]:
    """Every shift the stations work from ``first`` to ``last``, holidays and closed days left
    out, in order of station and time. Two queries whatever the number of stations."""
    ids = [s.pk for s in stations]
    shifts: dict[int, list[Shift]] = defaultdict(list)
    for shift in Shift.objects.filter(station_id__in=ids).order_by("starts"):
        shifts[shift.station_id].append(shift)
    closed: dict[int | None, set[date]] = defaultdict(set)
    for station_id, day in ClosedDay.objects.filter(
        Q(station_id__in=ids) | Q(station__isnull=True), day__gte=first, day__lte=last
    ).values_list("station_id", "day"):
        closed[station_id].add(day)
    spans = []
    for station_id in ids:
        off = closed[None] | closed[station_id]
        for day in days(first, last):
            if day in off:
                continue
            for shift in shifts[station_id]:
                if shift.works_on(day):
                    starts, ends = shift.span(day)
                    spans.append(Span(station_id, day, shift.name, starts, ends, shift.minutes()))
    return spans


def kit_counts(stations: list[Station]) -> dict[int, int]:
    return dict(
        Station.objects.filter(pk__in=[s.pk for s in stations])
        .annotate(n=Count("kits"))
        .values_list("pk", "n")
    )


def people_per_shift(*, kits: int, minutes: int, capture_minutes: int) -> int:
    """How many people one shift can capture: kits × working minutes ÷ capture minutes."""
    return kits * minutes // capture_minutes if capture_minutes else 0


def station_capacity(stations: list[Station], first: date, last: date) -> dict[int, int]:
    """People each station can capture from ``first`` to ``last`` by its calendar."""
    kits = kit_counts(stations)
    by_pk = {s.pk: s for s in stations}
    total = dict.fromkeys(by_pk, 0)
    for span in working_spans(stations, first, last):
        station = by_pk[span.station_id]
        total[span.station_id] += people_per_shift(
            kits=kits[span.station_id],
            minutes=span.minutes,
            capture_minutes=station.capture_minutes,
        )
    return total
