"""``field__any_of``: the same rows as ``__in``, one query parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cancuoc.geo.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds_with_one_parameter_on_postgresql(area):
    codes = list(AdministrativeUnit.objects.values_list("code", flat=True))
    asked = [*codes[:3], "no-such-code", codes[0], None]
    expected = set(AdministrativeUnit.objects.filter(code__in=asked).values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        found = set(
            AdministrativeUnit.objects.filter(code__any_of=asked).values_list("pk", flat=True)
        )

    assert found == expected and len(found) == 3
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]
    assert not AdministrativeUnit.objects.filter(code__any_of=[]).exists()
    assert not AdministrativeUnit.objects.filter(code__any_of=[None]).exists()
