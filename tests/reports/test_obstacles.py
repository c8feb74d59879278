"""Raising an obstacle from a unit's page: what the form refuses, it says, and stores nothing
(a 200,000-character title went into a 255 column on SQLite; a blank one answered 403)."""

import pytest

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.reports.models import Obstacle

URL = "/don-vi/16000/kho-khan/"


@pytest.fixture
def officer(client, django_user_model, area):
    user = django_user_model.objects.create_user("xa", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    client.force_login(user)
    return user


def test_an_obstacle_is_recorded_and_said_so(officer, client):
    page = client.post(URL, {"title": "Mất điện cả ngày"}, follow=True)
    assert page.status_code == 200
    assert "Đã ghi nhận khó khăn, vướng mắc." in page.content.decode()
    assert Obstacle.objects.get().title == "Mất điện cả ngày"


@pytest.mark.parametrize(
    ("title", "says"),
    [
        ("x" * 200_000, "dài quá 255 ký tự (đang có 200000)"),
        ("", "Cần ghi nội dung khó khăn, vướng mắc."),
        ("Mất điện\u202e ở thôn", "U+202E"),
        ("Mất\x00 điện", "U+0000"),
        ("Mất điện\u2066", "U+2066"),
    ],
    ids=["too-long", "blank", "right-to-left-override", "nul", "isolate"],
)
def test_a_bad_title_is_refused_with_a_message_and_nothing_stored(officer, client, title, says):
    page = client.post(URL, {"title": title}, follow=True)
    assert page.status_code == 200
    assert says in page.content.decode()
    assert not Obstacle.objects.exists()


def test_a_detail_may_have_lines_but_no_control_characters(officer, client):
    client.post(URL, {"title": "Thiếu máy", "detail": "dòng một\r\ndòng hai"})
    assert Obstacle.objects.get().detail == "dòng một\r\ndòng hai"
    client.post(URL, {"title": "Thiếu người", "detail": "dòng một\x1bdòng hai"})
    assert Obstacle.objects.count() == 1
