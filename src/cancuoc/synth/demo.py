"""The demo: a small synthetic province loaded and a login to look at it."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from cancuoc.geo.services import geo_load_current
from cancuoc.registry.models import Person
from cancuoc.registry.services import register_analyse

from .generator import synth_province
from .services import synth_load

DEMO_PROVINCE = "38"  # Thanh Hóa: 2.9 million cards by 17 June 2021 in the seeds
DEMO_USER = "demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str


def demo_province_load(*, people: int, seed: int) -> int:
    """Load the demo province unless it is there already; return how many persons it has."""
    geo_load_current()
    built = synth_province(province=DEMO_PROVINCE, people=people, seed=seed)
    existing = Person.objects.filter(source=built.source).count()
    if existing:
        return existing
    persons = synth_load(built).register.persons
    register_analyse()
    return persons


@transaction.atomic
def demo_login_reset() -> DemoLogin:
    """A fresh random password for the demo user on every run: never a fixed one."""
    password = secrets.token_urlsafe(9)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USER)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return DemoLogin(DEMO_USER, password)
