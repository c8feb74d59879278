"""The admin is for national administrators: anyone else logged in gets a refusal, not a
loop between the admin's login and the site's (issue 15, item 10)."""

import pytest

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code


@pytest.fixture
def commune_staff(area, django_user_model):
    user = django_user_model.objects.create_user("xa", password="x" * 12, is_staff=True)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    return user


def test_a_non_national_staff_user_gets_a_refusal_from_the_admin_not_a_loop(commune_staff, client):
    client.force_login(commune_staff)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_someone_logged_out_is_sent_to_the_sites_login(client, db):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/tai-khoan/dang-nhap/?next=")


def test_a_session_without_its_second_factor_is_sent_to_log_in_not_around(
    commune_staff, client, settings
):
    settings.CANCUOC_REQUIRE_2FA = True
    Assignment.objects.filter(user=commune_staff).update(role=Role.NATIONAL, unit=None)
    client.force_login(commune_staff)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200 and b'name="otp_token"' in response.content


def test_a_national_administrator_reaches_the_admin(client, django_user_model, area):
    user = django_user_model.objects.create_user("qg", password="x" * 12, is_staff=True)
    Assignment.objects.create(user=user, role=Role.NATIONAL)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
