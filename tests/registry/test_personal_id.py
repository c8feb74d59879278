from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancuoc.registry import personal_id
from cancuoc.registry.personal_id import InvalidPersonalId, Rejection

provinces = st.sampled_from(sorted(personal_id.PROVINCE_CODES))
years = st.integers(min_value=1900, max_value=2399)
sexes = st.sampled_from(["M", "F"])
serials = st.integers(min_value=0, max_value=999_999)


@given(provinces, years, sexes, serials)
def test_a_generated_number_parses_back_to_its_parts(province, year, sex, serial):
    number = personal_id.generate(province_code=province, birth_year=year, sex=sex, serial=serial)
    parsed = personal_id.parse(number)
    assert len(number) == 12
    assert (parsed.province_code, parsed.birth_year, parsed.sex) == (province, year, sex)
    assert personal_id.problems(number, birth_year=year, sex=sex) == []


@given(provinces, years, sexes, serials)
def test_the_other_sex_is_rejected_with_a_reason(province, year, sex, serial):
    number = personal_id.generate(province_code=province, birth_year=year, sex=sex, serial=serial)
    other = "F" if sex == "M" else "M"
    [problem] = personal_id.problems(number, birth_year=year, sex=other)
    assert problem.reason == Rejection.SEX_MISMATCH
    assert "giới tính" in problem.message_vi and "sex" in problem.message_en


@given(provinces, years, sexes, serials, st.integers(min_value=1, max_value=99))
def test_another_year_is_rejected(province, year, sex, serial, shift):
    number = personal_id.generate(province_code=province, birth_year=year, sex=sex, serial=serial)
    reasons = {p.reason for p in personal_id.problems(number, birth_year=year + shift, sex=sex)}
    expected = Rejection.CENTURY_MISMATCH if shift % 100 == 0 else Rejection.YEAR_MISMATCH
    assert expected in reasons


@given(provinces, years, sexes, serials)
def test_the_same_year_digits_in_another_century_are_rejected(province, year, sex, serial):
    number = personal_id.generate(province_code=province, birth_year=year, sex=sex, serial=serial)
    other_century = year + 100 if year < 2300 else year - 100
    [problem] = personal_id.problems(number, birth_year=other_century, sex=sex)
    assert problem.reason == Rejection.CENTURY_MISMATCH


@given(st.text(alphabet="0123456789", min_size=0, max_size=20).filter(lambda s: len(s) != 12))
def test_any_other_length_is_rejected(number):
    [problem] = personal_id.problems(number)
    assert problem.reason == Rejection.LENGTH
    assert str(len(number)) in problem.message_en


@given(st.text(min_size=1).filter(lambda s: s.strip("0123456789")))
def test_anything_but_digits_is_rejected(text):
    [problem] = personal_id.problems(text)
    assert problem.reason == Rejection.NOT_DIGITS


def test_a_province_code_outside_annex_one_is_rejected():
    [problem] = personal_id.problems("003090001234")
    assert problem.reason == Rejection.PROVINCE
    assert "003" in problem.message_vi


def test_digit_four_encodes_century_and_sex():
    assert personal_id.parse("038090001234").birth_year == 1990
    assert personal_id.parse("038190001234").sex == "F"
    assert personal_id.parse("038305001234").birth_year == 2005
    assert personal_id.parse("038305001234").sex == "F"
    assert personal_id.parse("038405001234").birth_year == 2105


def test_validate_raises_with_every_reason():
    with pytest.raises(InvalidPersonalId) as caught:
        personal_id.validate("038190001234", birth_date=date(1991, 1, 1), sex="M")
    reasons = {p.reason for p in caught.value.problems}
    assert reasons == {Rejection.SEX_MISMATCH, Rejection.YEAR_MISMATCH}


def test_generate_refuses_what_cannot_be_a_number():
    with pytest.raises(ValueError):
        personal_id.generate(province_code="003", birth_year=1990, sex="M", serial=1)
    with pytest.raises(ValueError):
        personal_id.generate(province_code="038", birth_year=1899, sex="M", serial=1)


def test_mask_shows_only_the_last_four_digits():
    assert personal_id.mask("038090001234") == "••••••••1234"
