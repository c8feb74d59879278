"""Cells as communes type them: dates in many shapes, numbers that lost a zero, any Unicode."""

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancuoc.imports.errors import FieldError
from cancuoc.imports.parsing import CARD_KINDS, RELATIONS, SEXES, digits, parse_date, text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05/03/1980", (date(1980, 3, 5), "D")),
        ("5-3-1980", (date(1980, 3, 5), "D")),
        ("05.03.1980", (date(1980, 3, 5), "D")),
        (" 1980-03-05 00:00:00 ", (date(1980, 3, 5), "D")),
        ("03/1980", (date(1980, 3, 1), "M")),
        ("1980", (date(1980, 1, 1), "Y")),
        (1980, (date(1980, 1, 1), "Y")),
        (29285, (date(1980, 3, 5), "D")),  # an Excel serial number in a General cell
        ("29285", (date(1980, 3, 5), "D")),
        (datetime(1980, 3, 5), (date(1980, 3, 5), "D")),
    ],
)
def test_dates_are_read_in_every_shape_communes_use(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["31/02/1990", "13/13/1990", "05/03/80", "ngày 5", "1980-3"])
def test_what_is_not_a_date_says_so(cell):
    with pytest.raises(FieldError) as raised:
        parse_date(cell)
    assert cell in raised.value.vi and cell in raised.value.en


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.booleans())
def test_a_typed_date_reads_back_with_or_without_leading_zeros(day, zeros):
    typed = f"{day:%d/%m/%Y}" if zeros else f"{day.day}/{day.month}/{day.year}"
    assert parse_date(f"  {typed} ") == (day, "D")


def test_text_is_nfc_with_single_spaces():
    assert text(unicodedata.normalize("NFD", "  Nguyễn\u00a0 Thị   Hoà ")) == "Nguyễn Thị Hoà"
    assert text(2.0) == "2"


def test_numbers_get_back_the_leading_zero_excel_took():
    assert digits(38090001234, "personal_id") == "038090001234"
    assert digits("038 090 001 234", "personal_id") == "038090001234"
    assert digits(912345678, "phone") == "0912345678"
    assert digits(4, "permanent_unit") == "00004"
    assert digits(160001, "permanent_unit") == "00160001"
    assert digits("0380901O1234", "personal_id") == "0380901O1234"  # kept for the rules


def test_closed_lists_match_any_form_but_not_ambiguous_bare_letters():
    assert SEXES.get(unicodedata.normalize("NFD", "Nữ")) == SEXES.get("NU") == "F"
    assert RELATIONS.get("vợ/chồng") == RELATIONS.get("Vo / chong") == "vo_chong"
    assert RELATIONS.get("Bà") == "ong_ba"
    assert RELATIONS.get("Ba") == "cha_me"  # the southern "ba" (father), not "bà" stripped
    assert CARD_KINDS.get("CCCD gắn chip") == "cccd_chip"
