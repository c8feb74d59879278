"""Every write route × every role: allowed or refused as the matrix of actions says.

Write routes are found, not listed: a page whose view is marked with ``action_required`` and
every API operation that is not a GET. A new write route that this test does not know fails
it until a case is added to ``CASES``; a page that answers a POST without being marked fails
it until it is marked or refuses POST (``require_safe``). For each case and role, the own
area's route answers 403 exactly when the role may not take the action
(:data:`cancuoc.accounts.permissions.MAY`).
"""

import json

import pytest
from django.test import Client

from cancuoc.accounts.models import Assignment, Role
from cancuoc.accounts.permissions import MAY, Action
from cancuoc.accounts.scope import Scope
from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.models import Handover, Person
from tests.world import (
    BODIES,
    PUBLIC,
    api_operations,
    routes,
    url_for,
    user_for,
)

# (route, action, body, API?) — the body a role allowed to write would send. The API's
# application step appears twice: approving is the command's, handing out the stations'.
CASES = [
    ("intake:record", Action.RECORD_CAPTURE, {"person": "applicant", "kit": "K-own"}, False),
    ("dedup:review-decide", Action.DECIDE_DUPLICATES, {"action": "distinct"}, False),
    ("reports:obstacle-raise", Action.RAISE_OBSTACLE, {"title": "Mất điện cả ngày"}, False),
    ("reports:handover-request", Action.HAND_OVER, {"person": "own", "to_unit": "00004"}, False),
    ("reports:handover-decide", Action.DECIDE_HANDOVER, {"action": "refuse"}, False),
    ("api:applications", Action.RECORD_CAPTURE, BODIES["api:applications"], True),
    ("api:application-advance", Action.APPROVE_APPLICATION, {"to": "approved"}, True),
    ("api:application-advance", Action.HAND_OUT_CARD, {"to": "delivered"}, True),
    ("api:unit-appointments", Action.ASSIGN_APPOINTMENTS, BODIES["api:unit-appointments"], True),
    ("api:station-slots", Action.MAKE_SLOTS, BODIES["api:station-slots"], True),
    ("api:unit-targets-split", Action.SPLIT_TARGETS, {}, True),
    ("api:station-visits", Action.PLAN_VISITS, BODIES["api:station-visits"], True),
]
# Pages that take a POST and change nothing in the register: a search kept in the session,
# and the audited reveal of one ID number.
# (slips-make writes a file of slips, nothing in the register; jobs:cancel stops one's own
# job, tests/jobs/test_pages.py)
POST_READS = {"intake:checkin", "reports:reveal-id", "scheduling:slips-make", "jobs:cancel"}


def write_routes() -> set[str]:
    pages = {
        name
        for name, callback, _params in routes()
        if not name.startswith(("admin:", "api:")) and getattr(callback, "actions", None)
    }
    api = {
        name
        for name, operations in api_operations().items()
        if any(method != "GET" for op in operations for method in op.methods)
    }
    return pages | api


def _body(body: dict, world: dict, role: Role) -> dict:
    filled = {}
    for key, value in body.items():
        if key == "person" and value in ("applicant", "own"):
            filled[key] = world["applicant"] if value == "applicant" else world["person"]["own"]
        elif key == "person":
            filled[key] = world["applicant"]
        else:
            filled[key] = value
    if "kit" in filled:  # a page's form and the API's body both carry a submission key
        filled["key" if "idempotency_key" not in filled else "idempotency_key"] = (
            f"write-matrix-{role.value}"
        )
    return filled


def answer(client: Client, name: str, world: dict, role: Role, body: dict, is_api: bool):
    params = next(p for n, _c, p in routes() if n == name)
    url = url_for(name, params, world, "own")
    if is_api:
        return client.post(url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


def violations(world, django_user_model) -> list[str]:
    found = []
    users = {role: user_for(role, world, django_user_model) for role in Role}
    for name, action, body, is_api in CASES:
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            response = answer(client, name, world, role, _body(body, world, role), is_api)
            status, allowed = response.status_code, role in MAY[action]
            if status >= 500:
                found.append(f"{role} {name} ({action}): server error {status}")
            elif allowed and status == 403:
                found.append(f"{role} {name} ({action}): refused, the matrix allows it")
            elif not allowed and status != 403:
                found.append(f"{role} {name} ({action}): answered {status}, not refused")
    return found


def test_every_write_route_has_a_case():
    assert write_routes() == {name for name, *_ in CASES}


def test_every_page_that_takes_a_post_is_a_write_or_a_known_read(world, django_user_model):
    national = user_for(Role.NATIONAL, world, django_user_model)
    client = Client()
    client.force_login(national)
    writes = write_routes()
    for name, _callback, params in routes():
        if name.startswith(("admin:", "api:")) or name in PUBLIC | writes | POST_READS:
            continue
        status = client.post(url_for(name, params, world, "own"), {}).status_code
        assert status == 405, f"{name} answers a POST ({status}): mark it or require_safe"


def test_every_write_route_allows_and_refuses_each_role_as_the_matrix_says(
    world, django_user_model
):
    found = violations(world, django_user_model)
    assert found == [], "\n".join(found)


def test_removing_the_role_check_is_caught(world, django_user_model, monkeypatch):
    monkeypatch.setattr(Scope, "permits", lambda self, roles, path=None: True)
    found = violations(world, django_user_model)
    assert any("station_operator api:unit-targets-split" in f for f in found)
    assert any("justice_officer dedup:review-decide" in f for f in found)
    assert any("viewer reports:obstacle-raise" in f for f in found)


def test_a_role_allows_its_actions_only_in_its_own_area(world, client, django_user_model):
    """An operator of the own commune who is commune officer of the other area may not
    decide the own commune's duplicates: the role and the area must come together."""
    user = django_user_model.objects.create_user("two-hats", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.STATION_OPERATOR, unit=unit_by_code("16000"))
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("00004"))
    client.force_login(user)
    own_pair = url_for("dedup:review-decide", ["code", "pk"], world, "own")
    assert client.post(own_pair, {"action": "merge"}).status_code == 403
    other_pair = url_for("dedup:review-decide", ["code", "pk"], world, "other")
    assert client.post(other_pair, {"action": "distinct"}).status_code == 302


@pytest.mark.parametrize("role", [Role.STATION_OPERATOR, Role.JUSTICE_OFFICER, Role.VIEWER])
def test_refused_roles_change_nothing(world, client, django_user_model, role):
    """The attacker's list of the issue: what they did, refused, and nothing written."""
    user = user_for(role, world, django_user_model)
    client.force_login(user)
    pair = url_for("dedup:review-decide", ["code", "pk"], world, "own")
    persons = Person.objects.filter(merged_into__isnull=True).count()
    assert client.post(pair, {"action": "merge"}).status_code == 403
    assert Person.objects.filter(merged_into__isnull=True).count() == persons
    decide = url_for("reports:handover-decide", ["pk"], world, "own")
    assert client.post(decide, {"action": "accept"}).status_code == 403
    assert Handover.objects.get(pk=world["handover"]["own"]).state == "requested"
    split = url_for("api:unit-targets-split", ["code"], world, "own")
    assert client.post(split, "{}", content_type="application/json").status_code == 403
