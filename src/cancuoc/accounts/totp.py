"""The second factor: the authenticator app's QR code, the administrator's one-time
enrolment codes, and sessions made before the second factor was required.

Where the second factor is required, an officer without an authenticator app logs in with
their password and an enrolment code an administrator issued (``cancuoc token enrol USER``);
that session may only set up the app. A session made while the second factor was not
required (or before this rule) is ended on its next request: whoever holds it logs in again.
"""

import hashlib
import secrets
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

# Set at every login: whether the second factor was required then.
SESSION_POLICY = "cancuoc_2fa_required"
# Set by a login with an enrolment code: this session may set up the app (and nothing else).
SESSION_ENROLMENT = "cancuoc_2fa_enrolment"
# The app this session is setting up (its QR code was shown to this session only).
SESSION_DEVICE = "cancuoc_2fa_device"
ENROLMENT_DEVICE = "enrolment"


def qr_svg(text: str) -> str:
    """An inline SVG QR code (no image served, nothing sent to a third party)."""
    return segno.make(text, error="m").svg_inline(scale=5)


def _digest(code: str) -> str:
    """What is kept of a code (django-otp's token column holds 16 characters)."""
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()[:16]


def enrolment_code_issue(user) -> str:
    """A new one-time enrolment code for ``user`` (printed once; only a hash is kept),
    replacing any earlier one. An unconfirmed StaticDevice, which django-otp's own checks
    ignore: it verifies nothing but the enrolment."""
    StaticDevice.objects.filter(user=user, name=ENROLMENT_DEVICE).delete()
    device = StaticDevice.objects.create(user=user, name=ENROLMENT_DEVICE, confirmed=False)
    code = "-".join(secrets.token_hex(3) for _ in range(3))
    device.token_set.create(token=_digest(code))
    return code


def looks_like_an_enrolment_code(token: str) -> bool:
    """Enrolment codes are 3 groups of 6 hex digits joined by dashes; the app's codes are 6
    decimal digits."""
    return "-" in token or len(token.strip()) > 8


def enrolment_code_use(user, code: str) -> bool:
    """Whether ``code`` is the user's unexpired enrolment code; a right one is used up, wrong
    ones count towards django-otp's throttle of the device."""
    device = StaticDevice.objects.filter(user=user, name=ENROLMENT_DEVICE).first()
    if device is None:
        return False
    valid_for = timedelta(hours=settings.CANCUOC_ENROLMENT_CODE_HOURS)
    if device.created_at is None or timezone.now() - device.created_at > valid_for:
        device.delete()
        return False
    if not device.verify_token(_digest(code)):
        return False
    device.delete()
    return True


def session_is_stale(request: HttpRequest) -> bool:
    """A logged-in session made while the second factor was not required, where it now is."""
    return (
        settings.CANCUOC_REQUIRE_2FA
        and SESSION_KEY in request.session
        and not request.session.get(SESSION_POLICY, False)
    )


def _remember_policy(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_POLICY] = bool(settings.CANCUOC_REQUIRE_2FA)


user_logged_in.connect(_remember_policy, dispatch_uid="cancuoc_2fa_policy")


class StaleSessionMiddleware:
    """Ends a stale session (:func:`session_is_stale`) before anything reads its user: pages,
    the API and the admin then see an anonymous caller, who is sent to log in. Goes after
    the authentication middleware and before django-otp's. Reads only the session."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if hasattr(request, "session") and session_is_stale(request):
            logout(request)
        return self.get_response(request)
