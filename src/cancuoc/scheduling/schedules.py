"""A station's schedule (lịch hẹn của điểm thu nhận) as an XLSX workbook: a summary sheet of
booked places against capacity per day, then one sheet per day listing each slot and the
people booked into it, printable on landscape A4 with the headers on every page. Headers and
labels are in the language of the officer who downloads it; figures are numbers and days are
dates, which Excel shows in its own locale; text from the register is always text, never a
formula."""

import io
import itertools
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.tables import DATE_FORMAT, sheet_append
from cancuoc.planning.models import Station
from cancuoc.registry.personal_id import mask

from .documents import by_home, time_window, units_by_id
from .models import HOLDING_STATES, Appointment, AppointmentState, Slot

# (header, width in characters)
DAY_COLUMNS = [
    (gettext_lazy("Giờ"), 13),
    (gettext_lazy("Số chỗ"), 8),
    (gettext_lazy("Đã hẹn"), 8),
    (gettext_lazy("Dành cho"), 18),
    (gettext_lazy("STT"), 5),
    (gettext_lazy("Họ, chữ đệm và tên"), 28),
    (gettext_lazy("Năm sinh"), 9),
    (gettext_lazy("Số định danh"), 15),
    (gettext_lazy("Thôn/tổ dân phố"), 18),
    (gettext_lazy("Mã hộ"), 12),
    (gettext_lazy("Mã hẹn"), 13),
    (gettext_lazy("Tình trạng"), 11),
]
SUMMARY_COLUMNS = [
    (gettext_lazy("Ngày"), 12),
    (gettext_lazy("Thứ"), 10),
    (gettext_lazy("Số khung giờ"), 13),
    (gettext_lazy("Số chỗ"), 10),
    (gettext_lazy("Đã hẹn"), 10),
    (gettext_lazy("Tỷ lệ"), 9),
]

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
    summary.title = _("Tổng hợp")
    title = _("Lịch hẹn %(station)s (%(code)s), %(first)s – %(last)s") % {
        "station": station.name,
        "code": station.code,
        "first": date_format(first, "SHORT_DATE_FORMAT"),
        "last": date_format(last, "SHORT_DATE_FORMAT"),
    }
    _begin(summary, title, SUMMARY_COLUMNS)
    for day, day_slots in itertools.groupby(slots, key=lambda s: time_window(s)[0].date()):
        day_slots = list(day_slots)
        sheet = book.create_sheet(f"{day:%d-%m-%Y}")
        _begin(sheet, f"{station.name}: {date_format(day, 'DATE_FORMAT')}", DAY_COLUMNS)
        for slot in day_slots:
            _write_slot(sheet, slot, by_slot.get(slot.pk, []), villages)
        taken = sum(len(by_slot.get(slot.pk, [])) for slot in day_slots)
        _summarise(summary, [day, date_format(day, "l")], day_slots, taken)
    _summarise(summary, [_("Cộng"), ""], slots, len(booked))
    for cell in summary[summary.max_row]:
        cell.font = BOLD
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _summarise(sheet: Worksheet, labels: list, slots: list[Slot], taken: int) -> None:
    """One row of the summary: how many slots, places and booked, and the share filled."""
    capacity = sum(slot.capacity for slot in slots)
    sheet_append(
        sheet, [*labels, len(slots), capacity, taken, taken / capacity if capacity else None]
    )
    sheet.cell(sheet.max_row, 1).number_format = DATE_FORMAT
    sheet.cell(sheet.max_row, 6).number_format = "0%"


def _begin(sheet: Worksheet, title: str, columns: list[tuple[str, int]]) -> None:
    """Title, header row frozen and repeated on every printed page, widths, landscape A4
    fitted to the page width."""
    sheet_append(sheet, [title])
    sheet["A1"].font = TITLE
    sheet_append(sheet, [str(header) for header, _width in columns])
    for index, (_header, width) in enumerate(columns, start=1):
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
        f"{starts:%H:%M} – {ends:%H:%M}",
        slot.capacity,
        len(booked),
        slot.institution.name if slot.institution else "",
    ]
    first_row = sheet.max_row + 1
    if not booked:
        sheet_append(sheet, figures)
    for number, appointment in enumerate(booked, start=1):
        person = appointment.person
        village = villages.get(appointment.home_unit_id)
        sheet_append(
            sheet,
            [
                *(figures if number == 1 else [None] * len(figures)),
                number,
                person.full_name,
                person.birth_date.year,
                mask(person.personal_id) if person.personal_id else "",
                village.name if village else "",
                person.household.code if person.household else "",
                appointment.code,
                str(_STATE_LABELS[appointment.state]),
            ],
        )
    for cell in sheet[first_row]:
        cell.border = SLOT_TOP
    sheet.cell(first_row, 1).font = BOLD
