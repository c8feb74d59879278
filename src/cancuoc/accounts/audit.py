"""The audit log: append-only and hash-chained.

Each event stores the hash of the one before it and its own hash over its content, so that
changing or removing any row breaks the chain at that row; ``cancuoc audit verify`` walks it.
On PostgreSQL a trigger also refuses UPDATE, DELETE and TRUNCATE of the table (migration 0002).
"""

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEvent

GENESIS = "0" * 64
# The request being served, so that writes made deep in services know who made them.
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def _content(event: AuditEvent) -> str:
    return json.dumps(
        [
            event.at.isoformat(), event.user_id, event.username, event.action,
            event.object_type, event.object_id, event.detail, event.purpose, event.ip,
            event.previous_hash,
        ],
        ensure_ascii=False, sort_keys=True, default=str,
    )  # fmt: skip


def _hash(event: AuditEvent) -> str:
    return hashlib.sha256(_content(event).encode()).hexdigest()


@transaction.atomic(savepoint=False)  # inside a caller's transaction: part of it, no savepoint
def audit_record(
    *,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    detail: dict | None = None,
    purpose: str = "",
    user: Any = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event. Who and from where come from ``request`` (or the request being
    served); never put a full ID number or a name in ``detail``."""
    request = request or current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # one writer at a time extends the chain
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('cancuoc_audit'))")
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        at=timezone.now(),
        user=user,
        username=user.get_username() if user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail or {},
        purpose=purpose,
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
        previous_hash=last or GENESIS,
    )
    event.hash = _hash(event)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify() -> VerifyResult:
    """Recompute the chain; name the first row whose content or link does not match."""
    previous = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=5000):
        if event.previous_hash != previous:
            return VerifyResult(
                checked,
                event.pk,
                "liên kết với dòng trước bị đứt / the link to the previous row broke",
            )
        if _hash(event) != event.hash:
            return VerifyResult(
                checked, event.pk, "nội dung đã bị sửa / the row's content was changed"
            )
        previous = event.hash
        checked += 1
    return VerifyResult(checked)
