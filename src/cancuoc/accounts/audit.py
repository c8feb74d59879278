"""The audit log: append-only and hash-chained.

Each event stores the hash of the one before it and its own hash over its content, so that
changing or removing any row breaks the chain at that row; ``cancuoc audit verify`` walks it.
On PostgreSQL a trigger also refuses UPDATE, DELETE and TRUNCATE of the table (migration 0002).
"""

import gzip
import hashlib
import json
import os
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditCheckpoint, AuditEvent

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
    """Recompute the chain from its start (or from the last archive checkpoint); name the
    first row whose content or link does not match."""
    checkpoint = AuditCheckpoint.objects.order_by("-upto_id").first()
    previous = checkpoint.upto_hash if checkpoint else GENESIS
    checked = 0
    events = AuditEvent.objects.order_by("id")
    if checkpoint:
        events = events.filter(id__gt=checkpoint.upto_id)
    for event in events.iterator(chunk_size=5000):
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


@dataclass(frozen=True)
class PruneResult:
    rows: int
    archive: Path | None = None


def _row(event: AuditEvent) -> dict:
    return {
        "id": event.pk, "at": event.at.isoformat(), "user_id": event.user_id,
        "username": event.username, "action": event.action, "object_type": event.object_type,
        "object_id": event.object_id, "detail": event.detail, "purpose": event.purpose,
        "ip": event.ip, "previous_hash": event.previous_hash, "hash": event.hash,
    }  # fmt: skip


def audit_prune(*, before: datetime, archive_dir: Path) -> PruneResult:
    """Move the audit rows older than ``before`` to a gzip'd JSON-lines archive (every field,
    hashes included, so the archive can be verified on its own), record a checkpoint with the
    last archived hash and the archive's SHA-256, then delete them. The file is written and
    synced before anything is deleted, and all of it happens in one transaction: a crash
    leaves either the rows or the archive and its checkpoint."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('cancuoc_audit'))")
        old = list(AuditEvent.objects.filter(at__lt=before).order_by("id"))
        if not old:
            return PruneResult(0)
        last = old[-1]
        if AuditEvent.objects.filter(id__lt=last.pk, at__gte=before).exists():
            raise ValueError("audit rows are out of time order; nothing archived")
        archive_dir.mkdir(parents=True, exist_ok=True)
        path = archive_dir / f"audit-{old[0].pk:012d}-{last.pk:012d}.jsonl.gz"
        partial = path.with_suffix(".partial")
        with gzip.open(partial, "wt", encoding="utf-8") as handle:
            for event in old:
                handle.write(json.dumps(_row(event), ensure_ascii=False, default=str) + "\n")
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        partial.replace(path)
        AuditCheckpoint.objects.create(
            upto_id=last.pk, upto_hash=last.hash, upto_at=last.at, rows=len(old),
            archive=path.name, archive_sha256=digest,
        )  # fmt: skip
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL cancuoc.audit_prune = 'on'")
            cursor.execute("DELETE FROM accounts_auditevent WHERE id <= %s", [last.pk])
        audit_record(
            action="prune",
            object_type="accounts.auditevent",
            object_id=str(last.pk),
            detail={"rows": len(old), "archive": path.name, "sha256": digest},
        )
    return PruneResult(len(old), path)
