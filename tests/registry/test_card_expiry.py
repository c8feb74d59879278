from datetime import date

import pytest

from cancuoc.registry.cards import card_expiry
from cancuoc.registry.choices import CardKind

BORN = date(1990, 6, 15)


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (date(2008, 6, 15), date(2015, 6, 15)),  # at 18: changed at 25
        (date(2013, 6, 14), date(2015, 6, 15)),  # one day before the 2-year window
        (date(2013, 6, 15), date(2030, 6, 15)),  # 2 years before 25: valid until 40
        (date(2028, 6, 14), date(2030, 6, 15)),  # just before the window of 40
        (date(2028, 6, 15), date(2050, 6, 15)),  # 2 years before 40: valid until 60
        (date(2048, 6, 14), date(2050, 6, 15)),
        (date(2048, 6, 15), None),  # 2 years before 60: no expiry
        (date(2051, 1, 1), None),  # after 60: no expiry
    ],
)
def test_chip_card_expiry_follows_the_change_ages_and_the_two_year_rule(issued, expires):
    assert card_expiry(CardKind.CCCD_CHIP, birth_date=BORN, issued_on=issued) == expires


def test_the_2023_card_is_changed_at_14_as_well():
    child = date(2014, 3, 1)
    at_ten = card_expiry(CardKind.CAN_CUOC, birth_date=child, issued_on=date(2024, 7, 1))
    at_twelve = card_expiry(CardKind.CAN_CUOC, birth_date=child, issued_on=date(2026, 3, 1))
    assert at_ten == date(2028, 3, 1)
    assert at_twelve == date(2039, 3, 1)


def test_a_cmnd_is_valid_for_fifteen_years():
    assert card_expiry(CardKind.CMND_9, birth_date=BORN, issued_on=date(2008, 1, 2)) == date(
        2023, 1, 2
    )


def test_born_on_29_february_reaches_an_age_on_1_march():
    leap = date(1996, 2, 29)
    assert card_expiry(CardKind.CCCD_CHIP, birth_date=leap, issued_on=date(2015, 1, 1)) == date(
        2021, 3, 1
    )
