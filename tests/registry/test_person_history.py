from datetime import date

import pytest
from django.contrib.auth import get_user_model

from cancuoc.registry.models import PersonChange
from cancuoc.registry.personal_id import InvalidPersonalId
from cancuoc.registry.services import person_update


def test_each_changed_field_is_recorded_with_before_after_who_and_why(add_person):
    officer = get_user_model().objects.create_user("canbo")
    person = add_person(full_name="Nguyễn Văn Hòa", phone="")
    person_update(
        person=person,
        changes={"full_name": "Nguyễn Văn Hoà", "phone": "0912000111", "sex": "M"},
        by=officer,
        source="dc02:1",
        reason="Sai chính tả",
    )
    changes = {c.field: c for c in PersonChange.objects.filter(person=person)}
    assert set(changes) == {"full_name", "phone"}
    assert changes["phone"].old_value == "" and changes["phone"].new_value == "0912000111"
    assert changes["full_name"].changed_by == officer
    assert changes["full_name"].reason == "Sai chính tả"
    person.refresh_from_db()
    assert person.name_key == "NGUYỄN VĂN HOÀ"


def test_an_id_that_does_not_fit_the_birth_data_is_refused_and_nothing_changes(add_person):
    person = add_person(birth_date=date(1990, 1, 1), sex="M")
    with pytest.raises(InvalidPersonalId):
        person_update(person=person, changes={"personal_id": "038190001234"}, source="admin")
    assert PersonChange.objects.count() == 0


def test_unknown_fields_are_refused(add_person):
    person = add_person()
    with pytest.raises(ValueError, match="name_key"):
        person_update(person=person, changes={"name_key": "X"}, source="admin")
