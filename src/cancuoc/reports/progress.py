"""Progress of a unit, read from the rollups: what the dashboard and the weekly report show."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.planning.models import Target

from .models import COUNTERS, DailyRollup
from .still_to_enrol import left_on

FORECAST_DAYS = 7  # the forecast follows the pace of the last week


@dataclass
class Progress:
    unit: AdministrativeUnit
    on: date
    target: Target | None
    done: int  # captured − recalled, up to ``on``
    left: int  # still to enrol on ``on``: on the worklist, exactly (reports.still_to_enrol)
    totals: dict[str, int]  # every counter up to ``on``
    daily: list[tuple[date, int]] = field(default_factory=list)  # captured per day

    @property
    def eligible(self) -> int:
        """Who needed a card in the campaign up to ``on``: those done and those still to
        enrol (people who turned 14 since it began included)."""
        return self.done + self.left

    @property
    def share_of_target(self) -> float | None:
        return self.done / self.target.count if self.target and self.target.count else None

    @property
    def share_of_eligible(self) -> float | None:
        return self.done / self.eligible if self.eligible else None

    @property
    def pace(self) -> float:
        """Captures per day over the last week."""
        recent = [n for day, n in self.daily if day > self.on - timedelta(days=FORECAST_DAYS)]
        return sum(recent) / FORECAST_DAYS

    @property
    def eligible_left(self) -> int:
        """Who still needs a card and has not applied: exact, from the rollups."""
        return self.left

    @property
    def remaining(self) -> int | None:
        return max(self.target.count - self.done, 0) if self.target else None

    @property
    def forecast_done_on(self) -> date | None:
        """When the target is reached at the last week's pace (None: never at this pace)."""
        if self.remaining is None:
            return None
        if self.remaining == 0:
            return self.on
        if self.pace <= 0:
            return None
        return self.on + timedelta(days=-(-self.remaining // self.pace))

    @property
    def needed_per_day(self) -> float | None:
        if not self.target or self.remaining is None:
            return None
        days_left = (self.target.deadline - self.on).days
        return self.remaining / days_left if days_left > 0 else float(self.remaining)

    @property
    def on_track(self) -> bool | None:
        if not self.target:
            return None
        forecast = self.forecast_done_on
        return forecast is not None and forecast <= self.target.deadline


def _progress_of(units: list[AdministrativeUnit], on: date) -> list[Progress]:
    """Progress of several units, without the daily series: totals up to ``on``, the target
    whose deadline comes next (or the last one, once past) and who is still to enrol.
    Three queries whatever the number of units."""
    ids = [u.pk for u in units]
    sums = {
        row["unit_id"]: row
        for row in DailyRollup.objects.filter(unit_id__in=ids, day__lte=on)
        .values("unit_id")
        .annotate(**{name: Sum(name) for name in COUNTERS})
    }
    targets: dict[int, Target] = {}
    for target in Target.objects.filter(unit_id__in=ids).order_by("-deadline"):
        if target.deadline >= on or target.unit_id not in targets:
            targets[target.unit_id] = target
    left = left_on(ids, on)
    result = []
    for unit in units:
        row = sums.get(unit.pk, {})
        totals = {name: row.get(name) or 0 for name in COUNTERS}
        result.append(
            Progress(
                unit=unit,
                on=on,
                target=targets.get(unit.pk),
                done=totals["captured"] - totals["recalled"],
                left=left.get(unit.pk, 0),
                totals=totals,
            )
        )
    return result


def progress(unit: AdministrativeUnit, on: date) -> Progress:
    """One unit's progress, with its captures per day since its target began."""
    [status] = _progress_of([unit], on)
    start = status.target.start if status.target else on - timedelta(days=60)
    status.daily = list(
        DailyRollup.objects.filter(unit=unit, day__gte=start, day__lte=on)
        .order_by("day")
        .values_list("day", "captured")
    )
    return status


def children_progress(unit: AdministrativeUnit, on: date) -> list[Progress]:
    """The units directly below, best first (thi đua): by share of target, else of eligible,
    else by the number done."""
    children = list(AdministrativeUnit.objects.filter(parent=unit).order_by("name"))
    return sorted(
        _progress_of(children, on),
        key=lambda p: (-(p.share_of_target or 0), -(p.share_of_eligible or 0), -p.done),
    )


def ranking_order(children: list[Progress]) -> list[Progress]:
    """The ranking as the dashboard shows it: the furthest behind first, by share of target,
    then (without a target) by share of the eligible; units with neither last."""
    return sorted(
        children,
        key=lambda p: (
            p.share_of_target is None,
            p.share_of_target or 0,
            p.share_of_eligible is None,
            p.share_of_eligible or 0,
            p.unit.name,
        ),
    )


def target_is_eligible(children: list[Progress]) -> bool:
    """Whether every unit's target is simply its eligible count (as the demo sets them, and
    as a split by eligible population gives when the parent's target is its eligible count):
    then one column says both."""
    with_target = [p for p in children if p.target]
    return bool(with_target) and all(p.target.count == p.eligible for p in with_target)


def ranking_columns(children: list[Progress]) -> dict[str, bool]:
    """Which pairs of columns the ranking needs: the target's when a unit has one, the
    eligible count's when a unit has one that its target does not already say."""
    return {
        "target": any(p.target for p in children),
        "eligible": any(p.eligible for p in children) and not target_is_eligible(children),
    }


LAGGING_SHOWN = 10


def lagging_units(forecasts: list, *, shown: int = LAGGING_SHOWN) -> tuple[list, int]:
    """The units below that will miss their deadline (``forecasting.forecast.Forecast.flagged``:
    their appointments and pace do not reach the target in time), the furthest behind first
    (lowest share of target), at most ``shown``; and how many are behind in all."""
    behind = [f for f in forecasts if f.flagged]
    behind.sort(key=lambda f: (f.done / f.target.count if f.target.count else 1, f.unit.name))
    return behind[:shown], len(behind)
