"""A station's schedule in Excel: a summary of each day, a sheet per day with every slot and
who is booked into it, ID numbers masked, ready to print."""

import io
from datetime import datetime, timedelta

import pytest
from django.utils import translation
from openpyxl import load_workbook

from cancuoc.registry.personal_id import generate
from cancuoc.scheduling.models import AppointmentState
from cancuoc.scheduling.schedules import schedule_xlsx

from .bookings import DAY, add_household, book, make_slot, make_station


def test_the_schedule_lists_each_days_slots_and_who_is_booked_with_ids_masked(add_person):
    station = make_station()
    early = make_slot(station, capacity=3)
    make_slot(station, hour=8, minute=0, capacity=3)  # nobody booked
    tuesday = make_slot(station, day=DAY + timedelta(days=1), capacity=4)
    number = generate(province_code="038", birth_year=1975, sex="M", serial=4321)
    tam, hung = add_household(
        "H7", ["Lê Thị Tâm", "Lê Văn Hùng"], permanent_unit="16000002", birth_date=DAY.replace(1975)
    )
    tam.personal_id = number
    tam.save(update_fields=["personal_id"])
    first = book(tam, early)
    second = book(hung, early)
    book(add_person(full_name="Cao Văn Huỷ"), early, state=AppointmentState.CANCELLED)
    came = book(add_person(full_name="Phan Thị Đào"), tuesday, state=AppointmentState.ATTENDED)
    book(add_person(full_name="Tạ Văn Dũng"), make_slot(make_station(code="CA-PH", name="CA P")))

    workbook = load_workbook(
        io.BytesIO(schedule_xlsx(station=station, first=DAY, last=DAY + timedelta(days=6)))
    )

    assert workbook.sheetnames == ["Tổng hợp", "07-06-2021", "08-06-2021"]
    summary = [list(row) for row in workbook["Tổng hợp"].iter_rows(min_row=3, values_only=True)]
    assert summary == [
        [datetime(2021, 6, 7), "Thứ 2", 2, 6, 2, 2 / 6],
        [datetime(2021, 6, 8), "Thứ 3", 1, 4, 1, 1 / 4],
        ["Cộng", None, 3, 10, 3, 0.3],
    ]
    monday = workbook["07-06-2021"]
    assert monday["A1"].value == "Công an Xã Một: Thứ 2, 07/06/2021"
    rows = [list(row) for row in monday.iter_rows(min_row=3, values_only=True)]
    assert rows == [
        [
            "07:30 – 08:00",
            3,
            2,
            None,
            1,
            "Lê Văn Hùng",
            1975,
            None,
            "Thôn 2",
            "H7",
            second.code,
            "Đã hẹn",
        ],
        [
            None,
            None,
            None,
            None,
            2,
            "Lê Thị Tâm",
            1975,
            "••••••••4321",
            "Thôn 2",
            "H7",
            first.code,
            "Đã hẹn",
        ],
        ["08:00 – 08:30", 3, 0, None, None, None, None, None, None, None, None, None],
    ]
    tuesday_rows = list(workbook["08-06-2021"].iter_rows(min_row=3, values_only=True))
    assert tuesday_rows[0][5] == "Phan Thị Đào"
    assert tuesday_rows[0][10:] == (came.code, "Đã đến")

    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]
    assert not any(number in cell for cell in cells)
    assert not any("Huỷ" in cell or "Dũng" in cell for cell in cells)


def test_every_sheet_prints_landscape_across_one_page_width_with_its_header_repeated(
    add_person,
):
    station = make_station()
    book(add_person(), make_slot(station))

    workbook = load_workbook(io.BytesIO(schedule_xlsx(station=station, first=DAY, last=DAY)))

    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A3"
        assert sheet.print_title_rows == "$1:$2"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.column_dimensions["A"].width >= 12


def test_a_range_without_slots_gives_a_summary_of_nothing(area):
    station = make_station()

    workbook = load_workbook(io.BytesIO(schedule_xlsx(station=station, first=DAY, last=DAY)))

    assert workbook.sheetnames == ["Tổng hợp"]
    rows = list(workbook["Tổng hợp"].iter_rows(min_row=3, values_only=True))
    assert rows == [("Cộng", None, 0, 0, 0, None)]


def test_an_officer_reading_english_gets_english_headers_and_the_same_figures(add_person):
    station = make_station()
    book(add_person(full_name="Lê Thị Tâm"), make_slot(station))

    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(schedule_xlsx(station=station, first=DAY, last=DAY)))

    assert workbook.sheetnames == ["Summary", "07-06-2021"]
    summary = workbook["Summary"]
    assert [c.value for c in summary[2]] == ["Day", "Weekday", "Slots", "Places", "Booked", "Share"]
    assert [c.value for c in summary[3]][:5] == [datetime(2021, 6, 7), "Monday", 1, 6, 1]
    assert summary["F3"].value == pytest.approx(1 / 6) and summary["F3"].number_format == "0%"
    monday = workbook["07-06-2021"]
    assert monday["A1"].value == "Công an Xã Một: Monday, 7 June 2021"
    assert monday["F3"].value == "Lê Thị Tâm" and monday["L3"].value == "Booked"


def test_a_name_written_like_a_formula_stays_text(add_person):
    station = make_station()
    book(add_person(full_name='=HYPERLINK("http://x.example","bấm")'), make_slot(station))

    workbook = load_workbook(io.BytesIO(schedule_xlsx(station=station, first=DAY, last=DAY)))

    cell = workbook["07-06-2021"]["F3"]
    assert cell.value == '=HYPERLINK("http://x.example","bấm")'
    assert cell.data_type == "s" and cell.quotePrefix
