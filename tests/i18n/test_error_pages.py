"""Error pages in the user's language, inside the site's frame, with a way on."""

import pytest

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code


@pytest.fixture
def officer(area, django_user_model):
    user = django_user_model.objects.create_user("xa-mot", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    return user


def test_a_page_that_does_not_exist_says_so_in_vietnamese_then_english(client):
    page = client.get("/khong-co-trang-nay/")
    assert page.status_code == 404
    text = page.content.decode()
    assert 'lang="vi"' in text and "Không tìm thấy trang này" in text and "/tra-cuu/" in text
    client.cookies["django_language"] = "en"
    text = client.get("/khong-co-trang-nay/").content.decode()
    assert 'lang="en"' in text and "Page not found" in text and "Không tìm thấy" not in text


def test_another_area_is_refused_in_the_users_language(client, officer):
    client.force_login(officer)
    page = client.get("/don-vi/16001/")
    assert page.status_code == 403
    assert "Bạn không có quyền làm việc này" in page.content.decode()
    client.cookies["django_language"] = "en"
    assert "You are not allowed to do this" in client.get("/don-vi/16001/").content.decode()
