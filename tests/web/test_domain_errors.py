"""What a rule refuses is answered in one place: a page asked with GET shows the message with
the error's status, a form's POST goes back to its page with the message, never to another
site."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from cancuoc.lib.errors import DomainError, NotFoundError
from cancuoc.web.errors import DomainErrorMiddleware


def _request(method: str, **headers):
    request = getattr(RequestFactory(), method)("/thu-nhan/ghi/", headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def answer(request, error):
    return DomainErrorMiddleware(lambda r: None).process_exception(request, error)


@pytest.mark.parametrize(
    ("error", "status"),
    [(DomainError("Đã ghi rồi."), 409), (NotFoundError("Không có đơn vị 999."), 404)],
)
def test_a_page_shows_the_refusal_with_its_status(db, error, status):
    response = answer(_request("get"), error)
    assert response.status_code == status
    assert str(error) in response.content.decode()


def test_a_form_goes_back_to_the_page_its_view_named_with_the_message(db):
    request = _request("post", referer="http://testserver/elsewhere/")
    request.back_to = "/thu-nhan/?diem=CA-XM&trang=2"
    response = answer(request, DomainError("Chưa đủ 14 tuổi: cần xác nhận."))
    assert response.status_code == 302 and response["Location"] == request.back_to
    assert [str(m) for m in get_messages(request)] == ["Chưa đủ 14 tuổi: cần xác nhận."]


def test_a_form_goes_back_to_its_referer_on_this_site_only(db):
    here = answer(_request("post", referer="http://testserver/don-vi/16000/"), DomainError("x"))
    assert here["Location"] == "http://testserver/don-vi/16000/"
    away = answer(_request("post", referer="https://evil.example/phish"), DomainError("x"))
    assert away["Location"] == "/"


def test_other_exceptions_are_left_to_django(db):
    assert answer(_request("post"), ValueError("a bug")) is None
