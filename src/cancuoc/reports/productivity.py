"""Productivity per kit and operator, and the card backlog, for a unit's subtree."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min, Sum
from django.utils.translation import gettext as _

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.intake.models import Application, CardState

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
                station=row["station__name"],
                kit=row["kit__code"],
                operator=row["operator__username"],
                days=active_days,
                captured=row["captured"],
                per_day=row["captured"] / active_days,
                minutes_each=row["seconds"] / 60 / row["captured"] if row["captured"] else 0,
            )
        )
    return result


@dataclass(frozen=True)
class Backlog:
    label: str
    count: int
    oldest_days: int | None


def backlog(unit: AdministrativeUnit, on: date, totals: dict[str, int]) -> list[Backlog]:
    """Cards on their way, from the rollups (exact: every recall leaves one of the states
    before production): waiting for production, made but not yet at the commune, at the
    commune but not yet handed over. Below the province, also how long the oldest waited."""
    buckets = [
        (
            _("Chờ duyệt, sản xuất"),
            totals["captured"] - totals["recalled"] - totals["produced"],
            [CardState.CAPTURED, CardState.APPROVED, CardState.IN_PRODUCTION],
        ),
        (
            _("Đã sản xuất, chưa chuyển về"),
            totals["produced"] - totals["delivered"],
            [CardState.PRODUCED],
        ),
        (
            _("Đã chuyển về xã, chưa trả"),
            totals["delivered"] - totals["handed_over"],
            [CardState.DELIVERED],
        ),
    ]
    result = []
    for label, count, states in buckets:
        oldest = None
        if unit.depth > 0 and count:
            since = Application.objects.filter(
                state__in=states, unit__in=AdministrativeUnit.objects.subtree(unit).values("pk")
            ).aggregate(oldest=Min("state_since"))["oldest"]
            oldest = (on - since.date()).days if since else None
        result.append(Backlog(label, count, oldest))
    return result
