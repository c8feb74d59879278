"""The audit log: append-only and chained with a keyed hash, its head signed outside the table.

Each event stores the hash of the one before it and its own hash over its content, so that
changing or removing any row breaks the chain at that row; ``cancuoc audit verify`` walks it.
On PostgreSQL a trigger also refuses UPDATE, DELETE and TRUNCATE of the table (migration 0002).

Rows made since migration 0006 (``version`` 2) hash with HMAC-SHA256 under a key kept outside
the database (``CANCUOC_AUDIT_KEY`` / ``CANCUOC_AUDIT_KEY_FILE``), so whoever can write the table
but lacks the key cannot recompute the chain. Older rows (``version`` 1, a plain SHA-256) keep
their hash and still verify: rewriting them would destroy the evidence they are, and the
first keyed row's HMAC covers the last plain hash, so they stay protected behind it. A plain
row after a keyed one is refused.

After every committed write the *head* (the last row's id and hash, how many rows lie between
the archive checkpoint and it, and that checkpoint) is written to ``CANCUOC_AUDIT_HEAD_FILE``,
signed with the same key. Deleting the last rows of the table (which leaves an intact but
shorter chain) no longer goes unseen: the signed head names a row that is not there.
"""

import fcntl
import getpass
import gzip
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from cancuoc.lib.client_address import client_ip  # REMOTE_ADDR, or behind a trusted proxy

from .models import AuditCheckpoint, AuditEvent
from .purposes import PURPOSES

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
PLAIN, KEYED = 1, 2  # AuditEvent.version: SHA-256 of the content; HMAC-SHA256 under the key
# The request being served, so that writes made deep in services know who made them.
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)
# The columns a row's hash covers, in the order _content lists them, then its link and hash.
COLUMNS = (
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "detail",
    "purpose",
    "ip",
    "previous_hash",
)


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


# --- the key -----------------------------------------------------------------------------


def audit_key() -> bytes:
    """The chain's key: ``CANCUOC_AUDIT_KEY``, else the contents of ``CANCUOC_AUDIT_KEY_FILE``,
    else (demo and development only, with a warning) one derived from SECRET_KEY."""
    return _key(
        settings.CANCUOC_AUDIT_KEY, str(settings.CANCUOC_AUDIT_KEY_FILE or ""), settings.SECRET_KEY
    )


def audit_key_source() -> str:
    if settings.CANCUOC_AUDIT_KEY:
        return "CANCUOC_AUDIT_KEY"
    if settings.CANCUOC_AUDIT_KEY_FILE:
        return f"CANCUOC_AUDIT_KEY_FILE ({settings.CANCUOC_AUDIT_KEY_FILE})"
    return "SECRET_KEY (chỉ dùng thử / demo only)"


@lru_cache(maxsize=8)
def _key(value: str, path: str, secret: str) -> bytes:
    if value:
        key = value.encode()
    elif path:
        try:
            key = Path(path).read_bytes().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"CANCUOC_AUDIT_KEY_FILE: {error}") from error
    else:
        logger.warning(
            "The audit chain's key is derived from SECRET_KEY: set CANCUOC_AUDIT_KEY_FILE to a "
            "key kept apart from the database and the settings (docs/design-notes.md, Audit)"
        )
        return hmac.new(secret.encode(), b"cancuoc-audit-key", hashlib.sha256).digest()
    if len(key) < 32:
        raise ImproperlyConfigured("the audit key must be at least 32 bytes")
    return key


# --- a row's hash ------------------------------------------------------------------------


def _content_of(values: tuple) -> bytes:
    """The row's content as hashed: ``values`` in the order of COLUMNS."""
    at, *rest = values
    return json.dumps(
        [at.isoformat(), *rest], ensure_ascii=False, sort_keys=True, default=str
    ).encode()


def _digest(version: int, content: bytes, key: bytes) -> str | None:
    if version == KEYED:
        return hmac.digest(key, content, "sha256").hex()
    if version == PLAIN:
        return hashlib.sha256(content).hexdigest()
    return None


def _hash(event: AuditEvent) -> str:
    values = tuple(getattr(event, column) for column in COLUMNS)
    return _digest(event.version, _content_of(values), audit_key()) or ""


def cli_username() -> str:
    """Who runs a command, for the audit row of a command-line export (no Django user)."""
    try:
        return f"cli:{getpass.getuser()}"[:150]
    except (KeyError, OSError):  # pragma: no cover (no user name in the environment)
        return f"cli:uid-{os.getuid()}"


def cli_purpose(value: str, default: int) -> str:
    """A command's ``--purpose``: one of the download purposes (accounts.purposes.PURPOSES), by
    its number (1, 2, …) or its words; empty: the ``default``-th, the document's own."""

    value = value.strip()
    if not value:
        return PURPOSES[default - 1]
    if value.isdigit() and 1 <= int(value) <= len(PURPOSES):
        return PURPOSES[int(value) - 1]
    if value in PURPOSES:
        return value
    listed = "; ".join(f"{n}: {p}" for n, p in enumerate(PURPOSES, start=1))
    raise ValueError(f"--purpose: {listed}")


def purpose_help(default: int) -> str:

    listed = "; ".join(f"{n} = {p}" for n, p in enumerate(PURPOSES, start=1))
    return f"mục đích / purpose, audited: {listed} (mặc định / default {default})"


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
    username: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event. Who and from where come from ``request`` (or the request being
    served); a command with no user names its operator in ``username`` (``cli_username()``).
    Never put a full ID number or a name in ``detail``."""
    request = request or current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    _lock()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        at=timezone.now(),
        user=user,
        username=user.get_username() if user else username,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail or {},
        purpose=purpose,
        ip=client_ip(request) if request is not None else None,
        previous_hash=last or GENESIS,
        version=KEYED,
    )
    event.hash = _hash(event)
    event.save(force_insert=True)
    _advance_head_on_commit()
    return event


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # one writer at a time extends the chain
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('cancuoc_audit'))")


def _advance_head_on_commit() -> None:
    """Sign the new head when the rows are committed (never before, so that a rollback cannot
    leave the head naming a row that never was). A transaction of many audit rows runs this
    once per row; all but the first find nothing new (one indexed query, no write)."""
    transaction.on_commit(audit_head_advance, robust=True)


# --- the signed head ---------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    base_id: int  # the archive checkpoint the table's chain starts after (0: none)
    base_hash: str
    last_id: int  # the last row the head vouches for
    last_hash: str
    rows: int  # rows in the table after base_id up to last_id
    at: str = ""

    def mac(self) -> str:
        body = json.dumps(asdict(self), sort_keys=True).encode()
        return hmac.new(audit_key(), b"cancuoc-audit-head\n" + body, hashlib.sha256).hexdigest()


class HeadInvalid(Exception):
    """The head file is there but unreadable or its signature does not match."""


def head_path() -> Path:
    return Path(settings.CANCUOC_AUDIT_HEAD_FILE)


def read_head() -> Head | None:
    path = head_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        mac = data.pop("mac")
        head = Head(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise HeadInvalid(
            f"tệp đầu chuỗi không đọc được / the head file is unreadable: {error}"
        ) from error
    if not hmac.compare_digest(mac, head.mac()):
        raise HeadInvalid("chữ ký đầu chuỗi sai / the head's signature does not match (forged?)")
    return head


def _write_head(head: Head) -> None:
    path = head_path()
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(asdict(head) | {"mac": head.mac()}, handle, sort_keys=True, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)


@contextmanager
def _head_locked() -> Iterator[None]:
    """One process at a time reads and rewrites the head (writes commit in id order, but their
    on-commit callbacks may run in any order)."""
    path = head_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _base() -> tuple[int, str]:
    checkpoint = AuditCheckpoint.objects.order_by("-upto_id").first()
    return (checkpoint.upto_id, checkpoint.upto_hash) if checkpoint else (0, GENESIS)


def _head_from_table() -> Head:
    """The first head (no file yet): what the table holds now, trusted on first use."""
    base_id, base_hash = _base()
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return Head(base_id, base_hash, base_id, base_hash, 0)
    rows = AuditEvent.objects.filter(id__gt=base_id, id__lte=last[0]).count()
    return Head(base_id, base_hash, last[0], last[1], rows)


def _head_extended(head: Head) -> Head:
    """The head moved over the rows appended after it, as far as they link to it and carry a
    keyed hash that matches; a row that does not stops it (``audit verify`` will name it)."""
    key = audit_key()
    last_id, last_hash, rows = head.last_id, head.last_hash, head.rows
    for values in (
        AuditEvent.objects.filter(id__gt=head.last_id)
        .order_by("id")
        .values_list("id", "version", *COLUMNS, "hash")
        .iterator(chunk_size=2000)
    ):
        pk, version, *content, digest = values
        expected = _digest(version, _content_of(tuple(content)), key)
        if content[-1] != last_hash or version != KEYED or expected != digest:
            logger.error(
                "audit: row %s does not extend the signed head; head left at %s", pk, last_id
            )
            break
        last_id, last_hash, rows = pk, digest, rows + 1
    return replace(head, last_id=last_id, last_hash=last_hash, rows=rows)


def audit_head_advance() -> Head | None:
    """Sign the head over the rows committed since it was last written (after every committed
    audit write, and by ``cancuoc audit checkpoint``). A head file whose signature fails is
    left as it is, for ``audit verify`` to report."""
    with _head_locked():
        try:
            head = read_head()
        except HeadInvalid as error:
            logger.error("audit: %s", error)
            return None
        new = _head_extended(head) if head else _head_from_table()
        if new != head:
            new = replace(new, at=timezone.now().isoformat())
            _write_head(new)
        return new


def audit_head_reset() -> Head | None:
    """Sign the table as it is now (a new database, or after an inquiry into a broken
    chain): the old head file is kept beside the new one, and the reset is audited."""
    path = head_path()
    with _head_locked():
        replaced = ""
        if path.exists():
            moved = path.with_name(f"{path.name}.replaced-{timezone.now():%Y%m%dT%H%M%S%f}")
            path.replace(moved)
            replaced = moved.name
    with transaction.atomic():
        audit_record(
            action="audit_head_reset",
            object_type="accounts.auditevent",
            username=cli_username(),
            detail={"replaced": replaced},
        )
    return audit_head_advance()  # already done on commit, unless inside a caller's transaction


def _head_after_prune(before: Head, through: Head, upto_id: int, upto_hash: str, rows: int) -> None:
    """After a prune commits: the chain now starts at its checkpoint, ``rows`` fewer. The head
    was ``before`` when the prune began, and the rows then in the table extended it to
    ``through`` (past the last archived row: the prune checks that before it deletes)."""
    with _head_locked():
        try:
            head = read_head()
        except HeadInvalid as error:
            logger.error("audit: %s", error)
            return
        if head is None:
            return
        if head.last_id < upto_id:
            if head != before:
                logger.error("audit: the head changed during a prune; left at %s", head.last_id)
                return
            head = through
        moved = replace(head, base_id=upto_id, base_hash=upto_hash, rows=head.rows - rows)
        _write_head(replace(_head_extended(moved), at=timezone.now().isoformat()))


# --- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    head: Head | None = None
    after_head: int = 0  # intact rows appended after the signed head (not yet signed)

    @property
    def ok(self) -> bool:
        return not self.reason


def _row_problem(
    head: Head | None,
    reached: bool,
    previous: str,
    keyed: bool,
    pk: int,
    version: int,
    content: list,
    digest: str,
    key: bytes,
) -> str:
    """Why one row breaks the chain ("" if it does not)."""
    if head and not reached and pk > head.last_id:
        return (
            f"thiếu dòng {head.last_id} mà đầu chuỗi đã ký ghi / row {head.last_id}, the signed "
            "head's last row, is missing"
        )
    if content[-1] != previous:
        return "liên kết với dòng trước bị đứt / the link to the previous row broke"
    if version == PLAIN and keyed:
        return "dòng không khoá sau dòng có khoá / an unkeyed row after keyed ones"
    expected = _digest(version, _content_of(tuple(content)), key)
    if expected is None or not hmac.compare_digest(expected, digest):
        return (
            "nội dung đã bị sửa hoặc mã băm không làm bằng khoá / the row's content was "
            "changed, or its hash was not made with the key"
        )
    if head and pk == head.last_id and digest != head.last_hash:
        return "khác với đầu chuỗi đã ký / differs from the signed head"
    return ""


def audit_verify() -> VerifyResult:
    """Recompute the chain from its start (or from the last archive checkpoint) and hold it
    against the signed head; name the first row whose content or link does not match, or
    the rows missing at the end. Streams the table: memory does not grow with it."""
    key = audit_key()
    try:
        head = read_head()
    except HeadInvalid as error:
        return VerifyResult(0, None, str(error))
    previous_id, previous = _base()
    if head and (head.base_id, head.base_hash) != (previous_id, previous):
        return VerifyResult(
            0,
            previous_id or None,
            "mốc lưu trữ khác với đầu chuỗi đã ký / the archive checkpoint is not the one the "
            f"signed head names (row {head.base_id})",
            head,
        )
    checked = covered = after = 0
    keyed = False
    reached = head is None or head.last_id == head.base_id
    for values in (
        AuditEvent.objects.filter(id__gt=previous_id)
        .order_by("id")
        .values_list("id", "version", *COLUMNS, "hash")
        .iterator(chunk_size=5000)
    ):
        pk, version, *content, digest = values
        reason = _row_problem(head, reached, previous, keyed, pk, version, content, digest, key)
        if reason:
            return VerifyResult(checked, pk, reason, head)
        keyed = keyed or version == KEYED
        previous = digest
        checked += 1
        if head and pk <= head.last_id:
            covered += 1
            reached = reached or pk == head.last_id
        else:
            after += 1
    if not reached:
        return VerifyResult(
            checked,
            head.last_id,
            f"mất các dòng cuối: nhật ký dừng trước dòng {head.last_id} mà đầu chuỗi đã ký ghi "
            f"/ the last rows were removed: the log stops before row {head.last_id}, the "
            "signed head's last row",
            head,
        )
    if head and covered != head.rows:
        return VerifyResult(
            checked,
            None,
            f"số dòng {covered} khác {head.rows} của đầu chuỗi đã ký / {covered} rows where the "
            f"signed head counts {head.rows}",
            head,
        )
    return VerifyResult(checked, None, "", head, after)


# --- retention ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PruneResult:
    rows: int
    archive: Path | None = None


def _row(event: AuditEvent) -> dict:
    return {
        "id": event.pk,
        "at": event.at.isoformat(),
        "user_id": event.user_id,
        "username": event.username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "purpose": event.purpose,
        "ip": event.ip,
        "previous_hash": event.previous_hash,
        "hash": event.hash,
        "version": event.version,
    }


def audit_prune(*, before: datetime, archive_dir: Path) -> PruneResult:
    """Move the audit rows older than ``before`` to a gzip'd JSON-lines archive (every field,
    hashes included, so the archive can be verified on its own), record a checkpoint with the
    last archived hash and the archive's SHA-256, then delete them. The file is written and
    synced before anything is deleted, and all of it happens in one transaction: a crash
    leaves either the rows or the archive and its checkpoint. The rows to archive must extend
    the signed head (else nothing is done); the head moves to the checkpoint on commit."""
    with transaction.atomic():
        _lock()
        old = list(AuditEvent.objects.filter(at__lt=before).order_by("id"))
        if not old:
            return PruneResult(0)
        last = old[-1]
        if AuditEvent.objects.filter(id__lt=last.pk, at__gte=before).exists():
            raise ValueError("audit rows are out of time order; nothing archived")
        try:
            head = read_head()
        except HeadInvalid as error:
            raise ValueError(f"{error}; nothing archived") from error
        through = _head_extended(head) if head else None
        if head and through.last_id < last.pk:
            raise ValueError(
                f"the audit chain does not verify up to row {last.pk} (`cancuoc audit verify`); "
                "nothing archived"
            )
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
            upto_id=last.pk,
            upto_hash=last.hash,
            upto_at=last.at,
            rows=len(old),
            archive=path.name,
            archive_sha256=digest,
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL cancuoc.audit_prune = 'on'")
            cursor.execute("DELETE FROM accounts_auditevent WHERE id <= %s", [last.pk])
        if head:
            pruned = (head, through, last.pk, last.hash, len(old))
            transaction.on_commit(lambda: _head_after_prune(*pruned), robust=True)
        audit_record(
            action="prune",
            object_type="accounts.auditevent",
            object_id=str(last.pk),
            detail={"rows": len(old), "archive": path.name, "sha256": digest},
        )
    return PruneResult(len(old), path)
