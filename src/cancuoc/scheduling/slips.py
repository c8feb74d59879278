"""Appointment slips (phiếu hẹn) for door-to-door delivery ("đi từng ngõ, gõ từng nhà … phát
phiếu, hẹn giờ"): four to an A4 page with cut lines, one PDF per village so that the officer
of each village carries one batch, in the order of the doors.

Slips are read by citizens: they are printed in Vietnamese whatever language the officer who
downloads them reads. A day's slips are one HTML document laid out once (a batch per village
is a run of its pages); each QR code is a small PNG made once per code."""

import functools
import itertools
from dataclasses import dataclass
from datetime import date

import segno
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML, Document

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.planning.models import Station

from .documents import (
    CITIZENS_LANGUAGE,
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
    _("Phiếu hẹn này"),
    _("CMND hoặc thẻ CCCD mã vạch cũ (nếu có)"),
    _("Sổ hộ khẩu (nếu còn)"),
)
# Pixels per QR module: printed 36 mm wide without smoothing (the image is drawn pixelated),
# a module of a version 3 code is about 1 mm, four pixels each.
QR_SCALE = 4


@dataclass(frozen=True)
class Slip:
    code: str
    full_name: str
    birth_year: int
    address: str  # where the person lives: street address, village, commune
    place: Place
    day: str  # "Thứ Hai, 07/06/2021"
    hours: str  # "07:30 – 08:00"
    qr: str  # PNG data URI of the appointment's public URL


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
    (local days, both included), one PDF per village the people live in: one document laid
    out once, each village starting a page, cut into a PDF per village."""
    booked = Appointment.objects.filter(
        slot__station=station,
        state=AppointmentState.BOOKED,
        slot__starts_at__date__gte=first,
        slot__starts_at__date__lte=last,
    )
    rows = _rows(booked)
    if not rows:
        return []
    villages = units_by_id(row.home_unit_id for row in rows)
    groups = [
        (village_id, len(list(group)))
        for village_id, group in itertools.groupby(rows, key=lambda row: row.home_unit_id)
    ]
    firsts = list(itertools.accumulate((count for _, count in groups[:-1]), initial=0))
    document = _document(_as_slips(rows, villages), batches=firsts)
    starts = [_page_of(document, f"batch-{first}") for first in firsts]
    return [
        VillageSlips(
            village=villages.get(village_id),
            count=count,
            pdf=document.copy(document.pages[start:end]).write_pdf(),
        )
        for (village_id, count), start, end in zip(
            groups, starts, [*starts[1:], len(document.pages)], strict=True
        )
    ]


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
                qr=qr_png(url),
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


@functools.lru_cache(maxsize=4096)
def qr_png(url: str) -> str:
    """The QR code of ``url`` as a PNG data URI, with its quiet zone."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=QR_SCALE)


def _document(slips: list[Slip], batches: list[int] = ()) -> Document:
    """The slips laid out; each slip whose index is in ``batches`` begins a page and is
    anchored ``batch-<index>``."""
    with translation.override(CITIZENS_LANGUAGE):
        html = render_to_string(
            "scheduling/slips.html",
            {"slips": slips, "bring": [str(item) for item in BRING], "batches": set(batches)},
        )
    return HTML(string=html).render()


def _page_of(document: Document, anchor: str) -> int:
    return next(n for n, page in enumerate(document.pages) if anchor in page.anchors)


def _pdf(slips: list[Slip]) -> bytes:
    return _document(slips).write_pdf()
