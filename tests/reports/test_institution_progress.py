"""An institution's progress against its own deadline, on its page and the unit's dashboard."""

from datetime import UTC, date, datetime

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.services import intake_record
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.reports.institutions import institutions_progress

ON = date(2021, 4, 20)


def test_an_agency_shows_members_applied_and_left_against_its_deadline(
    client, django_user_model, add_person
):
    agency = Institution.objects.create(
        code="UBND-XM",
        name="UBND Xã Một",
        kind=InstitutionKind.AGENCY,
        unit=unit_by_code("16000"),
        deadline=date(2021, 4, 30),
    )
    staff = [add_person(full_name=f"Cán bộ {n}") for n in range(3)]
    for person in staff:
        InstitutionMember.objects.create(institution=agency, person=person)
    station = Station.objects.create(
        code="CA-XM", name="Công an Xã Một", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    kit = Kit.objects.create(station=station, code="K1")
    clerk = django_user_model.objects.create_user("clerk", password="x" * 12)
    moment = datetime(2021, 4, 15, 2, tzinfo=UTC)
    intake_record(
        operator=clerk,
        person=staff[0],
        station=station,
        kit=kit,
        started_at=moment,
        ended_at=moment,
        accepted=True,
        idempotency_key="agency-1",
    )
    [figures] = institutions_progress(Institution.objects.all(), on=ON)
    assert (figures.members, figures.applied, figures.left, figures.percent) == (3, 1, 2, 33)

    officer = django_user_model.objects.create_user("cs", password="x" * 12)
    Assignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    client.force_login(officer)
    page = client.get("/don-vi/16000/", {"ngay": ON.isoformat()}).content.decode()
    row = page[page.index('id="institutions"') :]
    assert "UBND Xã Một" in row and "30/04/2021" in row
    agency_page = client.get("/co-quan/UBND-XM/", {"ngay": ON.isoformat()}).content.decode()
    assert "33%" in agency_page and "hạn hoàn thành 30/04/2021" in agency_page


def test_institutions_are_counted_in_two_queries_however_many(
    add_person, django_assert_num_queries
):
    for n in range(5):
        school = Institution.objects.create(
            code=f"S{n}",
            name=f"Trường {n}",
            kind=InstitutionKind.SCHOOL,
            unit=unit_by_code("16000"),
        )
        InstitutionMember.objects.create(institution=school, person=add_person())
    with django_assert_num_queries(2):
        figures = institutions_progress(Institution.objects.all(), on=ON)
    assert [(f.members, f.applied, f.left) for f in figures] == [(1, 0, 1)] * 5
