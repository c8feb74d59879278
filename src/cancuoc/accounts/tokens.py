"""API keys: issue one (shown once), find the user behind one, revoke."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import ApiToken

# How often the "last used" time is written: not on every call, which would make each read
# a write.
LAST_USED_EVERY = timedelta(minutes=10)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user, name: str) -> str:
    """A new key for ``user``; the caller shows it once, only its hash is kept."""
    key = "cc_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=key[3:9], digest=_digest(key))
    return key


def token_user(key: str):
    """The active user behind a key that has not been revoked, or None."""
    if not key.startswith("cc_"):
        return None
    token = (
        ApiToken.objects.filter(digest=_digest(key), revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # not an audited write
    return token.user


def token_revoke(token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
