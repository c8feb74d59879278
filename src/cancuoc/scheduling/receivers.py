"""Scheduling's part when intake records an application (``intake.signals``)."""

from django.dispatch import receiver

from cancuoc.intake.signals import application_captured

from .services import appointment_attended


@receiver(application_captured, dispatch_uid="scheduling.appointment_attended")
def _attended(sender, *, application, **kwargs) -> None:
    appointment_attended(
        person=application.person, station=application.station, at=application.started_at
    )
