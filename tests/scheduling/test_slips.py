"""Appointment slips: a PDF a printer takes, Vietnamese names as written, a QR code on every
slip that leads to its own appointment, one batch per village in the order of the doors."""

import io
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from cancuoc.geo.selectors import unit_by_code
from cancuoc.lib.text import nfc
from cancuoc.planning.models import StationKind
from cancuoc.scheduling.models import Appointment, AppointmentState, Visit
from cancuoc.scheduling.slips import slips_by_village, slips_pdf

from .bookings import DAY, add_household, book, make_slot, make_station

NAMES = [
    "Nguyễn Thị Huyền Trang",
    "Trần Đức Việt",
    "Lê Thị Ngọc Ánh",
    "Phạm Quốc Khánh",
    "Hoàng Thị Thuỷ",
]


def page_texts(pdf: bytes) -> list[str]:
    return [nfc(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def page_qr_texts(pdf: bytes) -> list[set[str]]:
    """What the QR codes on each page say, read from the page printed at 216 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    return [
        {barcode.text for barcode in zxingcpp.read_barcodes(page.render(scale=3).to_pil())}
        for page in document
    ]


def test_every_slip_shows_the_name_with_diacritics_and_its_code_and_its_qr_leads_to_it(
    add_person, settings
):
    settings.CANCUOC_PUBLIC_URL = "https://cancuoc.thanhhoa.example/"
    slot = make_slot(make_station())
    for number, name in enumerate(NAMES):
        book(add_person(full_name=name, household_code=f"H{number}"), slot)
    appointments = Appointment.objects.all()

    pdf = slips_pdf(appointments=appointments)

    texts = page_texts(pdf)
    assert pdf.startswith(b"%PDF-")
    assert len(texts) == 2  # four slips to a page
    everything = "\n".join(texts)
    for appointment in appointments.select_related("person"):
        assert appointment.code in everything
        assert appointment.person.full_name in everything
    assert "07:30 – 08:00, Thứ Hai, 07/06/2021" in everything
    assert "Công an Xã Một — Xã Một, Thanh Hóa" in everything
    for text, qr_texts in zip(texts, page_qr_texts(pdf), strict=True):
        codes_printed = {a.code for a in appointments if a.code in text}
        assert qr_texts == {
            f"https://cancuoc.thanhhoa.example/hen/{code}/" for code in codes_printed
        }
    assert [len(q) for q in page_qr_texts(pdf)] == [4, 1]


def test_slips_come_one_pdf_per_village_in_the_order_of_the_doors(add_person):
    """Households in the order of their codes, people by given name within one; a person with
    a temporary residence gets the slip where they live now (tạm trú). Cancelled
    appointments, other days and other stations get none."""
    station = make_station()
    slot = make_slot(station)
    next_day = make_slot(station, day=DAY + timedelta(days=1))
    village_1 = [
        *add_household("A2", ["Vũ Văn Bình"]),
        *add_household("A1", ["Đỗ Thị Yến", "Đỗ Văn An"]),
    ]
    in_village_2 = add_person(
        full_name="Bùi Thị Lan", household_code="B1", permanent_unit="16000002"
    )
    moved_to_ward = add_person(
        full_name="Ngô Minh Tâm",
        household_code="A3",
        temporary_unit="16001001",
        temporary_address="12 Lê Lợi",
        temporary_since=DAY - timedelta(days=30),
    )
    for person in [*village_1, in_village_2, moved_to_ward]:
        book(person, slot)
    book(add_person(full_name="Mai Thị Hoa"), slot, state=AppointmentState.CANCELLED)
    book(add_person(full_name="Lý Văn Hùng"), next_day)
    book(add_person(full_name="Tạ Văn Dũng"), make_slot(make_station(code="CA-PH", name="CA P")))

    batches = slips_by_village(station=station, first=DAY, last=DAY)

    assert [(batch.village.code, batch.count) for batch in batches] == [
        ("16000001", 3),
        ("16000002", 1),
        ("16001001", 1),
    ]
    (thon_1,) = page_texts(batches[0].pdf)
    order = [thon_1.index(name) for name in ["Đỗ Văn An", "Đỗ Thị Yến", "Vũ Văn Bình"]]
    assert order == sorted(order)
    assert "Bùi Thị Lan" in page_texts(batches[1].pdf)[0]
    (ward,) = page_texts(batches[2].pdf)
    assert "Ngô Minh Tâm" in ward
    assert "12 Lê Lợi, Tổ dân phố 1, Phường Hai" in ward
    days = slips_by_village(station=station, first=DAY, last=DAY + timedelta(days=1))
    assert sum(batch.count for batch in days) == 6


def test_a_mobile_team_slip_names_the_village_the_team_stops_at(add_person):
    team = make_station(code="TLD-1", name="Tổ cấp lưu động số 1", kind=StationKind.MOBILE_TEAM)
    slot = make_slot(team)
    Visit.objects.create(
        station=team,
        day=DAY,
        order=1,
        unit=unit_by_code("16000002"),
        arrives_at=slot.starts_at - timedelta(minutes=30),
        leaves_at=slot.starts_at + timedelta(hours=3),
        expected=40,
    )
    later = make_slot(team, hour=14)  # no visit then: at the team's own commune
    book(add_person(full_name="Đinh Thị Mơ"), slot)
    book(add_person(full_name="Lò Văn Pọm"), later)

    (text,) = page_texts(slips_pdf(appointments=Appointment.objects.order_by("slot__starts_at")))

    assert "Tổ cấp lưu động số 1 — Thôn 2, Xã Một, Thanh Hóa" in text
    assert "Tổ cấp lưu động số 1 — Xã Một, Thanh Hóa" in text
    assert "14:30 – 15:00, Thứ Hai, 07/06/2021" in text


def test_the_command_writes_a_pdf_per_village_and_the_schedule(add_person, tmp_path):
    station = make_station()
    slot = make_slot(station)
    book(add_person(full_name="Đỗ Văn An"), slot)
    book(add_person(full_name="Bùi Thị Lan", permanent_unit="16000002"), slot)
    out = io.StringIO()

    call_command(
        "slips",
        "CA-XM",
        "--from",
        "2021-06-07",
        "--to",
        "2021-06-13",
        "--out",
        str(tmp_path),
        stdout=out,
    )

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "lich-hen-CA-XM-20210607-20210613.xlsx",
        "phieu-hen-CA-XM-16000001.pdf",
        "phieu-hen-CA-XM-16000002.pdf",
    ]
    assert "1 phiếu hẹn (Thôn 2)" in out.getvalue()
    assert "Bùi Thị Lan" not in out.getvalue()
    with pytest.raises(CommandError, match="CA-XX"):
        call_command(
            "slips", "CA-XX", "--from", "2021-06-07", "--to", "2021-06-13", "--out", str(tmp_path)
        )
