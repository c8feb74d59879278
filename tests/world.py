"""The access matrix's world, shared by the tests that ask every route: two areas (one the
users' own, one another), a person, an institution, a station with an application, a slot and
an appointment, a hand-over and a pair of probable duplicates in each; the users of every
role; how to build each route's URL and each API operation's body."""

import json  # noqa: F401
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from cancuoc.accounts.models import Assignment, Role
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.api.site import api
from cancuoc.dedup.models import MatchPair, MatchRun
from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember, UnitKind
from cancuoc.geo.selectors import unit_by_code
from cancuoc.geo.services import NewUnit, units_create
from cancuoc.intake.services import intake_record
from cancuoc.jobs.models import Job
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.registry.models import Handover, Person
from cancuoc.scheduling.models import Appointment, Slot
from tests.conftest import person_record

OWN_NAME, OTHER_NAME = "Nguyễn Văn Trong Vùng", "Trần Thị Ngoài Vùng"
OTHER_UNIT_NAME, OTHER_INSTITUTION_NAME = "Phường Ngoài Vùng", "Trường Ngoài Vùng"
PUBLIC = {"accounts:login", "accounts:logout", "accounts:totp-setup", "admin:logout"}
# The API's description (OpenAPI schema and its viewer) holds no data: open to all.
PUBLIC |= {"api:api-root", "api:openapi-json", "api:openapi-view"}
# What a slip's QR code opens: an appointment's time and place, nothing about the person
# (tests/scheduling/test_pages.py checks it).
PUBLIC |= {"scheduling:appointment-public"}
# The citizens' pages: a commune's schedule, its iCal feed and fanpage image (no person on
# them), and the lookup of one's own status by ID number and date of birth, throttled
# (tests/scheduling/test_public.py checks both).
PUBLIC |= {
    "scheduling:public-schedule",
    "scheduling:public-ical",
    "scheduling:public-post-image",
    "scheduling:lookup",
}
# The SMS provider's delivery reports: a secret in the URL, 404 without it (test_reports.py).
PUBLIC |= {"outreach:delivery-report"}
# The language switch in the page header: it sets a cookie and shows no data.
PUBLIC |= {"set_language"}
QUERY = {"ngay": "2021-04-01", "muc_dich": PURPOSES[0]}

# Where each role is assigned (a unit code, or an institution for the liaison).
ROLE_AREAS = {
    Role.NATIONAL: None,
    Role.PROVINCE_COMMAND: "38",
    Role.COMMUNE_OFFICER: "16000",
    Role.TEAM_LEADER: "16000",
    Role.STATION_OPERATOR: "16000",
    Role.JUSTICE_OFFICER: "16000",
    Role.VIEWER: "16000",
    Role.INSTITUTION_LIAISON: "institution",
}


def build_world(django_user_model) -> dict:
    """The world, on top of the ``area`` fixture's province (the ``world`` fixture)."""
    from cancuoc.registry.services import register_load

    units_create(
        [
            NewUnit("01", "Hà Nội", UnitKind.CITY, None),
            NewUnit("00004", OTHER_UNIT_NAME, UnitKind.WARD, "01"),
            NewUnit("00004001", "Tổ dân phố Ngoài", UnitKind.RESIDENTIAL_GROUP, "00004"),
        ]
    )
    own = person_record(full_name=OWN_NAME, birth_date=date(2005, 1, 1))
    other = person_record(
        full_name=OTHER_NAME, permanent_unit="00004001", birth_date=date(2005, 1, 1)
    )
    # Two more of the own area: one who has applied (the world's application), one whom the
    # API's intake operation records, so that the own person stays on every worklist.
    applied = person_record(full_name="Lê Văn Đã Nộp", birth_date=date(2005, 1, 1))
    new = person_record(full_name="Phạm Thị Mới Đến", birth_date=date(2005, 1, 1))
    # The other area's second person: the other side of its pair of probable duplicates.
    twin = person_record(full_name="Hoàng Văn Ngoài", permanent_unit="00004001")
    register_load(records=[own, other, applied, new, twin], source="matrix")
    persons = {p.full_name: p for p in Person.objects.all()}
    institutions = {}
    for key, name, unit, person in [
        ("own", "Trường Trong Vùng", "16000", persons[OWN_NAME]),
        ("other", OTHER_INSTITUTION_NAME, "00004", persons[OTHER_NAME]),
    ]:
        institution = Institution.objects.create(
            code=f"S-{key}", name=name, kind=InstitutionKind.SCHOOL, unit=unit_by_code(unit)
        )
        InstitutionMember.objects.create(institution=institution, person=person)
        institutions[key] = institution
    applications = {}
    appointments = {}
    handovers = {}
    clerk = django_user_model.objects.create_user("matrix-clerk", password="x" * 12)
    for key, unit, person in [
        ("own", "16000", persons["Lê Văn Đã Nộp"]),
        ("other", "00004", persons[OTHER_NAME]),
    ]:
        station = Station.objects.create(
            code=f"D-{key}", name=f"Điểm {key}", kind=StationKind.FIXED, unit=unit_by_code(unit)
        )
        kit = Kit.objects.create(station=station, code=f"K-{key}")
        moment = datetime(2021, 3, 20, 3, tzinfo=UTC)
        applications[key], _ = intake_record(
            operator=clerk,
            person=person,
            station=station,
            kit=kit,
            started_at=moment,
            ended_at=moment,
            accepted=True,
            idempotency_key=f"matrix-{key}",
        )
        slot = Slot.objects.create(
            station=station, starts_at=moment, ends_at=moment + timedelta(hours=1), capacity=4
        )
        appointments[key] = Appointment.objects.create(person=person, slot=slot).code
        handovers[key] = Handover.objects.create(
            person=person, from_unit=unit_by_code("16000001"), to_unit=unit_by_code(unit)
        ).pk
    run = MatchRun.objects.create(review_weight=0, auto_merge_weight=8, model={})
    pairs = {
        key: MatchPair.objects.create(
            run=run,
            left=min(a, b, key=lambda p: p.pk),
            right=max(a, b, key=lambda p: p.pk),
            match_weight=3.0,
            match_probability=0.9,
        ).pk
        for key, a, b in [
            ("own", persons[OWN_NAME], persons["Phạm Thị Mới Đến"]),
            ("other", persons[OTHER_NAME], persons["Hoàng Văn Ngoài"]),
        ]
    }
    jobs = {
        key: Job.objects.create(
            kind="imports.persons",
            target=key,
            params={"path": f"/tmp/{key}.csv", "source": key},
            unit=unit_by_code(unit),
            created_by=clerk,
        ).pk
        for key, unit in [("own", "16000"), ("other", "00004")]
    }
    return {
        "job": jobs,
        "unit": {"own": "16000", "other": "00004"},
        "pair": pairs,
        "institution": {k: i.code for k, i in institutions.items()},
        "person": {"own": persons[OWN_NAME].pk, "other": persons[OTHER_NAME].pk},
        "applicant": persons["Phạm Thị Mới Đến"].pk,
        "institutions": institutions,
        "application": {k: a.pk for k, a in applications.items()},
        "station": {"own": "D-own", "other": "D-other"},
        "appointment": appointments,
        "handover": handovers,
    }


def routes() -> list[tuple[str, object, list[str]]]:
    """(name, callback, parameter names) of every route, admin included."""
    found = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed>"
                found.append((name, pattern.callback, list(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns)
    return found


# How to fill each parameter, by route: which of the world's objects it names.
PARAMETERS = {
    "reports:unit": {"code": "unit"},
    "reports:worklist": {"code": "unit"},
    "reports:worklist-download": {"code": "unit"},
    "reports:institution": {"code": "institution"},
    "reports:reveal-id": {"pk": "person"},
    "reports:obstacle-raise": {"code": "unit"},
    "reports:weekly": {"code": "unit"},
    "api:unit": {"code": "unit"},
    "api:children": {"code": "unit"},
    "api:worklist": {"code": "unit"},
    "api:application": {"pk": "application"},
    "api:application-advance": {"pk": "application"},
    "api:station-slots": {"code": "station"},
    "api:unit-plan": {"code": "unit"},
    "api:unit-targets-split": {"code": "unit"},
    "api:station-visits": {"code": "station"},
    "scheduling:station": {"code": "station"},
    "scheduling:schedule-download": {"code": "station"},
    "scheduling:slips-download": {"code": "station"},
    "scheduling:slips-make": {"code": "station"},
    "scheduling:slips-file": {"code": "station", "pk": "job"},
    "reports:weekly-file": {"code": "unit", "pk": "job"},
    "planning:plan": {"code": "unit"},
    "reports:absent": {"code": "unit"},
    "reports:quality": {"code": "unit"},
    "reports:handover-request": {"code": "unit"},
    "reports:handover-decide": {"pk": "handover"},
    "api:unit-appointments": {"code": "unit"},
    "api:appointment": {"code": "appointment"},
    "dedup:review": {"code": "unit"},
    "dedup:review-decide": {"code": "unit", "pk": "pair"},
    "jobs:job": {"pk": "job"},
    "jobs:status": {"pk": "job"},
    "jobs:cancel": {"pk": "job"},
}
# A valid body for each API operation that takes one (else it would answer 422 before the
# scoping is reached).
BODIES = {
    "api:application-advance": {"to": "approved"},
    "api:unit-appointments": {"first": "2021-04-02", "last": "2021-04-08"},
    "api:station-slots": {"first": "2021-04-02", "last": "2021-04-03"},
    "api:station-visits": {"first": "2021-04-02", "days": 1},
    "api:applications": {
        "person": 1,
        "kit": "K-own",
        "started_at": "2021-03-21T08:00:00+07:00",
        "ended_at": "2021-03-21T08:10:00+07:00",
        "idempotency_key": "matrix-api-own",
    },
}


def api_operations() -> dict[str, list]:
    """The API's operations by route name."""
    found: dict[str, list] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                found.setdefault(f"api:{operation.url_name}", []).append(operation)
    return found


def url_for(name: str, params: list[str], world: dict, side: str) -> str:
    if name.startswith("admin:"):
        if name == "admin:<unnamed>":
            return "/admin/khong-co-trang-nay/"
        fill = {
            "object_id": world["person"][side],
            "id": world["person"][side],
            "pk": world["person"][side],
            "app_label": "registry",
            "content_type_id": ContentType.objects.get_for_model(Person).pk,
        }
        return reverse(name, kwargs={p: fill[p] for p in params})
    builders = PARAMETERS.get(name)
    if params and builders is None:
        raise AssertionError(f"no parameters for route {name}: add them to PARAMETERS")
    return reverse(name, kwargs={p: world[builders[p]][side] for p in params})


def user_for(role: Role, world: dict, django_user_model):
    user = django_user_model.objects.create_user(f"u-{role.value}", password="x" * 12)
    area = ROLE_AREAS[role]
    if area == "institution":
        Assignment.objects.create(user=user, role=role, institution=world["institutions"]["own"])
    else:
        Assignment.objects.create(user=user, role=role, unit=area and unit_by_code(area))
    return user


def body_text(response) -> str:
    kind = response.get("Content-Type", "")
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if "spreadsheetml" in kind:
        book = load_workbook(BytesIO(content))
        return " ".join(
            str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row
        )
    if "wordprocessingml" in kind:
        document = Document(BytesIO(content))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return " ".join([p.text for p in document.paragraphs] + cells)
    if "pdf" in kind:
        return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return content.decode(errors="replace")
