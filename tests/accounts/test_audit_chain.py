"""The audit chain is keyed (HMAC under a key outside the database) and its head is signed
into a file after every committed write, so that whoever can write the table but holds
neither the key nor the file cannot change, remove, cut short or rewrite the log unseen."""

import hashlib
import json
import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from cancuoc.accounts.audit import (
    GENESIS,
    KEYED,
    PLAIN,
    audit_head_advance,
    audit_key,
    audit_prune,
    audit_record,
    audit_verify,
    read_head,
)
from cancuoc.accounts.models import AuditCheckpoint, AuditEvent

KEY = "k" * 40


@pytest.fixture(autouse=True)
def _a_key(settings):
    settings.CANCUOC_AUDIT_KEY = KEY


@pytest.fixture
def signed(db, django_capture_on_commit_callbacks):
    """Write ``n`` audit rows as the application does, the head signed when they commit."""

    def write(n: int) -> list[AuditEvent]:
        with django_capture_on_commit_callbacks(execute=True):
            return [audit_record(action="read", object_id=str(i)) for i in range(n)]

    return write


def tamper(sql: str, params: list) -> None:
    """As a superuser who lifts the append-only trigger, or anyone on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER USER")


def rechain(digest) -> None:
    """Rewrite every row's link and hash with ``digest(content) -> (version, hash)``, as one
    who can write the table would to hide a change."""
    from cancuoc.accounts.audit import COLUMNS, _content_of

    previous = GENESIS
    for event in AuditEvent.objects.order_by("id"):
        event.previous_hash = previous
        version, event.hash = digest(_content_of(tuple(getattr(event, c) for c in COLUMNS)))
        tamper(
            "UPDATE accounts_auditevent SET previous_hash = %s, hash = %s, version = %s "
            "WHERE id = %s",
            [event.previous_hash, event.hash, version, event.pk],
        )
        previous = event.hash


def test_new_rows_carry_a_keyed_hash_that_another_key_does_not_verify(signed, settings):
    events = signed(3)
    assert {e.version for e in events} == {KEYED}
    assert audit_verify().ok
    settings.CANCUOC_AUDIT_KEY = "another key of forty bytes, just as long"
    result = audit_verify()
    assert not result.ok  # the head's signature and the rows' hashes both need the key
    assert "signature" in result.reason


def test_deleting_the_last_rows_is_found_through_the_signed_head(signed):
    events = signed(5)
    assert read_head().last_id == events[-1].pk and read_head().rows == 5
    tamper("DELETE FROM accounts_auditevent WHERE id >= %s", [events[3].pk])
    result = audit_verify()
    assert result.broken_at == events[-1].pk and "last rows were removed" in result.reason
    with pytest.raises(CommandError, match="last rows were removed"):
        call_command("audit", "verify")


def test_rows_written_after_a_truncation_do_not_hide_it(signed, caplog):
    events = signed(5)
    tamper("DELETE FROM accounts_auditevent WHERE id >= %s", [events[3].pk])
    with caplog.at_level(logging.ERROR, logger="cancuoc.accounts.audit"):
        later = signed(2)
    assert read_head().last_id == events[-1].pk  # the head would not move over the gap
    assert "does not extend the signed head" in caplog.text
    result = audit_verify()
    assert result.broken_at == later[0].pk and "is missing" in result.reason


def test_a_changed_row_fails_even_when_the_chain_is_rehashed_without_the_key(signed):
    events = signed(4)
    tamper("UPDATE accounts_auditevent SET object_id = 'x' WHERE id = %s", [events[1].pk])
    assert audit_verify().broken_at == events[1].pk
    # rewritten with plain SHA-256, as the old unkeyed chain allowed
    rechain(lambda content: (PLAIN, hashlib.sha256(content).hexdigest()))
    result = audit_verify()
    assert not result.ok and "signed head" in result.reason
    # rewritten as keyed rows, with a guessed key
    import hmac

    rechain(lambda content: (KEYED, hmac.new(b"guess", content, hashlib.sha256).hexdigest()))
    result = audit_verify()
    assert result.broken_at == events[0].pk and "not made with the key" in result.reason


def test_a_deleted_middle_row_fails_verify(signed):
    events = signed(4)
    tamper("DELETE FROM accounts_auditevent WHERE id = %s", [events[1].pk])
    result = audit_verify()
    assert result.broken_at == events[2].pk and "link" in result.reason


def test_rows_hashed_before_the_key_still_verify_and_the_first_keyed_row_seals_them(signed):
    previous, legacy = GENESIS, []
    for n in range(3):  # as rows were written before migration 0006: plain SHA-256
        event = AuditEvent(
            at=timezone.now(),
            action="read",
            object_id=str(n),
            previous_hash=previous,
            version=PLAIN,
        )
        from cancuoc.accounts.audit import _hash

        event.hash = previous = _hash(event)
        event.save(force_insert=True)
        legacy.append(event)
    assert audit_verify().ok and audit_verify().checked == 3
    signed(2)
    result = audit_verify()
    assert result.ok and result.checked == 5
    # a plain row cannot be slipped in after keyed ones
    rogue = AuditEvent(
        at=timezone.now(),
        action="read",
        previous_hash=AuditEvent.objects.last().hash,
        version=PLAIN,
    )
    from cancuoc.accounts.audit import _hash

    rogue.hash = _hash(rogue)
    rogue.save(force_insert=True)
    result = audit_verify()
    assert result.broken_at == rogue.pk and "unkeyed row after keyed" in result.reason


def test_a_forged_head_file_is_refused(signed, settings):
    signed(3)
    path = settings.CANCUOC_AUDIT_HEAD_FILE
    head = json.loads(path.read_text())
    head["rows"] = 2
    path.write_text(json.dumps(head))
    assert "signature" in audit_verify().reason
    assert audit_head_advance() is None  # nor is it overwritten: it stays as evidence
    assert json.loads(path.read_text())["rows"] == 2


def test_a_checkpoint_added_to_hide_removed_rows_is_found(signed):
    events = signed(4)
    last = events[-1]
    AuditCheckpoint.objects.create(
        upto_id=last.pk,
        upto_hash=last.hash,
        upto_at=last.at,
        rows=4,
        archive="x",
        archive_sha256="0" * 64,
    )
    tamper("DELETE FROM accounts_auditevent WHERE id <= %s", [last.pk])
    result = audit_verify()
    assert "checkpoint" in result.reason


def test_without_a_head_yet_verify_passes_and_says_so(db):
    audit_record(action="read")  # never committed in this test: no head
    out, err = _run("verify")
    assert "intact: 1" in out and "no signed head" in err


def test_the_checkpoint_command_signs_the_head_and_reset_keeps_the_old_one(db, settings):
    events = [audit_record(action="read") for _ in range(2)]
    out, _ = _run("checkpoint")
    assert f"row {events[-1].pk}" in out and read_head().rows == 2
    path = settings.CANCUOC_AUDIT_HEAD_FILE
    tamper("DELETE FROM accounts_auditevent WHERE id = %s", [events[-1].pk])
    assert not audit_verify().ok
    _run("checkpoint", "--reset")  # an administrator decides the table is what it is
    assert audit_verify().ok
    assert list(path.parent.glob("head.json.replaced-*"))  # the old head, kept
    reset = AuditEvent.objects.get(action="audit_head_reset")
    assert reset.username.startswith("cli:") and reset.detail["replaced"]


def _run(*args: str) -> tuple[str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    call_command("audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_pruning_moves_the_signed_head_to_the_checkpoint(
    signed, tmp_path, django_capture_on_commit_callbacks
):
    events = signed(5)
    old = [e.pk for e in events[:3]]
    # make three rows old; the chain is re-hashed with the key as an administrator would
    from cancuoc.accounts.audit import _hash

    previous = GENESIS
    for event in AuditEvent.objects.order_by("id"):
        if event.pk in old:
            event.at -= timedelta(days=800)
        event.previous_hash = previous
        event.hash = previous = _hash(event)
        tamper(
            "UPDATE accounts_auditevent SET at = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [event.at, event.previous_hash, event.hash, event.pk],
        )
    call_command("audit", "checkpoint", "--reset", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with django_capture_on_commit_callbacks(execute=True):
        audit_prune(before=timezone.now() - timedelta(days=400), archive_dir=tmp_path)
    head = read_head()
    checkpoint = AuditCheckpoint.objects.get()
    assert (head.base_id, head.base_hash) == (checkpoint.upto_id, checkpoint.upto_hash)
    assert head.last_id == AuditEvent.objects.last().pk
    result = audit_verify()
    assert result.ok, result.reason
    assert result.checked == AuditEvent.objects.count() == head.rows


def test_the_head_is_signed_when_rows_commit_and_not_for_rows_rolled_back(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = audit_record(action="read")
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(action="read")
            raise RuntimeError
    assert len(callbacks) == 1  # the rolled-back row's callback is gone with it
    assert read_head().last_id == event.pk and audit_verify().ok


def test_the_key_comes_from_a_file_and_a_short_one_is_refused(settings, tmp_path):
    settings.CANCUOC_AUDIT_KEY = ""
    settings.CANCUOC_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.CANCUOC_AUDIT_KEY_FILE.write_bytes(b"f" * 32 + b"\n")
    assert audit_key() == b"f" * 32
    settings.CANCUOC_AUDIT_KEY_FILE = tmp_path / "short.key"
    settings.CANCUOC_AUDIT_KEY_FILE.write_bytes(b"short\n")
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        audit_key()


def test_without_a_key_the_demo_derives_one_and_warns(settings, caplog):
    settings.CANCUOC_AUDIT_KEY = ""
    settings.CANCUOC_AUDIT_KEY_FILE = ""
    settings.SECRET_KEY = "a secret key only this test uses"
    with caplog.at_level(logging.WARNING, logger="cancuoc.accounts.audit"):
        key = audit_key()
    assert len(key) == 32 and "derived from SECRET_KEY" in caplog.text
