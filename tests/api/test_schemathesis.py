"""Property-based tests of the API from its own OpenAPI schema (schemathesis): for every
operation, generated valid and invalid requests never cause a server error, and every answer
matches what the schema says (status code, content type, body)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from cancuoc.accounts.models import Assignment, Role
from cancuoc.accounts.tokens import token_issue
from cancuoc.geo.selectors import unit_by_code

# Each operation gets this many generated cases, once as the province and once as a viewer
# (the role that sees figures only); enough to reach every branch of these small operations.
# CANCUOC_SCHEMATHESIS_EXAMPLES=500 for a longer run.
EXAMPLES = int(os.environ.get("CANCUOC_SCHEMATHESIS_EXAMPLES", "40"))


# Loaded through the application itself (no server); the schema view touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI handler, which closes a connection that is inside a
    transaction when a request ends; Django's test client turns that off, and so do we, so
    the requests see the test's data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def keys(station, add_person, django_user_model) -> list[str]:
    add_person(full_name="Lê Thị Hoà", personal_id="038180001234", sex="F")
    found = []
    for role in (Role.PROVINCE_COMMAND, Role.VIEWER):
        user = django_user_model.objects.create_user(f"st-{role}", password="x" * 12)
        Assignment.objects.create(user=user, role=role, unit=unit_by_code("38"))
        found.append(token_issue(user=user, name="schemathesis"))
    return found


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db(transaction=False)
def test_no_server_errors_and_answers_match_the_schema(case, keys):
    for key in keys:
        case.call_and_validate(headers={"Authorization": f"Bearer {key}"})
