from datetime import date

import pytest
from django.db.models import Q

from cancuoc.lib.compiled import CompiledQuery
from cancuoc.registry.models import Person


def _query(pk):
    return Person.objects.filter(pk=pk).values_list("full_name", "birth_date", "created_at")


def test_a_compiled_query_gives_what_the_orm_gives_for_each_new_value(add_person):
    first = add_person(full_name="Lê Thị Hoà", birth_date=date(1990, 2, 3))
    second = add_person(full_name="Trần Văn Bình", birth_date=date(2001, 12, 30))
    compiled = CompiledQuery(_query)
    for person in (first, second, first):
        assert compiled.rows(person.pk) == list(_query(person.pk))
    assert compiled.rows(10**9) == []
    assert isinstance(compiled.rows(first.pk)[0][1], date)  # the ORM's converters applied


def test_a_query_that_does_not_use_the_value_once_is_refused(db):
    compiled = CompiledQuery(
        lambda pk: Person.objects.filter(Q(pk=pk) | Q(household_id=pk)).values_list("pk")
    )
    with pytest.raises(ValueError, match="exactly once"):
        compiled.rows(1)
