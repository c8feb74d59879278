"""Productivity per kit and operator, and the card backlog, for a unit's subtree."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Min, Sum

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.intake.models import OPEN_STATES, Application, CardState

from .models import StationDayRollup


@dataclass(frozen=True)
class KitFigures:
    station: str
    kit: str
    operator: str
    days: int
    captured: int
    per_day: float
    minutes_each: float


def productivity(unit: AdministrativeUnit, on: date, *, days: int = 7) -> list[KitFigures]:
    rows = (
        StationDayRollup.objects.filter(
            station__unit__in=AdministrativeUnit.objects.subtree(unit).values("pk"),
            day__gt=on - timedelta(days=days),
            day__lte=on,
        )
        .values("station__name", "kit__code", "operator__username")
        .annotate(captured=Sum("captured"), seconds=Sum("capture_seconds"), first=Min("day"))
        .order_by("-captured")
    )
    result = []
    for row in rows:
        active_days = (on - row["first"]).days + 1
        result.append(
            KitFigures(
                station=row["station__name"], kit=row["kit__code"],
                operator=row["operator__username"], days=active_days, captured=row["captured"],
                per_day=row["captured"] / active_days,
                minutes_each=row["seconds"] / 60 / row["captured"] if row["captured"] else 0,
            )
        )  # fmt: skip
    return result


@dataclass(frozen=True)
class Backlog:
    state: str
    label: str
    count: int
    oldest_days: int | None


def backlog(unit: AdministrativeUnit, on: date) -> list[Backlog]:
    """Applications waiting in each open state, and how long the oldest has waited."""
    rows = {
        row["state"]: row
        for row in Application.objects.filter(
            state__in=OPEN_STATES, unit__in=AdministrativeUnit.objects.subtree(unit).values("pk")
        )
        .values("state")
        .annotate(count=Count("pk"), oldest=Min("state_since"))
    }
    result = []
    for state in OPEN_STATES:
        row = rows.get(state)
        oldest = (on - row["oldest"].date()).days if row else None
        result.append(Backlog(state, CardState(state).label, row["count"] if row else 0, oldest))
    return result
