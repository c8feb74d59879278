from datetime import date, datetime

import pytest
from django.utils import timezone

from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Kit, Station, StationKind


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def station(area):
    station = Station.objects.create(
        code="CA-XM", name="Công an Xã Một", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    Kit.objects.create(station=station, code="KIT-1")
    Kit.objects.create(station=station, code="KIT-2")
    return station


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_user("thunhan", password="x" * 12)
