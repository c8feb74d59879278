from datetime import date

import pytest

from cancuoc.registry.choices import CardKind, Relation
from cancuoc.registry.models import Card, Household, Person, Residence
from cancuoc.registry.services import RegisterLoadError, register_load
from tests.conftest import person_record


def test_a_household_is_loaded_with_its_head_and_members(area):
    head = person_record(household_code="H1", relation_to_head=Relation.HEAD)
    child = person_record(
        household_code="H1", relation_to_head=Relation.CHILD, birth_date=date(2010, 1, 1)
    )
    result = register_load(records=[head, child], source="test")
    household = Household.objects.get(code="H1")
    assert result.persons == 2 and result.households == 1
    assert household.head.source_ref == head.ref
    assert set(household.members.values_list("source_ref", flat=True)) == {head.ref, child.ref}
    assert Residence.objects.filter(person__household=household).count() == 2


def test_names_are_kept_as_typed_with_a_normalised_key(add_person):
    person = add_person(full_name="  trần  thị thủy ")
    assert person.full_name == "  trần  thị thủy "
    assert person.name_key == "TRẦN THỊ THUỶ"


def test_a_card_without_a_printed_expiry_gets_the_legal_one(add_person):
    person = add_person(
        birth_date=date(1990, 6, 15),
        card_kind=CardKind.CCCD_CHIP,
        card_number="038090001234",
        card_issued_on=date(2021, 3, 1),
    )
    assert Card.objects.get(person=person).expires_on == date(2030, 6, 15)


def test_an_invalid_id_is_kept_unverified_and_the_person_loaded(add_person):
    person = add_person(personal_id="038190001234", sex="M", birth_date=date(1990, 1, 1))
    assert person.personal_id == ""
    assert person.unverified_id == "038190001234"


def test_a_valid_id_is_stored(add_person):
    person = add_person(personal_id="038090001234", sex="M", birth_date=date(1990, 1, 1))
    assert person.personal_id == "038090001234" and person.unverified_id == ""


def test_an_unknown_unit_names_the_record_and_column_and_writes_nothing(area):
    good = person_record()
    bad = person_record(temporary_unit="99999999")
    with pytest.raises(RegisterLoadError) as caught:
        register_load(records=[good, bad], source="test")
    message = str(caught.value)
    assert "Bản ghi 2" in message and "temporary_unit" in message and "99999999" in message
    assert Person.objects.count() == 0


def test_the_same_id_twice_in_a_batch_is_refused_without_showing_it_whole(area):
    records = [
        person_record(personal_id="038090001234", birth_date=date(1990, 1, 1)) for _ in range(2)
    ]
    with pytest.raises(RegisterLoadError) as caught:
        register_load(records=records, source="test")
    assert "038090001234" not in str(caught.value)
    assert "1234" in str(caught.value)
    assert Person.objects.count() == 0


def test_an_invalid_number_repeating_a_valid_one_is_kept_unverified(area):
    valid = person_record(personal_id="038090001234", birth_date=date(1990, 1, 1))
    typo = person_record(personal_id="038090001234", birth_date=date(1991, 1, 1))
    assert register_load(records=[valid, typo], source="test").invalid_ids == 1
    assert Person.objects.get(source_ref=typo.ref).unverified_id == "038090001234"


def test_keys_continue_after_a_bulk_load(add_person):
    loaded = add_person()
    created = Person.objects.create(
        full_name="Lê Văn Bình", birth_date=date(1990, 1, 1), sex="M", name_key="", sort_key=""
    )
    assert created.pk > loaded.pk
