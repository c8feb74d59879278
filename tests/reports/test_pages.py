from datetime import date
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code


@pytest.fixture
def officer(client, area):
    user = get_user_model().objects.create_user("canbo", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.PROVINCE_COMMAND, unit=unit_by_code("38"))
    client.force_login(user)
    return user


def test_pages_ask_for_a_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_home_goes_to_the_only_province(officer, client, add_person):
    add_person()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/don-vi/38/"


def test_the_province_page_ranks_its_communes_by_progress(officer, client, add_person):
    from cancuoc.intake.services import intake_record
    from cancuoc.planning.models import Kit, Station, Target
    from tests.intake.conftest import at

    person = add_person(personal_id="038080001234")
    add_person(permanent_unit="16001001", personal_id="038080001235")
    station = Station.objects.create(
        code="S", name="Điểm 1", kind="fixed", unit=unit_by_code("16000")
    )
    kit = Kit.objects.create(station=station, code="K1")
    Target.objects.create(
        unit=unit_by_code("16000"), count=2, start=date(2021, 3, 1), deadline=date(2021, 6, 30)
    )
    intake_record(
        operator=officer,
        person=person,
        station=station,
        kit=kit,
        started_at=at(date(2021, 3, 30)),
        ended_at=at(date(2021, 3, 30), 9, 10),
        accepted=True,
        idempotency_key="a1",
    )
    page = client.get("/don-vi/38/", {"ngay": "2021-04-01"})
    assert page.status_code == 200
    ranking = [(c.unit.code, c.done, c.share_of_target) for c in page.context["children"]]
    assert ranking == [("16000", 1, 0.5), ("16001", 0, None)]
    assert page.context["progress"].done == 1
    commune = client.get("/don-vi/16000/", {"ngay": "2021-04-01"})
    assert commune.context["progress"].forecast_done_on is not None
    village = client.get("/don-vi/16000001/", {"ngay": "2021-04-01"})
    assert village.context["summary"] == {"total": 0, "first": 0, "hard": 0}
    assert "Xã Một" in page.content.decode()


def test_a_village_page_lists_people_with_masked_ids(officer, client, add_person):
    add_person(full_name="Nguyễn Văn An", personal_id="038080001234")
    add_person(full_name="Lê Văn Không Số", phone="")
    page = client.get("/don-vi/16000001/", {"ngay": "2021-04-01"})
    html = page.content.decode()
    assert page.context["summary"] == {"total": 2, "first": 2, "hard": 1}
    assert "Nguyễn Văn An" in html
    assert "038080001234" not in html and "1234" in html


def test_the_worklist_downloads_as_xlsx(officer, client, add_person):
    add_person(full_name="Nguyễn Văn An")
    response = client.get(
        "/don-vi/16000/danh-sach.xlsx",
        {"ngay": "2021-04-01", "muc_dich": "Lập kế hoạch thu nhận, hẹn lịch"},
    )
    assert response.status_code == 200
    assert "danh-sach-16000-20210401.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert [row[1] for row in book.active.iter_rows(min_row=3, values_only=True)] == [
        "Nguyễn Văn An"
    ]


def test_an_unknown_unit_is_404(officer, client):
    assert client.get("/don-vi/99999/").status_code == 404
