"""Every page and API operation reads in a number of queries that does not grow with the rows
it shows: asked once over the access-matrix world and again after that world has grown
(more persons, institutions, stations with slots and appointments, applications, pairs to
review, hand-overs, obstacles), each route makes the same number of queries. An N+1 (one
query per row) makes the second count larger; ``test_an_n_plus_one_is_caught`` shows it.
"""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cancuoc.accounts.models import Role
from cancuoc.dedup.models import MatchPair, MatchRun
from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.services import intake_record
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.registry.models import Handover, Person
from cancuoc.registry.services import register_load
from cancuoc.reports import institutions as report_institutions
from cancuoc.reports import views as report_views
from cancuoc.reports.models import Obstacle
from cancuoc.scheduling.models import Appointment, Slot
from tests.conftest import person_record
from tests.world import (
    BODIES,
    PUBLIC,
    QUERY,
    api_operations,
    routes,
    url_for,
    user_for,
)

# Routes whose work is a write or a file, not a page of rows: their query counts grow with
# what they write or export by design (a worklist file has one row per person, read in
# chunks), and the write matrix covers them.
NOT_PAGES = {"intake:record", "reports:obstacle-raise", "reports:handover-request"}
NOT_PAGES |= {"reports:handover-decide", "dedup:review-decide", "reports:reveal-id"}
NOT_PAGES |= {"reports:worklist-download", "scheduling:schedule-download"}
NOT_PAGES |= {"scheduling:slips-download", "reports:weekly"}
NOT_PAGES |= {"scheduling:slips-make", "scheduling:slips-file", "reports:weekly-file"}
NOT_PAGES |= {"jobs:cancel"}
GROWTH = 6


def grow(world: dict, step: int) -> None:
    """Add GROWTH of everything a page lists, in the own area."""
    village = unit_by_code("16000001")
    records = [
        person_record(full_name=f"Trần Văn Thêm {step}-{i}", birth_date=date(2000, 1, 1 + i))
        for i in range(GROWTH * 2)
    ]
    register_load(records=records, source=f"grow-{step}")
    added = list(Person.objects.filter(full_name__startswith=f"Trần Văn Thêm {step}-"))
    station = Station.objects.get(code="D-own")
    kit = Kit.objects.create(station=station, code=f"K-grow-{step}")
    operator = get_user_model().objects.get(username="matrix-clerk")
    run = MatchRun.objects.create(review_weight=0, auto_merge_weight=8, model={})
    for i in range(GROWTH):
        school = Institution.objects.create(
            code=f"S-grow-{step}-{i}",
            name=f"Trường {step}-{i}",
            kind=InstitutionKind.SCHOOL,
            unit=unit_by_code("16000"),
        )
        InstitutionMember.objects.create(institution=school, person=added[i])
        moment = datetime(2021, 3, 20 + step, 1 + i, tzinfo=UTC)
        slot = Slot.objects.create(
            station=station, starts_at=moment, ends_at=moment + timedelta(hours=1), capacity=4
        )
        Appointment.objects.create(person=added[GROWTH + i], slot=slot)
        intake_record(
            operator=operator,
            person=added[i],
            station=station,
            kit=kit,
            started_at=moment,
            ended_at=moment,
            accepted=True,
            idempotency_key=f"grow-{step}-{i}",
        )
        left, right = sorted([added[GROWTH + i], added[i]], key=lambda p: p.pk)
        MatchPair.objects.create(
            run=run, left=left, right=right, match_weight=3.0, match_probability=0.9
        )
        Handover.objects.create(person=added[i], from_unit=village, to_unit=unit_by_code("16000"))
        Obstacle.objects.create(unit=village, title=f"Khó khăn {step}-{i}", raised_by=operator)
        Station.objects.create(
            code=f"D-grow-{step}-{i}",
            name=f"Điểm {i}",
            kind=StationKind.FIXED,
            unit=unit_by_code("16000"),
        )


def counts(client: Client, world: dict) -> dict[str, int]:
    """Queries each read route makes, as the national user sees it."""
    operations = api_operations()
    found = {}
    for name, _callback, params in routes():
        if name.startswith("admin:") or name in PUBLIC or name in NOT_PAGES:
            continue
        url = url_for(name, params, world, "own")
        for operation in operations.get(name, [None]):
            methods = operation.methods if operation else ["GET"]
            for method in methods:
                with CaptureQueriesContext(connection) as queries:
                    if method == "GET":
                        response = client.get(url, QUERY)
                    else:
                        body = json.dumps(BODIES.get(name, {}))
                        response = client.generic(method, url, body, "application/json")
                if method == "GET":
                    assert response.status_code == 200, (name, response.status_code)
                    found[f"{method} {name}"] = len(queries)
    return found


@pytest.fixture
def national_client(world, django_user_model) -> Client:
    client = Client()
    client.force_login(user_for(Role.NATIONAL, world, django_user_model))
    return client


def test_no_page_or_api_operation_makes_more_queries_for_more_rows(world, national_client):
    grow(world, 1)
    before = counts(national_client, world)
    grow(world, 2)
    after = counts(national_client, world)
    assert len(before) > 15
    grown = {name: (before[name], after[name]) for name in before if after[name] > before[name]}
    assert grown == {}, f"queries before and after the rows grew: {grown}"


def test_an_n_plus_one_is_caught(world, national_client, monkeypatch):
    """One worklist count per institution, as the institutions panel did before it was
    batched: the test above would see the unit page's count grow."""
    progress = report_institutions.institutions_progress

    def one_query_per_institution(institutions, *, on):
        for institution in institutions:
            Institution.objects.filter(pk=institution.pk).exists()
        return progress(institutions, on=on)

    monkeypatch.setattr(report_views, "institutions_progress", one_query_per_institution)
    grow(world, 1)
    before = counts(national_client, world)
    grow(world, 2)
    after = counts(national_client, world)
    assert after["GET reports:unit"] > before["GET reports:unit"]
