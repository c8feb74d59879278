"""`cancuoc demo` resets a superuser and loads synthetic people: never on a real register."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cancuoc.registry.models import Person


def test_the_demo_refuses_a_database_with_persons_of_its_own(add_person, settings):
    add_person(full_name="Nguyễn Thị Thật")
    with pytest.raises(CommandError, match="1 persons who are not the demo's"):
        call_command("demo", "--no-serve", "--people", "50")
    assert Person.objects.count() == 1  # nothing loaded
    assert not get_user_model().objects.filter(username="demo").exists()


def test_the_demo_refuses_a_production_deployment(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="CANCUOC_ENV=production"):
        call_command("demo", "--no-serve", "--people", "50")
    assert not Person.objects.exists()
