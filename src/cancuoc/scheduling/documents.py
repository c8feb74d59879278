"""What the appointment documents (slips, station schedules, SMS) say about a person and a
place: where the person lives on the appointment's day, where the station takes them in, and
the public address of the appointment."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import BigIntegerField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils import timezone

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.registry.models import Home, Residence

from .models import Appointment, Slot, Visit

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
# What citizens are given to read (slips, SMS, the commune's posts and calendar) is in
# Vietnamese, whatever language the officer who makes it reads.
CITIZENS_LANGUAGE = "vi"


def appointment_url(code: str) -> str:
    """The public page of an appointment (trang tra cứu lịch hẹn); slips print it as a QR."""
    base = settings.CANCUOC_PUBLIC_URL.rstrip("/")
    return f"{base}/hen/{code}/"


def by_home(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """The appointments with where each person lives on the appointment's day
    (``home_unit_id``, ``home_path``, ``home_address``), village by village in the tree's
    order, then household by household, then by name as Vietnamese lists sort it: the walk of
    the officer who delivers the slips. Where a person lives is their home as worklists count
    it (at a temporary residence while one is in force, tạm trú), so a slip goes to the door
    the person is found at; without one, the household's registered place."""
    home = Home.objects.active_on(OuterRef("slot_day")).filter(person=OuterRef("person_id"))
    home = home.order_by("-id")
    # The address of the residence the home stands for (same kind, same unit).
    address = (
        Residence.objects.active_on(OuterRef(OuterRef("slot_day")))
        .filter(
            person=OuterRef(OuterRef("person_id")), kind=OuterRef("kind"), unit=OuterRef("unit_id")
        )
        .order_by("-id")
        .values("address")[:1]
    )
    home_address = home.annotate(address=Subquery(address)).values("address")[:1]
    return (
        appointments.annotate(slot_day=TruncDate("slot__starts_at"))
        .annotate(
            home_unit_id=Coalesce(
                Subquery(home.values("unit_id")[:1]),
                F("person__household__unit_id"),
                output_field=BigIntegerField(),
            ),
            home_path=Coalesce(
                Subquery(home.values("unit__path")[:1]), F("person__household__unit__path")
            ),
            home_address=Coalesce(
                NullIf(Subquery(home_address), Value("")), F("person__household__address")
            ),
        )
        .order_by(
            F("home_path").asc(nulls_last=True),
            F("person__household__code").asc(nulls_last=True),
            "person__sort_key",
            "pk",
        )
    )


def units_by_id(ids: Iterable[int | None]) -> dict[int, AdministrativeUnit]:
    """Units with their parents, one query for a batch of rows."""
    wanted = {pk for pk in ids if pk is not None}
    return AdministrativeUnit.objects.select_related("parent").in_bulk(wanted)


def unit_address(unit: AdministrativeUnit) -> str:
    """ "Thôn 1, Xã Một, Thanh Hóa": the unit and the units above it, as an address ends."""
    above = [ancestor.name for ancestor in unit.ancestors()]
    return ", ".join([unit.name, *reversed(above)])


@dataclass(frozen=True)
class Place:
    station: str
    address: str  # where to go: for a mobile team or vehicle, the stop it makes at that time


def slot_places(slots: Iterable[Slot]) -> dict[int, Place]:
    """Where each slot's people go, by slot id. A fixed station takes them in at its own
    unit; a mobile team or vehicle at the village or institution it visits while the slot
    runs (lịch cấp lưu động), and at its own unit when no visit covers the slot."""
    slots = list(slots)
    if not slots:
        return {}
    visits = Visit.objects.filter(
        station_id__in={slot.station_id for slot in slots},
        arrives_at__lt=max(slot.ends_at for slot in slots),
        leaves_at__gt=min(slot.starts_at for slot in slots),
    ).select_related("unit", "institution__unit")
    addresses: dict[int, str] = {}

    def address_of(unit: AdministrativeUnit) -> str:
        if unit.pk not in addresses:
            addresses[unit.pk] = unit_address(unit)
        return addresses[unit.pk]

    places = {}
    for slot in slots:
        visit = next(
            (
                v
                for v in visits
                if v.station_id == slot.station_id and v.arrives_at <= slot.starts_at < v.leaves_at
            ),
            None,
        )
        if visit is None:
            address = address_of(slot.station.unit)
        elif visit.institution is not None:
            address = f"{visit.institution.name}, {address_of(visit.institution.unit)}"
        else:
            address = address_of(visit.unit)
        places[slot.pk] = Place(station=slot.station.name, address=address)
    return places


def time_window(slot: Slot) -> tuple[datetime, datetime]:
    """The slot's start and end in local time, as people read them."""
    return timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
