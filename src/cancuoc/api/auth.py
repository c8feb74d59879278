"""Who is calling: an API key (``Authorization: Bearer cc_…``) or a logged-in browser session
(with its second factor where required). Either way ``request.user`` is the caller, so the
one scoping function (accounts.scope) and the audit log see the same user as on the pages."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from cancuoc.accounts.scope import require_persons as require_persons_seen
from cancuoc.accounts.scope import scope_for
from cancuoc.accounts.tokens import token_user


class KeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class OfficerSession(SessionAuth):
    """The browser session of a logged-in officer (CSRF-checked for writes)."""

    def __call__(self, request: HttpRequest):
        if not hasattr(request, "session"):  # the API-only process keeps no sessions
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.CANCUOC_REQUIRE_2FA and not request.user.is_verified():
            return None
        return user


AUTH = [KeyAuth(), OfficerSession()]


def api_scoped(operation: Callable) -> Callable:
    """Mark an operation as keeping to the caller's area; refuse callers with no area. The
    operation reads persons and units only through :func:`scope_for`; the access matrix test
    (tests/accounts/test_access_matrix.py) checks every operation is marked and keeps to it."""

    @wraps(operation)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if scope_for(request.user).empty:
            raise HttpError(403, "chưa được phân công địa bàn / no area assigned to you")
        return operation(request, *args, **kwargs)

    wrapper.area_scoped = True
    return wrapper


def require_persons(request: HttpRequest) -> None:
    """As on the pages (the API answers PermissionDenied with 403)."""
    require_persons_seen(request.user)
