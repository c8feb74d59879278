"""Bàn giao: residents absent from home (vắng mặt khỏi nơi cư trú — 38,219 in Kiên Giang)
handed to the unit where they live now, which enrols them. Accepting gives the person a
temporary residence there from that day, so they leave the home unit's worklist and figures
and enter the other's: counted once. The home unit sees how its absent residents fared."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.intake.models import Application, CardState
from cancuoc.lib.errors import DomainError
from cancuoc.registry.choices import Presence, ResidenceKind
from cancuoc.registry.models import Handover, HandoverState, Person, Residence
from cancuoc.registry.services import person_homes_rebuild
from cancuoc.registry.signals import persons_changed


class HandoverRefused(DomainError, ValueError):
    """A hand-over that cannot be made, with the reason in the active language."""


@transaction.atomic
def handover_request(
    *, person: Person, to_unit: AdministrativeUnit, whereabouts: str = "", by=None, on: date
) -> Handover:
    """Ask ``to_unit`` to take over an absent resident of the caller's unit."""
    if person.presence == Presence.ABROAD:
        raise HandoverRefused(_("Công dân đang ở nước ngoài: không bàn giao được."))
    if person.presence != Presence.ABSENT:
        raise HandoverRefused(_("Công dân không vắng mặt khỏi nơi cư trú."))
    home = (
        person.residences.active_on(on)
        .filter(kind=ResidenceKind.PERMANENT)
        .select_related("unit")
        .first()
    )
    if home is None:
        raise HandoverRefused(_("Công dân không có nơi thường trú."))
    if to_unit.path.startswith(home.unit.path):
        raise HandoverRefused(_("Nơi đến nằm trong địa bàn thường trú của công dân."))
    if person.handovers.filter(state=HandoverState.REQUESTED).exists():
        raise HandoverRefused(_("Đã có đề nghị bàn giao đang chờ."))
    handover = Handover.objects.create(
        person=person,
        from_unit=home.unit,
        to_unit=to_unit,
        whereabouts=(whereabouts or person.whereabouts)[:255],
        requested_by=by,
    )
    audit_record(action="handover-request", obj=handover, user=by, detail={"to": to_unit.code})
    return handover


@transaction.atomic
def handover_accept(*, handover: Handover, by=None, on: date) -> Handover:
    """The receiving unit takes the person over: a temporary residence from ``on``."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.state != HandoverState.REQUESTED:
        raise HandoverRefused(_("Đề nghị này đã được xử lý."))
    handover.residence = Residence.objects.create(
        person=handover.person,
        kind=ResidenceKind.TEMPORARY,
        unit=handover.to_unit,
        address=handover.whereabouts,
        start_date=on,
    )
    person_homes_rebuild(handover.person)
    persons_changed.send(sender=Person, person_ids=[handover.person_id])
    handover.state, handover.decided_by, handover.decided_at = (
        HandoverState.ACCEPTED,
        by,
        timezone.now(),
    )
    handover.save()
    audit_record(action="handover-accept", obj=handover, user=by)
    return handover


@transaction.atomic
def handover_refuse(*, handover: Handover, reason: str, by=None) -> Handover:
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.state != HandoverState.REQUESTED:
        raise HandoverRefused(_("Đề nghị này đã được xử lý."))
    if not reason.strip():
        raise HandoverRefused(_("Cần ghi lý do từ chối."))
    handover.state, handover.reason = HandoverState.REFUSED, reason.strip()[:255]
    handover.decided_by, handover.decided_at = by, timezone.now()
    handover.save()
    audit_record(action="handover-refuse", obj=handover, user=by)
    return handover


@dataclass(frozen=True)
class HandoverOutcome:
    """How a unit's absent residents fared after being handed over (counted where they live
    now, shown here for the home unit's information only)."""

    requested: int
    accepted: int
    refused: int
    captured: int  # of the accepted, with an application taken where they live now


def handover_outcome(*, unit: AdministrativeUnit) -> HandoverOutcome:
    mine = Handover.objects.filter(from_unit__in=AdministrativeUnit.objects.subtree(unit))
    applied = Application.objects.filter(
        person=OuterRef("person_id"), unit=OuterRef("to_unit")
    ).exclude(state=CardState.REJECTED)
    return HandoverOutcome(
        requested=mine.filter(state=HandoverState.REQUESTED).count(),
        accepted=mine.filter(state=HandoverState.ACCEPTED).count(),
        refused=mine.filter(state=HandoverState.REFUSED).count(),
        captured=mine.filter(state=HandoverState.ACCEPTED).filter(Exists(applied)).count(),
    )
