import os
import secrets
import subprocess
import sys

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.geo.selectors import unit_by_code

PASSWORD = "mat-khau-du-dai-2021"


@pytest.fixture
def officer(area, django_user_model):
    user = django_user_model.objects.create_user("canbo", password=PASSWORD)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    return user


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(client, **fields):
    return client.post(
        "/tai-khoan/dang-nhap/", {"username": "canbo", "password": PASSWORD, **fields}
    )


def test_with_two_factors_required_a_device_code_is_needed(officer, client, settings):
    settings.CANCUOC_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    refused = log_in(client)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    response = log_in(client, otp_token=code_for(device))
    assert response.status_code == 302
    assert client.get("/don-vi/16000/").status_code == 200
    assert AuditEvent.objects.filter(action="login", username="canbo").exists()


def test_a_wrong_code_is_refused(officer, client, settings):
    settings.CANCUOC_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert log_in(client, otp_token=wrong).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_user_without_a_device_is_refused_when_two_factors_are_required(
    officer, client, settings
):
    settings.CANCUOC_REQUIRE_2FA = True
    response = log_in(client)
    assert "xác thực hai lớp" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_password_session_is_not_enough_for_pages_when_two_factors_are_required(
    officer, client, settings
):
    settings.CANCUOC_REQUIRE_2FA = True
    client.force_login(officer)
    response = client.get("/don-vi/16000/")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_setting_up_the_authenticator_app(officer, client, settings):
    client.force_login(officer)
    page = client.get("/tai-khoan/xac-thuc-hai-lop/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    response = client.post("/tai-khoan/xac-thuc-hai-lop/", {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_repeated_failed_logins_lock_the_account_out(officer, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/tai-khoan/dang-nhap/", {"username": "canbo", "password": "sai"})
    locked = log_in(client)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_short_passwords_are_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("ngan-qua")


def test_pages_carry_a_content_security_policy(client, db):
    response = client.get("/tai-khoan/dang-nhap/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    env = {
        **os.environ,
        "CANCUOC_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cancuoc.example.vn",
        "CANCUOC_DB_PATH": str(tmp_path / "deploy.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "cancuoc.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "CANCUOC_ENV": "production", "CANCUOC_DB_PATH": str(tmp_path / "x")}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "cancuoc.cli", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
