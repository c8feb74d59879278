"""The unit page tells the truth at a glance: the units behind first, a search for a unit,
the full ranking furthest behind first, the worklist with each person's procedure and
appointment; in a fixed number of queries whatever the number of units and people."""

import json
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember, UnitKind
from cancuoc.geo.selectors import unit_by_code
from cancuoc.geo.services import NewUnit, units_create
from cancuoc.intake.services import intake_record
from cancuoc.planning.models import Kit, Station, StationKind, Target
from cancuoc.registry.choices import CardKind
from cancuoc.scheduling.models import Appointment, Slot

ON = "2021-04-01"
START, DEADLINE = date(2021, 3, 1), date(2021, 6, 30)


@pytest.fixture
def officer(client, django_user_model, area):
    user = django_user_model.objects.create_user("tinh", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.PROVINCE_COMMAND, unit=unit_by_code("38"))
    client.force_login(user)
    return user


@pytest.fixture
def campaign(officer, add_person):
    """Xã Một has taken one of its two; Phường Hai none of its one, and nobody booked. A
    school in Xã Một."""
    first = add_person(full_name="Nguyễn Văn An", personal_id="038080001234")
    add_person(
        full_name="Trần Thị Đổi", card_kind=CardKind.CCCD_BARCODE, card_issued_on=date(2018, 1, 1)
    )
    add_person(full_name="Lê Văn Hai", permanent_unit="16001001")
    station = Station.objects.create(
        code="CA-XM", name="Công an Xã Một", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    kit = Kit.objects.create(station=station, code="K1")
    for code, count in [("16000", 2), ("16001", 1)]:
        Target.objects.create(unit=unit_by_code(code), count=count, start=START, deadline=DEADLINE)
    school = Institution.objects.create(
        code="T-XM", name="Trường Xã Một", kind=InstitutionKind.SCHOOL, unit=station.unit
    )
    InstitutionMember.objects.create(institution=school, person=first)
    moment = datetime(2021, 3, 30, 2, tzinfo=UTC)
    intake_record(
        operator=officer,
        person=first,
        station=station,
        kit=kit,
        started_at=moment,
        ended_at=moment,
        accepted=True,
        idempotency_key="unit-page-1",
    )
    return station


def test_the_province_leads_with_the_units_behind_then_a_search(client, campaign):
    page = client.get("/don-vi/38/", {"ngay": ON})
    html = page.content.decode()
    lagging = html[html.index('id="lagging"') : html.index('id="unit-search"')]
    assert "Phường Hai" in lagging and "Xã Một" not in lagging  # Xã Một keeps its pace
    assert html.index('id="lagging"') < html.index('id="ranking"')
    assert html.index('id="actions"') < html.index('id="progress"')  # downloads at the top
    ranking = [c.unit.code for c in page.context["children"]]
    assert ranking == ["16001", "16000"]  # furthest behind first
    row = html[html.index('id="ranking"') :]
    assert "/don-vi/16001/" in row
    # Each target is who needed a card (done + still to enrol, from the rollups): one column.
    assert [(c.done, c.left, c.eligible) for c in page.context["children"]] == [
        (0, 1, 1),
        (1, 1, 2),
    ]
    assert page.context["target_is_eligible"]
    client.cookies["django_language"] = "en"
    english = client.get("/don-vi/38/", {"ngay": ON}).content.decode()
    assert "Units behind schedule" in english and "Find a unit (name or code)" in english
    assert "Download the worklist (XLSX)" in english


def test_a_target_equal_to_the_eligible_count_is_one_column(client, campaign):
    html = client.get("/don-vi/38/", {"ngay": ON}).content.decode()
    ranking = html[html.index('id="ranking"') : html.index("</table>", html.index('id="ranking"'))]
    assert "Chỉ tiêu (= cần cấp thẻ)" in ranking and ">Cần cấp thẻ<" not in ranking
    assert "nên chỉ hiện một cột" in html


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("phuong hai", ["Phường Hai"]),
        ("XÃ MỘT", ["Xã Một"]),
        ("16000", ["Xã Một", "Thôn 1", "Thôn 2"]),
    ],
)
def test_a_unit_is_found_by_name_without_diacritics_or_by_code(client, campaign, typed, found):
    page = client.get("/don-vi/38/", {"ngay": ON, "tim": typed})
    assert [u.name for u in page.context["search"]["found"]] == found
    assert f'href="/don-vi/{page.context["search"]["found"][0].code}/' in page.content.decode()


def test_the_search_keeps_to_the_users_area(client, django_user_model, campaign):
    user = django_user_model.objects.create_user("xa", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    client.force_login(user)
    page = client.get("/don-vi/16000/", {"ngay": ON, "tim": "phuong"})
    assert page.context["search"]["found"] == []
    assert "Không tìm thấy đơn vị nào" in page.content.decode()


def test_the_chart_has_days_for_the_language_and_named_series(client, campaign):
    page = client.get("/don-vi/16000/", {"ngay": ON})
    data = page.context["chart"]
    assert data["days"] == ["2021-03-30"] and data["labels"] == ["30/03"]
    assert data["series"] == {
        "captured": "Hồ sơ thu nhận",
        "remaining": "Còn lại",
        "forecast": "Dự báo",
    }
    client.cookies["django_language"] = "en"
    page = client.get("/don-vi/16000/", {"ngay": ON})
    html = page.content.decode()
    embedded = json.loads(html.split('id="chart-data" type="application/json">')[1].split("<")[0])
    assert embedded["labels"] == ["30 Mar"] and embedded["series"]["remaining"] == "Left"


def test_the_worklist_shows_the_procedure_and_the_appointment(client, campaign):
    changer = client.get("/don-vi/16000001/", {"ngay": ON})
    slot = Slot.objects.create(
        station=campaign,
        starts_at=datetime(2021, 4, 5, 1, 30, tzinfo=UTC),
        ends_at=datetime(2021, 4, 5, 2, 0, tzinfo=UTC),
        capacity=4,
    )
    [row] = [r for r in changer.context["rows"] if r["full_name"] == "Trần Thị Đổi"]
    Appointment.objects.create(person_id=row["pk"], slot=slot)
    html = client.get("/don-vi/16000001/", {"ngay": ON}).content.decode()
    worklist = html[html.index('id="worklist"') :]
    assert "Cấp đổi" in worklist and "05/04/2021 08:30–09:00" in worklist
    assert "Công an Xã Một" in worklist
    answer = client.get(
        "/don-vi/16000/danh-sach.xlsx",
        {"ngay": ON, "muc_dich": "Lập kế hoạch thu nhận, hẹn lịch"},
    )
    sheet = load_workbook(BytesIO(b"".join(answer.streaming_content))).active
    headers = [c.value for c in sheet[2]]
    [row] = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1] == "Trần Thị Đổi"]
    values = dict(zip(headers, row, strict=True))
    assert values["Nhu cầu"] == "Cấp đổi"
    assert values["Ngày sinh"] == datetime(1980, 5, 10)  # a date, not text
    assert values["Ngày hẹn"] == datetime(2021, 4, 5)
    assert (values["Giờ hẹn"], values["Điểm thu nhận"]) == ("08:30–09:00", "Công an Xã Một")


def _queries(client, code: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/don-vi/{code}/", {"ngay": ON}).status_code == 200
    return len(captured.captured_queries)


def _more_of_everything(add_person) -> None:
    """A third commune with its target, an institution in each commune, more people."""
    units_create(
        [
            NewUnit("16002", "Xã Ba", UnitKind.COMMUNE, "38"),
            NewUnit("16002001", "Thôn Ba", UnitKind.VILLAGE, "16002"),
        ]
    )
    Target.objects.create(unit=unit_by_code("16002"), count=3, start=START, deadline=DEADLINE)
    for n, code in enumerate(["16000", "16001", "16002"]):
        school = Institution.objects.create(
            code=f"T{n}", name=f"Trường {n}", kind=InstitutionKind.SCHOOL, unit=unit_by_code(code)
        )
        InstitutionMember.objects.create(
            institution=school, person=add_person(full_name=f"Học Sinh {n}")
        )
    for n in range(3):
        add_person(full_name=f"Người Ba {n}", permanent_unit="16002001")


@pytest.mark.parametrize(("code", "most"), [("16000001", 22), ("16000", 37), ("38", 30)])
def test_the_unit_page_reads_a_fixed_number_of_queries(
    client, campaign, add_person, django_assert_max_num_queries, code, most
):
    before = _queries(client, code)
    _more_of_everything(add_person)
    assert _queries(client, code) == before  # more units, institutions, people: no more reads
    with django_assert_max_num_queries(most):
        client.get(f"/don-vi/{code}/", {"ngay": ON})


def test_the_ranking_shows_a_target_column_only_where_a_unit_has_a_target(client, campaign):
    html = client.get("/don-vi/16000/", {"ngay": ON}).content.decode()  # villages: no targets
    ranking = html[html.index('id="ranking"') : html.index("</table>", html.index('id="ranking"'))]
    assert ">Chỉ tiêu<" not in ranking and ">Cần cấp thẻ<" in ranking
    assert ranking.count("<td") == 2 * 4 and "—" in ranking  # Thôn 2: nobody needs a card
