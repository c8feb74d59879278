from django.contrib.auth import get_user_model

from cancuoc.registry.models import Person, PersonChange


def _change_form(client, person) -> tuple[str, dict]:
    """The person's change page in the admin and the data its form would post unchanged."""
    url = f"/admin/registry/person/{person.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "merged_into" not in form.fields  # shown, not a list of every person to pick from
    data = {name: form[name].value() or "" for name in form.fields}
    for prefix in ("residences", "cards", "changes"):
        formset = next(
            f for f in page.context["inline_admin_formsets"] if f.formset.prefix == prefix
        )
        management = formset.formset.management_form
        data |= {f"{prefix}-{k}": v for k, v in management.initial.items()}
        for i, inline in enumerate(formset.formset.forms):
            data |= {
                f"{prefix}-{i}-{name}": inline[name].value() or ""
                for name in inline.fields
                if inline[name].value() is not None
            }
    return url, data


def test_an_edit_in_the_admin_is_recorded_in_the_history(add_person, client):
    officer = get_user_model().objects.create_superuser("admin1", password="x" * 12)
    client.force_login(officer)
    person = add_person(full_name="Nguyễn Văn Hòa")
    url, data = _change_form(client, person)
    data |= {"full_name": "Nguyễn Văn Hoà", "phone": "0988000111"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = PersonChange.objects.filter(person=person).order_by("field")
    assert [(c.field, c.new_value, c.changed_by) for c in changed] == [
        ("full_name", "Nguyễn Văn Hoà", officer),
        ("phone", "0988000111", officer),
    ]


def test_a_name_that_would_print_reversed_is_refused_in_the_admin(add_person, client):
    """U+202E (right-to-left override) made a slip print another name than the one stored."""
    client.force_login(get_user_model().objects.create_superuser("admin2", password="x" * 12))
    person = add_person(full_name="Nguyễn Văn Hòa")
    url, data = _change_form(client, person)
    response = client.post(url, data | {"full_name": "Nguyễn Văn \u202eaòH"})
    assert response.status_code == 200
    assert "U+202E" in response.content.decode()
    assert Person.objects.get(pk=person.pk).full_name == "Nguyễn Văn Hòa"


def test_a_card_added_in_the_admin_takes_the_person_off_the_figures(add_person, client):
    """The figures are counted again after the inlines are saved, not before."""
    from datetime import date

    from django.db.models import Sum

    from cancuoc.reports.models import PersonContribution

    def still_to_enrol(person, on: date) -> int:
        rows = PersonContribution.objects.filter(person=person, unit__isnull=False, day__lte=on)
        return rows.aggregate(n=Sum("to_enrol"))["n"] or 0

    client.force_login(get_user_model().objects.create_superuser("admin3", password="x" * 12))
    person = add_person(full_name="Nguyễn Văn Hòa")
    on = date(2021, 5, 1)
    assert still_to_enrol(person, on) == 1
    url, data = _change_form(client, person)
    data |= {
        "cards-TOTAL_FORMS": "1",
        "cards-0-kind": "cccd_chip",
        "cards-0-number": person.personal_id or "038090000001",
        "cards-0-issued_on": "2021-04-01",
        "cards-0-expires_on": "2030-04-01",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert person.cards.count() == 1
    assert still_to_enrol(person, on) == 0
