from datetime import date, datetime

import pytest
from django.utils import timezone

from cancuoc.geo.selectors import unit_by_code


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_user("thunhan", password="x" * 12)


@pytest.fixture
def operator_in(station, client, django_user_model):
    """A station operator of Xã Một, logged in."""
    from cancuoc.accounts.models import Assignment, Role

    user = django_user_model.objects.create_user("thunhan-xm", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.STATION_OPERATOR, unit=unit_by_code("16000"))
    client.force_login(user)
    return user


def search(client, query: str, station: str = "CA-XM"):
    """Search as the page does (a POST, then the redirect's page)."""
    return client.post("/thu-nhan/", {"q": query, "diem": station}, follow=True)
