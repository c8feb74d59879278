"""Every route × every role × (own area, other area).

Routes are enumerated from the URL configuration, so a new page or API operation is covered
without anyone adding it here; one whose parameters this test cannot build fails until a
builder is added to ``PARAMETERS``. For each role: pages of the own area answer and hold no
row of the other area; pages of the other area answer 403 or 404; the admin is for national
administrators only. A view that forgets the scoping makes :func:`violations` non-empty.
"""

import json

from django.test import Client

from cancuoc.accounts.models import Role
from cancuoc.web import requests as web_requests
from tests.world import (
    BODIES,
    OTHER_INSTITUTION_NAME,
    OTHER_NAME,
    OTHER_UNIT_NAME,
    OWN_NAME,
    PUBLIC,
    QUERY,
    api_operations,
    body_text,
    routes,
    url_for,
    user_for,
)


def _to_login(location: str) -> bool:
    return location.startswith(("/tai-khoan/dang-nhap/", "/admin/login/"))


def _ask(client: Client, name: str, url: str, world: dict):
    """Every method the route answers to: an API operation with its own method and a valid
    body; a page with GET, or POST when it takes only that."""
    operations = api_operations().get(name)
    if operations is None:
        response = client.get(url, QUERY)
        if response.status_code == 405:  # a POST-only page
            response = client.post(url, QUERY)
        return [response]
    answers = []
    for method in [m for op in operations for m in op.methods]:
        if method == "GET":
            answers.append(client.get(url, QUERY))
        else:
            body = dict(BODIES.get(name, {}))
            if "person" in body:
                body["person"] = world["applicant"]
            answers.append(
                client.generic(method, url, json.dumps(body), content_type="application/json")
            )
    return answers


def violations(world, django_user_model) -> list[str]:
    found = []
    all_routes = routes()
    operations = api_operations()
    users = {role: user_for(role, world, django_user_model) for role in Role}
    for name, callback, params in all_routes:
        if name in PUBLIC:
            continue
        is_admin = name.startswith("admin:")
        marked = (
            all(getattr(op.view_func, "area_scoped", False) for op in operations[name])
            if name in operations
            else getattr(callback, "area_scoped", False)
        )
        if not is_admin and not marked:
            found.append(f"{name}: not marked area_scoped")
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            # A route without parameters shows the user's own area whoever asks.
            for side in ("own", "other") if params else ("own",):
                url = url_for(name, params, world, side)
                for response in _ask(client, name, url, world):
                    found.extend(_judge(role, side, url, is_admin, response))
    return found


def _judge(role: Role, side: str, url: str, is_admin: bool, response) -> list[str]:
    """What is wrong with one answer: another area's page that was not refused, a server
    error, or another area's row on one's own page."""
    status = response.status_code
    if is_admin or side == "other":
        if role == Role.NATIONAL and not is_admin:
            return []
        denied = status in (403, 404) or (status == 302 and _to_login(response["Location"]))
        return [] if denied else [f"{role} {side} {url}: answered {status}, not refused"]
    found = []
    if status >= 500:
        found.append(f"{role} own {url}: server error {status}")
    if status == 200:
        text = body_text(response)
        for secret in (OTHER_NAME, OTHER_UNIT_NAME, OTHER_INSTITUTION_NAME):
            if secret in text:
                found.append(f"{role} own {url}: shows {secret!r} of the other area")
        if role == Role.VIEWER and OWN_NAME in text:
            found.append(f"viewer {url}: shows a person, not only figures")
    return found


def test_every_route_is_covered_and_keeps_to_the_area(world, django_user_model):
    assert len(routes()) > 20  # the admin's routes and ours
    found = violations(world, django_user_model)
    assert found == [], "\n".join(sorted(set(found))[:40])


def test_own_area_pages_answer_for_the_roles_that_see_them(world, client, django_user_model):
    officer = user_for(Role.COMMUNE_OFFICER, world, django_user_model)
    client.force_login(officer)
    page = client.get("/don-vi/16000001/", QUERY)
    assert page.status_code == 200 and OWN_NAME in page.content.decode()
    liaison = user_for(Role.INSTITUTION_LIAISON, world, django_user_model)
    client.force_login(liaison)
    page = client.get(f"/co-quan/{world['institution']['own']}/", QUERY)
    assert page.status_code == 200 and OWN_NAME in page.content.decode()
    assert client.get("/don-vi/16000/", QUERY).status_code == 403


def test_removing_the_scoping_from_a_view_is_caught(world, django_user_model, monkeypatch):
    monkeypatch.setattr(web_requests, "require_unit", lambda user, unit: None)
    found = violations(world, django_user_model)
    assert any("reports:unit" in f or "/don-vi/00004/" in f for f in found)


def test_removing_the_scoping_from_an_api_operation_is_caught(
    world, django_user_model, monkeypatch
):
    monkeypatch.setattr(web_requests, "require_unit", lambda user, unit: None)
    [operation] = api_operations()["api:children"]
    monkeypatch.setattr(operation, "view_func", operation.view_func.__wrapped__)
    found = violations(world, django_user_model)
    assert any("/api/v1/units/00004:" in f and "not refused" in f for f in found)
    assert "api:children: not marked area_scoped" in found


def test_recording_a_capture_for_a_person_of_another_area_is_refused(
    world, client, django_user_model
):
    officer = user_for(Role.STATION_OPERATOR, world, django_user_model)
    client.force_login(officer)
    body = BODIES["api:applications"] | {
        "person": world["person"]["other"],
        "idempotency_key": "matrix-api-other",
    }
    answer = client.post("/api/v1/applications", body, content_type="application/json")
    assert answer.status_code == 404, answer.content
    assert OTHER_NAME not in answer.content.decode()
    # and with a kit of another area's station, for a person of one's own
    body = BODIES["api:applications"] | {"person": world["person"]["own"], "kit": "K-other"}
    answer = client.post("/api/v1/applications", body, content_type="application/json")
    assert answer.status_code == 404 and "K-other" in answer.json()["detail"]


def test_a_staff_user_who_is_not_national_gets_no_admin(world, client, django_user_model):
    user = user_for(Role.PROVINCE_COMMAND, world, django_user_model)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/registry/person/").status_code == 302
    national = django_user_model.objects.create_superuser("qt", password="x" * 12)
    client.force_login(national)
    listing = client.get("/admin/registry/person/")
    assert listing.status_code == 200 and OTHER_NAME in listing.content.decode()
