"""Above the village, the dashboard and the plan read their figures from the rollups, never
from the register: no query of theirs touches persons, cards, residences, applications,
their events or the members of institutions (issue 16)."""

import re
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.services import intake_record
from cancuoc.planning.models import Kit, Station, StationKind, Target

ON = "2021-04-01"
REGISTER = re.compile(
    r"\b(registry_person|registry_card|registry_residence|intake_application|intake_cardevent"
    r"|geo_institutionmember)\b"
)


@pytest.fixture
def campaign(client, django_user_model, add_person):
    officer = django_user_model.objects.create_user("tinh", password="x" * 12)
    Assignment.objects.create(user=officer, role=Role.PROVINCE_COMMAND, unit=unit_by_code("38"))
    client.force_login(officer)
    people = [add_person(full_name=f"Người {n}") for n in range(3)]
    add_person(full_name="Người Phường", permanent_unit="16001001")
    station = Station.objects.create(
        code="CA-XM", name="Công an Xã Một", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    kit = Kit.objects.create(station=station, code="K1")
    Target.objects.create(
        unit=unit_by_code("16000"), count=3, start=date(2021, 3, 1), deadline=date(2021, 6, 30)
    )
    school = Institution.objects.create(
        code="T-XM", name="Trường Xã Một", kind=InstitutionKind.SCHOOL, unit=station.unit
    )
    InstitutionMember.objects.create(institution=school, person=people[0])
    moment = datetime(2021, 3, 30, 2, tzinfo=UTC)
    intake_record(
        operator=officer,
        person=people[0],
        station=station,
        kit=kit,
        started_at=moment,
        ended_at=moment,
        accepted=True,
        idempotency_key="rollups-only-1",
    )


@pytest.mark.parametrize("url", ["/don-vi/38/", "/don-vi/38/ke-hoach/", "/don-vi/16000/ke-hoach/"])
def test_the_page_reads_no_register_table(client, campaign, url):
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url, {"ngay": ON})
    assert page.status_code == 200
    assert [q["sql"] for q in captured.captured_queries if REGISTER.search(q["sql"])] == []


def test_the_figures_are_the_rollups(client, campaign):
    page = client.get("/don-vi/38/", {"ngay": ON})
    status = page.context["progress"]
    assert (status.done, status.left, status.eligible) == (1, 3, 4)
    children = {c.unit.code: (c.done, c.left) for c in page.context["children"]}
    assert children == {"16000": (1, 2), "16001": (0, 1)}
    [school] = page.context["institutions"]
    assert (school.members, school.applied, school.left, school.percent) == (1, 1, 0, 100)
