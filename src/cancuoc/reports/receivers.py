"""The rollups follow intake (``intake.signals``) in the same transaction, so the figures on
the dashboards are never behind the applications."""

from django.dispatch import receiver

from cancuoc.intake.models import CardState
from cancuoc.intake.signals import application_captured, application_moved
from cancuoc.lib.clock import local_day

from .rollups import capture_seconds, rollup_add, station_rollup_add


@receiver(application_captured, dispatch_uid="reports.rollups_captured")
def _captured(sender, *, application, **kwargs) -> None:
    day = local_day(application.started_at)
    counter = "rejected_at_capture" if application.state == CardState.REJECTED else "captured"
    _add(application, day, counter)
    station_rollup_add(
        station_id=application.station_id,
        kit_id=application.kit_id,
        operator_id=application.operator_id,
        day=day,
        **{
            counter: 1,
            "capture_seconds": capture_seconds(application.started_at, application.ended_at),
        },
    )


@receiver(application_moved, dispatch_uid="reports.rollups_moved")
def _moved(sender, *, application, at, **kwargs) -> None:
    counter = (
        "recalled"
        if application.state == CardState.REJECTED
        else CardState(application.state).value
    )
    _add(application, local_day(at), counter)


def _add(application, day, counter: str) -> None:
    """Count it on both maps: today's unit and the unit before 1 July 2025, with their
    ancestors."""
    rollup_add(application.unit, day, former=application.former_unit, **{counter: 1})
