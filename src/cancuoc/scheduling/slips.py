"""Appointment slips (phiếu hẹn) for door-to-door delivery ("đi từng ngõ, gõ từng nhà … phát
phiếu, hẹn giờ"): four to an A4 page with cut lines, one PDF per village so that the officer
of each village carries one batch, in the order of the doors."""

import itertools
from dataclasses import dataclass
from datetime import date

import segno
from django.db.models import QuerySet
from django.template.loader import render_to_string
from weasyprint import HTML

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.planning.models import Station

from .documents import (
    WEEKDAYS,
    Place,
    appointment_url,
    by_home,
    slot_places,
    time_window,
    units_by_id,
)
from .models import Appointment, AppointmentState

# What to bring, as the 2021 campaign asked: the old card (CMND or barcode CCCD) is handed in
# when the chip card is applied for, and the household book (sổ hộ khẩu, valid until
# 31/12/2022 under the 2020 Law on Residence, art. 38) settles on the spot any difference
# between what people say and what the register holds. Kept short: a slip is a reminder.
BRING = (
    "Phiếu hẹn này",
    "CMND hoặc thẻ CCCD mã vạch cũ (nếu có)",
    "Sổ hộ khẩu (nếu còn)",
)


@dataclass(frozen=True)
class Slip:
    code: str
    full_name: str
    birth_year: int
    address: str  # where the person lives: street address, village, commune
    place: Place
    day: str  # "Thứ Hai, 07/06/2021"
    hours: str  # "07:30 – 08:00"
    qr: str  # SVG data URI of the appointment's public URL


@dataclass(frozen=True)
class VillageSlips:
    # The village (or commune, when the register knows no village) the people live in; None
    # for people with neither a home nor a household.
    village: AdministrativeUnit | None
    count: int
    pdf: bytes


def slips_pdf(*, appointments: QuerySet[Appointment]) -> bytes:
    """The slips of ``appointments`` as one PDF, by village, household and name."""
    return _pdf(_slips(appointments))


def slips_by_village(*, station: Station, first: date, last: date) -> list[VillageSlips]:
    """The slips of the appointments still booked at ``station`` from ``first`` to ``last``
    (local days, both included), one PDF per village the people live in."""
    booked = Appointment.objects.filter(
        slot__station=station,
        state=AppointmentState.BOOKED,
        slot__starts_at__date__gte=first,
        slot__starts_at__date__lte=last,
    )
    rows = _rows(booked)
    villages = units_by_id(row.home_unit_id for row in rows)
    batches = []
    for village_id, group in itertools.groupby(rows, key=lambda row: row.home_unit_id):
        slips = _as_slips(list(group), villages)
        batches.append(
            VillageSlips(village=villages.get(village_id), count=len(slips), pdf=_pdf(slips))
        )
    return batches


def _rows(appointments: QuerySet[Appointment]) -> list[Appointment]:
    return list(by_home(appointments).select_related("person__household", "slot__station__unit"))


def _slips(appointments: QuerySet[Appointment]) -> list[Slip]:
    rows = _rows(appointments)
    return _as_slips(rows, units_by_id(row.home_unit_id for row in rows))


def _as_slips(rows: list[Appointment], villages: dict[int, AdministrativeUnit]) -> list[Slip]:
    places = slot_places({row.slot_id: row.slot for row in rows}.values())
    slips = []
    for row in rows:
        starts, ends = time_window(row.slot)
        village = villages.get(row.home_unit_id)
        where = [village.name, village.parent.name if village.parent else ""] if village else []
        url = appointment_url(row.code)
        slips.append(
            Slip(
                code=row.code,
                full_name=row.person.full_name,
                birth_year=row.person.birth_date.year,
                address=_address(row.home_address or "", where),
                place=places[row.slot_id],
                day=f"{WEEKDAYS[starts.weekday()]}, {starts:%d/%m/%Y}",
                hours=f"{starts:%H:%M} – {ends:%H:%M}",
                qr=segno.make(url, error="m", micro=False).svg_data_uri(),
            )
        )
    return slips


def _address(street: str, places: list[str]) -> str:
    """The street address, then the village and commune unless it names them already (the
    register's addresses often end with the village)."""
    parts = [street] if street else []
    for place in places:
        if place and place not in street:
            parts.append(place)
    return ", ".join(parts)


def _pdf(slips: list[Slip]) -> bytes:
    html = render_to_string("scheduling/slips.html", {"slips": slips, "bring": BRING})
    return HTML(string=html).write_pdf()
