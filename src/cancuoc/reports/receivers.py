"""The rollups follow intake (``intake.signals``) and the register (``registry.signals``, and
the memberships of institutions as they are saved) in the same transaction, so the figures on
the dashboards are never behind the applications or the persons."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cancuoc.geo.models import InstitutionMember
from cancuoc.intake.models import CardState
from cancuoc.intake.signals import application_captured, application_moved
from cancuoc.lib.clock import local_day
from cancuoc.registry.signals import persons_changed

from .rollups import capture_seconds, rollup_add, station_rollup_add
from .still_to_enrol import persons_refresh


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


@receiver(application_captured, dispatch_uid="reports.still_to_enrol_captured")
@receiver(application_moved, dispatch_uid="reports.still_to_enrol_moved")
def _application_changed(sender, *, application, **kwargs) -> None:
    persons_refresh([application.person_id])


@receiver(persons_changed, dispatch_uid="reports.still_to_enrol_persons")
def _persons_changed(sender, *, person_ids, **kwargs) -> None:
    persons_refresh(person_ids)


@receiver(post_save, sender=InstitutionMember, dispatch_uid="reports.member_saved")
@receiver(post_delete, sender=InstitutionMember, dispatch_uid="reports.member_deleted")
def _membership_changed(sender, *, instance, **kwargs) -> None:
    """A roster's member added, changed or removed (one at a time through the ORM; bulk
    writes send ``persons_changed``)."""
    persons_refresh([instance.person_id])
