"""A station's schedule (lịch hẹn của điểm thu nhận) as an XLSX workbook: a summary sheet of
booked places against capacity per day, then one sheet per day listing each slot and the
people booked into it, printable on landscape A4 with the headers on every page."""

import io
import itertools
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.planning.models import Station
from cancuoc.registry.personal_id import mask

from .documents import WEEKDAYS, by_home, time_window, units_by_id
from .models import HOLDING_STATES, Appointment, AppointmentState, Slot

# (header, width in characters)
DAY_COLUMNS = [
    ("Giờ", 13), ("Số chỗ", 8), ("Đã hẹn", 8), ("Dành cho", 18), ("STT", 5),
    ("Họ, chữ đệm và tên", 28), ("Năm sinh", 9), ("Số định danh", 15),
    ("Thôn/tổ dân phố", 18), ("Mã hộ", 12), ("Mã hẹn", 13), ("Tình trạng", 11),
]  # fmt: skip
SUMMARY_COLUMNS = [
    ("Ngày", 12), ("Thứ", 10), ("Số khung giờ", 13), ("Số chỗ", 10), ("Đã hẹn", 10),
    ("Tỷ lệ", 9),
]  # fmt: skip

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
SLOT_TOP = Border(top=Side(style="thin"))
_STATE_LABELS = dict(AppointmentState.choices)


def schedule_xlsx(*, station: Station, first: date, last: date) -> bytes:
    """The schedule of ``station`` from ``first`` to ``last`` (local days, both included).
    People are those whose appointment holds its place (booked, attended, no-show); their
    ID numbers are masked, as in every list."""
    in_range = Slot.objects.filter(
        station=station, starts_at__date__gte=first, starts_at__date__lte=last
    )
    slots = list(in_range.select_related("institution").order_by("starts_at"))
    booked = list(
        by_home(
            Appointment.objects.filter(slot__in=in_range, state__in=HOLDING_STATES)
        ).select_related("person__household")
    )
    villages = units_by_id(appointment.home_unit_id for appointment in booked)
    by_slot: dict[int, list[Appointment]] = {}
    for appointment in booked:
        by_slot.setdefault(appointment.slot_id, []).append(appointment)

    book = Workbook()
    summary = book.active
    summary.title = "Tổng hợp"
    title = f"Lịch hẹn {station.name} ({station.code}), {first:%d/%m/%Y} – {last:%d/%m/%Y}"
    _begin(summary, title, SUMMARY_COLUMNS)
    for day, day_slots in itertools.groupby(slots, key=lambda s: time_window(s)[0].date()):
        day_slots = list(day_slots)
        sheet = book.create_sheet(f"{day:%d-%m-%Y}")
        _begin(sheet, f"{station.name}: {WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}", DAY_COLUMNS)
        for slot in day_slots:
            _write_slot(sheet, slot, by_slot.get(slot.pk, []), villages)
        taken = sum(len(by_slot.get(slot.pk, [])) for slot in day_slots)
        _summarise(summary, [day, WEEKDAYS[day.weekday()]], day_slots, taken)
    _summarise(summary, ["Cộng", ""], slots, len(booked))
    for cell in summary[summary.max_row]:
        cell.font = BOLD
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _summarise(sheet: Worksheet, labels: list, slots: list[Slot], taken: int) -> None:
    """One row of the summary: how many slots, places and booked, and the share filled."""
    capacity = sum(slot.capacity for slot in slots)
    sheet.append([*labels, len(slots), capacity, taken, taken / capacity if capacity else None])
    sheet.cell(sheet.max_row, 1).number_format = "DD/MM/YYYY"
    sheet.cell(sheet.max_row, 6).number_format = "0%"


def _begin(sheet: Worksheet, title: str, columns: list[tuple[str, int]]) -> None:
    """Title, header row frozen and repeated on every printed page, widths, landscape A4
    fitted to the page width."""
    sheet.append([title])
    sheet["A1"].font = TITLE
    sheet.append([header for header, _ in columns])
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        header = sheet.cell(2, index)
        header.font, header.fill = BOLD, HEADER_FILL
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _write_slot(
    sheet: Worksheet,
    slot: Slot,
    booked: list[Appointment],
    villages: dict[int, AdministrativeUnit],
) -> None:
    """The slot's figures on its first row, one row per person booked (one empty row when
    nobody is), a line above the slot to tell slots apart."""
    starts, ends = time_window(slot)
    figures = [
        f"{starts:%H:%M} – {ends:%H:%M}", slot.capacity, len(booked),
        slot.institution.name if slot.institution else "",
    ]  # fmt: skip
    first_row = sheet.max_row + 1
    if not booked:
        sheet.append(figures)
    for number, appointment in enumerate(booked, start=1):
        person = appointment.person
        village = villages.get(appointment.home_unit_id)
        sheet.append(
            [*(figures if number == 1 else [None] * len(figures)), number, person.full_name,
             person.birth_date.year, mask(person.personal_id) if person.personal_id else "",
             village.name if village else "",
             person.household.code if person.household else "", appointment.code,
             _STATE_LABELS[appointment.state]]
        )  # fmt: skip
    for cell in sheet[first_row]:
        cell.border = SLOT_TOP
    sheet.cell(first_row, 1).font = BOLD
