from datetime import date, timedelta

import pytest
from django.utils import translation

from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.choices import CardKind, Presence, ResidenceBasis
from cancuoc.registry.eligibility import CHIP_2021, LAW_2023, Need, NoPolicy, policy_in_force
from cancuoc.registry.models import Person

AS_OF = date(2021, 4, 1)


def needing(on=AS_OF, policy=None, unit="38", basis=ResidenceBasis.BOTH):
    return Person.objects.living_in(unit_by_code(unit), on=on, basis=basis).needing_card(
        on=on, policy=policy
    )


def test_a_person_turning_14_on_the_as_of_date_is_in_the_worklist(add_person):
    add_person(birth_date=date(2007, 4, 1))
    assert needing().count() == 1


def test_a_person_turning_14_the_next_day_is_not(add_person):
    add_person(birth_date=date(2007, 4, 2))
    assert needing().count() == 0


def test_born_on_29_february_is_14_on_1_march_in_a_common_year(add_person):
    add_person(birth_date=date(2008, 2, 29))
    assert needing(on=date(2022, 2, 28)).count() == 0
    assert needing(on=date(2022, 3, 1)).count() == 1


@pytest.mark.parametrize("age", [25, 40, 60])
def test_a_chip_card_issued_two_years_before_a_change_age_stays_valid(add_person, age):
    born = date(1960, 5, 10) if age == 60 else date(1996 - (age - 25), 5, 10)
    window = born.replace(year=born.year + age - 2)
    on = born.replace(year=born.year + age)
    add_person(birth_date=born, card_kind=CardKind.CCCD_CHIP, card_issued_on=window)
    assert needing(on=on, policy=CHIP_2021).count() == 0


@pytest.mark.parametrize("age", [25, 40, 60])
def test_a_chip_card_issued_a_day_earlier_must_be_changed_on_the_birthday(add_person, age):
    born = date(1960, 5, 10) if age == 60 else date(1996 - (age - 25), 5, 10)
    issued = born.replace(year=born.year + age - 2) - timedelta(days=1)
    birthday = born.replace(year=born.year + age)
    person = add_person(birth_date=born, card_kind=CardKind.CCCD_CHIP, card_issued_on=issued)
    assert needing(on=birthday - timedelta(days=1), policy=CHIP_2021).count() == 0
    [row] = needing(on=birthday, policy=CHIP_2021)
    assert row.pk == person.pk and row.need == Need.CHANGE


@pytest.mark.parametrize("kind", [CardKind.CCCD_BARCODE, CardKind.CMND_9, CardKind.CMND_12])
def test_a_holder_of_an_older_card_changes_it_for_a_chip_card_in_2021(add_person, kind):
    """Cấp đổi: the campaign's chip card replaces a barcode CCCD or a CMND (they are not
    first cards, though the 2021 policy counts neither as valid)."""
    add_person(card_kind=kind, card_issued_on=date(2018, 1, 1))
    [row] = needing()
    assert row.need == Need.CHANGE


def test_a_person_who_never_held_a_card_needs_a_first_one(add_person):
    add_person()
    [row] = needing()
    assert row.need == Need.FIRST


def test_a_card_reported_lost_is_replaced(add_person):
    """Cấp lại: a chip card in force reported lost no longer counts from that day."""
    person = add_person(card_kind=CardKind.CCCD_CHIP, card_issued_on=date(2021, 3, 1))
    assert needing().count() == 0
    person.cards.update(lost_on=date(2021, 3, 20))
    [row] = needing()
    assert row.need == Need.REPLACE
    assert needing(on=date(2021, 3, 19)).count() == 0


def test_the_worklist_says_which_procedure_each_person_comes_for(add_person):
    from cancuoc.scheduling.worklists import worklist, worklist_rows

    add_person(full_name="Mới")
    add_person(full_name="Đổi", card_kind=CardKind.CCCD_BARCODE, card_issued_on=date(2018, 1, 1))
    lost = add_person(
        full_name="Lại", card_kind=CardKind.CCCD_CHIP, card_issued_on=date(2021, 3, 1)
    )
    lost.cards.update(lost_on=date(2021, 3, 20))
    persons = worklist(unit=unit_by_code("38"), on=AS_OF)
    rows = {r["full_name"]: r["need"] for r in worklist_rows(persons, on=AS_OF)}
    assert rows == {"Mới": "Cấp mới", "Đổi": "Cấp đổi", "Lại": "Cấp lại"}
    with translation.override("en"):
        rows = {r["full_name"]: r["need"] for r in worklist_rows(persons, on=AS_OF)}
    assert rows == {"Mới": "First card", "Đổi": "Change", "Lại": "Replacement"}


def test_a_chip_card_issued_after_the_as_of_date_does_not_count_yet(add_person):
    add_person(card_kind=CardKind.CCCD_CHIP, card_issued_on=date(2021, 5, 1))
    assert needing().count() == 1
    assert needing(on=date(2021, 5, 1)).count() == 0


@pytest.mark.parametrize(
    ("presence", "count"),
    [
        (Presence.ALIVE, 1),
        (Presence.ABSENT, 1),
        (Presence.DECEASED, 0),
        (Presence.MOVED_OUT, 0),
        (Presence.ABROAD, 1),
    ],
)
def test_deceased_and_moved_out_are_excluded(add_person, presence, count):
    add_person(presence=presence)
    assert needing().count() == count


def test_a_person_with_both_residences_is_counted_once_where_they_live(add_person):
    add_person(permanent_unit="16000001", temporary_unit="16001001")
    assert needing(unit="38").count() == 1
    assert needing(unit="16001").count() == 1
    assert needing(unit="16000").count() == 0
    assert needing(unit="16000", basis=ResidenceBasis.PERMANENT).count() == 1
    assert needing(unit="16001", basis=ResidenceBasis.PERMANENT).count() == 0
    assert needing(unit="16001", basis=ResidenceBasis.TEMPORARY).count() == 1


def test_a_temporary_residence_not_yet_begun_does_not_move_the_person(add_person):
    add_person(temporary_unit="16001001", temporary_since=date(2021, 6, 1))
    assert needing(unit="16000").count() == 1
    assert needing(unit="16001").count() == 0
    assert needing(unit="16001", on=date(2021, 6, 1)).count() == 1


def test_under_the_2023_law_a_cmnd_counts_until_the_end_of_2024(add_person):
    add_person(card_kind=CardKind.CMND_9, card_issued_on=date(2015, 1, 1))
    assert needing(on=date(2024, 12, 31), policy=LAW_2023).count() == 0
    [row] = needing(on=date(2025, 1, 1), policy=LAW_2023)
    assert row.need == Need.CHANGE


def test_the_policy_in_force_follows_the_date():
    assert policy_in_force(date(2021, 4, 1)) is CHIP_2021
    assert policy_in_force(date(2024, 7, 1)) is LAW_2023
    with pytest.raises(NoPolicy):
        policy_in_force(date(2019, 1, 1))
