"""Settings from the environment are read strictly: a typo stops the start with its name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from cancuoc.lib.env import envbool, envint, envjson, envsecret


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("Yes", True), ("off", False), ("", False)]
)
def test_booleans_are_read_in_their_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("CANCUOC_X", raw)
    assert envbool("CANCUOC_X", "false") is value


def test_a_boolean_typo_is_refused_not_read_as_false(monkeypatch):
    monkeypatch.setenv("CANCUOC_REQUIRE_2FA", "ture")
    with pytest.raises(ImproperlyConfigured, match="CANCUOC_REQUIRE_2FA='ture'"):
        envbool("CANCUOC_REQUIRE_2FA", "true")


def test_a_number_that_is_not_one_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("CANCUOC_N", "20MB")
    with pytest.raises(ImproperlyConfigured, match="CANCUOC_N='20MB'"):
        envint("CANCUOC_N", "20")
    monkeypatch.setenv("CANCUOC_N", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        envint("CANCUOC_N", "20", minimum=0)


def test_secrets_and_structured_settings_come_from_a_file(monkeypatch, tmp_path):
    gateway = tmp_path / "sms.json"
    gateway.write_text('{"url": "https://sms.example/send", "token": "s3cret"}\n')
    monkeypatch.setenv("CANCUOC_SMS_HTTP_FILE", str(gateway))
    assert envjson("CANCUOC_SMS_HTTP", None) == {
        "url": "https://sms.example/send",
        "token": "s3cret",
    }
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        envsecret("SECRET_KEY")


def test_structured_settings_that_are_not_json_are_refused(monkeypatch):
    monkeypatch.setenv("CANCUOC_UNIT_PRICES", "{kit: 1}")
    with pytest.raises(ImproperlyConfigured, match="CANCUOC_UNIT_PRICES: not valid JSON"):
        envjson("CANCUOC_UNIT_PRICES", {})
