"""Setting up the second factor where it is required: only with an administrator's one-time
enrolment code; a session made before the second factor was required is ended (issue 15,
item 7: such a session could enrol its own device, then reach officer pages and the API)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.accounts.totp import SESSION_DEVICE, enrolment_code_issue
from cancuoc.geo.selectors import unit_by_code
from tests.accounts.test_authentication import PASSWORD, code_for, log_in

SETUP = "/tai-khoan/xac-thuc-hai-lop/"
LOGIN = "/tai-khoan/dang-nhap/"


@pytest.fixture
def officer(area, django_user_model):
    user = django_user_model.objects.create_user("canbo", password=PASSWORD)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    return user


@pytest.fixture
def stale_session(officer, client, settings):
    """Logged in while the second factor was off; then it was turned on."""
    settings.CANCUOC_REQUIRE_2FA = False
    client.force_login(officer)
    settings.CANCUOC_REQUIRE_2FA = True
    return client


def _set_up_the_app(client) -> TOTPDevice:
    page = client.get(SETUP)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(pk=client.session[SESSION_DEVICE])
    assert client.post(SETUP, {"token": code_for(device)}).status_code == 302
    device.refresh_from_db()
    return device


def test_a_stale_session_cannot_enrol_a_device(stale_session, officer):
    response = stale_session.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in stale_session.session
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_a_stale_session_cannot_reach_officer_pages_or_the_api(stale_session):
    page = stale_session.get("/don-vi/16000/")
    assert page.status_code == 302 and page["Location"].startswith(LOGIN)
    assert stale_session.get("/api/v1/me").status_code == 401


def test_a_stale_session_with_a_verified_device_is_ended_too(officer, client, settings):
    settings.CANCUOC_REQUIRE_2FA = False
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    assert log_in(client, otp_token=code_for(device)).status_code == 302
    settings.CANCUOC_REQUIRE_2FA = True
    assert client.get("/api/v1/me").status_code == 401
    assert "_auth_user_id" not in client.session


def test_a_fresh_password_session_without_a_code_cannot_enrol(officer, client, settings):
    settings.CANCUOC_REQUIRE_2FA = True
    client.force_login(officer)
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_with_an_enrolment_code_an_officer_sets_up_the_app_then_reaches_pages_and_the_api(
    officer, client, settings
):
    settings.CANCUOC_REQUIRE_2FA = True
    out = io.StringIO()
    call_command("token", "enrol", "canbo", stdout=out)
    code = out.getvalue().strip()
    response = log_in(client, otp_token=code)
    assert response.status_code == 302 and response["Location"] == SETUP
    # Logged in with the code only: no page, no API, until the app is set up.
    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/don-vi/16000/", follow=True)
    assert page.redirect_chain[-1][0] == SETUP
    device = _set_up_the_app(client)
    assert device.confirmed
    assert client.get("/don-vi/16000/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"2fa_enrolment_code_issued", "2fa_enrolment_code_used", "totp_confirmed"} <= actions


def test_an_enrolment_code_works_once(officer, client, settings):
    settings.CANCUOC_REQUIRE_2FA = True
    code = enrolment_code_issue(officer)
    assert log_in(client, otp_token=code).status_code == 302
    client.logout()
    again = log_in(client, otp_token=code)
    assert again.status_code == 200 and "_auth_user_id" not in client.session
    assert "Mã cài đặt không đúng" in again.content.decode()


def test_a_new_code_replaces_the_earlier_one_and_codes_expire(officer, client, settings):
    settings.CANCUOC_REQUIRE_2FA = True
    first = enrolment_code_issue(officer)
    second = enrolment_code_issue(officer)
    assert log_in(client, otp_token=first).status_code == 200
    StaticDevice.objects.filter(user=officer).update(
        created_at=timezone.now() - timedelta(hours=settings.CANCUOC_ENROLMENT_CODE_HOURS + 1)
    )
    assert log_in(client, otp_token=second).status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_enrolment_code_is_not_a_second_factor_for_django_otp(officer):
    """The code's device is unconfirmed: django-otp's own checks (the admin's, a form's
    match_token) never accept it as a login's second factor."""
    from django_otp import match_token, user_has_device

    code = enrolment_code_issue(officer)
    assert not user_has_device(officer) and match_token(officer, code) is None


def test_an_app_half_set_up_by_another_session_is_not_reused(officer, client, settings):
    """Its secret was shown to whoever opened that session."""
    settings.CANCUOC_REQUIRE_2FA = True
    earlier = TOTPDevice.objects.create(user=officer, name="app", confirmed=False)
    log_in(client, otp_token=enrolment_code_issue(officer))
    device = _set_up_the_app(client)
    assert device.pk != earlier.pk and not TOTPDevice.objects.filter(pk=earlier.pk).exists()


def test_with_an_enrolment_code_a_lost_app_is_replaced(officer, client, settings):
    settings.CANCUOC_REQUIRE_2FA = True
    lost = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    log_in(client, otp_token=enrolment_code_issue(officer))
    device = _set_up_the_app(client)
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
