import pytest

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.models import Application
from cancuoc.reports.models import DailyRollup
from cancuoc.reports.rollups import local_day


@pytest.fixture
def operator_in(station, client, django_user_model):
    user = django_user_model.objects.create_user("thunhan-xm", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.STATION_OPERATOR, unit=unit_by_code("16000"))
    client.force_login(user)
    return user


def test_an_operator_finds_a_person_by_name_and_records_the_application(
    add_person, operator_in, client
):
    person = add_person(full_name="Lê Thị Hoà", personal_id="038180001234", sex="F")
    add_person(full_name="Lê Thị Hoà", permanent_unit="16001001")  # another commune
    page = client.get("/thu-nhan/", {"q": "lê thị hòa"})  # the other tone placement
    html = page.content.decode()
    assert html.count("Lê Thị Hoà") == 1 and "038180001234" not in html
    form = {"person": person.pk, "kit": "KIT-1", "key": "abc", "started": "", "outcome": "accept"}
    assert client.post("/thu-nhan/ghi/", form).status_code == 302
    assert client.post("/thu-nhan/ghi/", form).status_code == 302  # the retry of a flaky network
    assert Application.objects.filter(person=person).count() == 1
    day = local_day(Application.objects.get().started_at)
    assert DailyRollup.objects.get(unit=unit_by_code("38"), day=day).captured == 1
    assert client.get("/thu-nhan/", {"q": "038180001234"}).content.decode().count("Đã thu nhận")


def test_a_person_outside_the_area_cannot_be_recorded(add_person, operator_in, client):
    outsider = add_person(permanent_unit="16001001")
    form = {"person": outsider.pk, "kit": "KIT-1", "key": "k", "outcome": "accept"}
    assert client.post("/thu-nhan/ghi/", form).status_code == 400
    assert not Application.objects.exists()
