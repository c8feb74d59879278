"""Giao chỉ tiêu: a unit's target split down to the units directly below it."""

from django.db import transaction
from django.utils.translation import gettext as _

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.errors import DomainError
from cancuoc.planning.models import Target
from cancuoc.reports.models import EligibleSnapshot


class TargetSplitError(DomainError, ValueError):
    def __init__(self, *, unit: AdministrativeUnit, message: str) -> None:
        super().__init__(f"{unit.code} {unit.name}: {message}")
        self.unit = unit


def largest_remainder(total: int, weights: dict[int, int]) -> dict[int, int]:
    """``total`` shared in proportion to ``weights`` in whole numbers that sum exactly to it
    (Hamilton's method): each key takes the floor of its quota, and the units still to give
    go one each to the largest remainders, ties to the smaller key so a re-run agrees."""
    weight = sum(weights.values())
    if weight <= 0:
        raise ValueError("no weight to share by")
    shares = {key: total * w // weight for key, w in weights.items()}
    left = total - sum(shares.values())
    by_remainder = sorted(weights, key=lambda key: (-(total * weights[key] % weight), key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def latest_eligible(units: list[AdministrativeUnit]) -> dict[int, int]:
    """Each unit's eligible population from its latest snapshot (units without one: none)."""
    return dict(
        EligibleSnapshot.objects.filter(unit__in=units)
        .order_by("as_of")
        .values_list("unit_id", "eligible")
    )  # later snapshots overwrite earlier ones


@transaction.atomic
def target_split(*, target: Target, eligible: dict[int, int] | None = None) -> list[Target]:
    """Give each unit directly below ``target.unit`` its part of the target, in proportion to
    its eligible population (``eligible`` by unit id; by default the latest snapshots), with
    the same start and deadline. The parts sum exactly to the target.

    A re-run updates the parts it made before, or a child's own target for the same deadline,
    instead of adding new ones. The parts stay editable, but a re-split overwrites any count
    edited by hand since: split again only when the eligible figures or the target changed."""
    children = list(AdministrativeUnit.objects.filter(parent=target.unit).order_by("code"))
    if not children:
        raise TargetSplitError(unit=target.unit, message=_("không có đơn vị cấp dưới"))
    if eligible is None:
        eligible = latest_eligible(children)
    weights = {child.pk: eligible.get(child.pk, 0) for child in children}
    if sum(weights.values()) <= 0:
        raise TargetSplitError(
            unit=target.unit,
            message=_(
                "chưa có số người cần cấp thẻ của các đơn vị cấp dưới: hãy chốt số liệu trước"
            ),
        )
    counts = largest_remainder(target.count, weights)
    existing = {part.unit_id: part for part in target.parts.all()}
    existing.update(
        (other.unit_id, other)
        for other in Target.objects.filter(
            unit__in=[c for c in children if c.pk not in existing], deadline=target.deadline
        )
    )
    parts = []
    for child in children:
        part = existing.get(child.pk) or Target(unit=child)
        part.count = counts[child.pk]
        part.start, part.deadline, part.parent = target.start, target.deadline, target
        part.save()  # one by one: each write is audited
        parts.append(part)
    return parts
