"""The obstacle log (khó khăn, vướng mắc)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.errors import DomainError

from .models import Obstacle, ObstacleStatus


class ObstacleRefused(DomainError, ValueError):
    """An obstacle that cannot be recorded, saying why in the active language."""


def obstacle_raise(*, unit: AdministrativeUnit, title: str, detail: str = "", by) -> Obstacle:
    if not title.strip():
        raise ObstacleRefused(_("Cần ghi nội dung khó khăn, vướng mắc."))
    return Obstacle.objects.create(unit=unit, title=title.strip(), detail=detail, raised_by=by)


@transaction.atomic
def obstacle_resolve(*, obstacle: Obstacle, resolution: str) -> Obstacle:
    obstacle.status = ObstacleStatus.RESOLVED
    obstacle.resolved_at = timezone.now()
    obstacle.resolution = resolution
    obstacle.save(update_fields=["status", "resolved_at", "resolution"])
    return obstacle


def obstacles_open_in(unit: AdministrativeUnit):
    """Open obstacles of the unit and every unit below it, oldest first."""
    return (
        Obstacle.objects.filter(
            status=ObstacleStatus.OPEN,
            unit__in=AdministrativeUnit.objects.subtree(unit).values("pk"),
        )
        .select_related("unit")
        .order_by("raised_at")
    )
