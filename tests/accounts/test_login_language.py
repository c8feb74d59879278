"""The login and two-factor pages speak Vietnamese unless the user chose English, errors
included; the login form keeps the names a browser's password manager (and the browser
test) fills."""

import lxml.html
from django_otp.plugins.otp_totp.models import TOTPDevice

from .test_authentication import PASSWORD, log_in, officer  # noqa: F401 (a fixture)


def form_of(response) -> lxml.html.HtmlElement:
    [form] = lxml.html.fromstring(response.content.decode()).xpath("//form[@class='login']")
    return form


def test_the_login_page_is_vietnamese_by_default_and_english_on_request(client, db):
    vi = form_of(client.get("/tai-khoan/dang-nhap/"))
    assert {"username", "password", "otp_token"} <= set(vi.xpath(".//input/@name"))
    [button] = vi.xpath(".//button[@type='submit']")
    assert button.text_content() == "Đăng nhập" and "primary" in button.get("class")
    assert "Mật khẩu" in vi.text_content() and "Mã xác thực (6 số)" in vi.text_content()
    client.cookies["django_language"] = "en"
    en = form_of(client.get("/tai-khoan/dang-nhap/"))
    assert en.xpath("string(.//button[@type='submit'])") == "Log in"
    assert "Password" in en.text_content() and "One-time code (6 digits)" in en.text_content()
    assert "Mật khẩu" not in en.text_content()


def test_a_wrong_code_is_said_in_the_language_chosen(officer, client, settings):  # noqa: F811
    settings.CANCUOC_REQUIRE_2FA = True
    # A minute's pause after a wrong code (not django-otp's one second, which a loaded
    # machine can outlast between two requests): the third request meets the pause.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    assert "Mã xác thực không đúng" in log_in(client, otp_token="000001").content.decode()
    client.cookies["django_language"] = "en"
    assert "Enter the 6-digit one-time code." in log_in(client).content.decode()
    again = log_in(client, otp_token="000001").content.decode()
    assert "Verification is paused after 1 wrong code" in again


def test_the_authenticator_page_is_english_on_request(officer, client):  # noqa: F811
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    page = client.get("/tai-khoan/xac-thuc-hai-lop/").content.decode()
    assert "Two-factor authentication" in page and "6-digit code" in page
    wrong = client.post("/tai-khoan/xac-thuc-hai-lop/", {"token": "000001"}).content.decode()
    assert "Wrong code, please try again." in wrong
