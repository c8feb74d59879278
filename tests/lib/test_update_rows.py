"""lib.bulk.update_rows: each row's columns set by primary key, the others untouched, on both
databases (COPY and UPDATE … FROM on PostgreSQL, executemany on SQLite); twice in one
transaction, as a merge does."""

from datetime import date

from django.db import transaction

from cancuoc.lib.bulk import update_rows
from cancuoc.registry.models import Person


def test_rows_are_updated_by_key_and_nothing_else_changes(add_person):
    people = [add_person(full_name=f"Người Thứ {n}", phone="0912000000") for n in range(3)]
    with transaction.atomic():
        written = update_rows(
            Person,
            ["phone", "presence_since"],
            [(people[0].pk, "0988000001", date(2021, 4, 2)), (people[2].pk, "", None)],
        )
        update_rows(Person, ["religion"], [(people[1].pk, "Không")])
    assert written == 2 and update_rows(Person, ["phone"], []) == 0
    got = {p.pk: (p.phone, p.presence_since, p.religion, p.full_name) for p in Person.objects.all()}
    assert got == {
        people[0].pk: ("0988000001", date(2021, 4, 2), "", "Người Thứ 0"),
        people[1].pk: ("0912000000", None, "Không", "Người Thứ 1"),
        people[2].pk: ("", None, "", "Người Thứ 2"),
    }


def test_only_null_leaves_the_values_already_there(add_person):
    with_phone, without = add_person(phone="0912000000"), add_person(phone="")
    Person.objects.filter(pk=without.pk).update(presence_since=None)
    Person.objects.filter(pk=with_phone.pk).update(presence_since=date(2021, 1, 1))
    update_rows(
        Person,
        ["presence_since"],
        [(with_phone.pk, date(2021, 4, 2)), (without.pk, date(2021, 4, 2))],
        only_null=True,
    )
    got = dict(Person.objects.values_list("pk", "presence_since"))
    assert got == {with_phone.pk: date(2021, 1, 1), without.pk: date(2021, 4, 2)}
