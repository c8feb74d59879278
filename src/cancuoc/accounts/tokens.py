"""API keys: issue one (shown once), find the user behind one, revoke."""

import copy
import hashlib
import secrets
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import ApiToken, Assignment
from .scope import scope_for

# How often the "last used" time is written: not on every call, which would make each read
# a write.
LAST_USED_EVERY = timedelta(minutes=10)
# A station tablet calls many times a minute: the user and area behind a key are kept in the
# worker's memory this long, instead of two queries per call. A revoked key, a deactivated user
# or a changed assignment takes effect within this time in every worker (and at once in the
# worker that made the change).
REMEMBER_SECONDS = 30.0
_remembered: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user, name: str) -> str:
    """A new key for ``user``; the caller shows it once, only its hash is kept."""
    key = "cc_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=key[3:9], digest=_digest(key))
    return key


def token_user(key: str):
    """The active user behind a key that has not been revoked, or None; with their area
    already worked out (a fresh copy per call: requests do not share a user object)."""
    if not key.startswith("cc_"):
        return None
    digest = _digest(key)
    remembered = _remembered.get(digest)
    if remembered is not None and remembered[0] > time.monotonic():
        return copy.copy(remembered[1])
    token = (
        ApiToken.objects.filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # not an audited write
    scope_for(token.user)  # computed once, kept on the user object
    with _lock:
        _remembered[digest] = (time.monotonic() + REMEMBER_SECONDS, token.user)
    return copy.copy(token.user)


def tokens_forget(**kwargs) -> None:
    """Forget every remembered key (after a revocation or a change of assignments)."""
    with _lock:
        _remembered.clear()


for _signal in (post_save, post_delete):
    for _model in (ApiToken, Assignment, settings.AUTH_USER_MODEL):
        _signal.connect(tokens_forget, sender=_model, weak=False)


def token_revoke(token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
