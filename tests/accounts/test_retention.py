"""Retention: old audit rows go to a verifiable archive, the chain is still checked from the
checkpoint, young rows cannot be removed, old import files are deleted."""

import gzip
import hashlib
import json
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cancuoc.accounts.audit import audit_prune, audit_record, audit_verify
from cancuoc.accounts.models import AuditCheckpoint, AuditEvent


def _age(days: int, ids: list[int]) -> None:
    """Make rows look old (the trigger forbids UPDATE on PostgreSQL, so lift it here as a
    superuser would), then re-hash the chain so it is intact again."""
    from cancuoc.accounts.audit import GENESIS, _hash

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
        previous = GENESIS
        for event in AuditEvent.objects.order_by("id"):
            if event.pk in ids:
                event.at = event.at - timedelta(days=days)
            event.previous_hash = previous
            event.hash = _hash(event)
            cursor.execute(
                "UPDATE accounts_auditevent SET at = %s, previous_hash = %s, hash = %s "
                "WHERE id = %s",
                [event.at, event.previous_hash, event.hash, event.pk],
            )
            previous = event.hash
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER USER")


def test_old_rows_go_to_an_archive_and_the_chain_is_checked_from_the_checkpoint(db, tmp_path):
    events = [audit_record(action="read", object_id=str(n)) for n in range(5)]
    _age(800, [e.pk for e in events[:3]])
    result = audit_prune(before=timezone.now() - timedelta(days=400), archive_dir=tmp_path)
    assert result.rows == 3
    remaining = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert remaining == ["read", "read", "prune"]
    with gzip.open(result.archive, "rt", encoding="utf-8") as handle:
        archived = [json.loads(line) for line in handle]
    assert [r["id"] for r in archived] == [e.pk for e in events[:3]]
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.upto_hash == archived[-1]["hash"]
    assert checkpoint.archive_sha256 == hashlib.sha256(result.archive.read_bytes()).hexdigest()
    assert audit_verify().ok and audit_verify().checked == 3
    # and a change after the checkpoint is still found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
        cursor.execute("UPDATE accounts_auditevent SET action = 'x' WHERE id = %s", [events[4].pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER USER")
    assert audit_verify().broken_at == events[4].pk


def test_nothing_young_is_archived(db, tmp_path):
    audit_record(action="read")
    assert audit_prune(before=timezone.now() - timedelta(days=1), archive_dir=tmp_path).rows == 0
    assert not list(tmp_path.iterdir()) and AuditEvent.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_delete_rows_younger_than_a_year_even_when_pruning(db):
    audit_record(action="read")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL cancuoc.audit_prune = 'on'")
        cursor.execute("DELETE FROM accounts_auditevent")
    assert AuditEvent.objects.count() == 1


def test_the_command_deletes_old_import_files_and_keeps_new_ones(db, tmp_path, settings):
    settings.CANCUOC_IMPORT_DIR = tmp_path / "imports"
    settings.CANCUOC_ARCHIVE_DIR = tmp_path / "archive"
    settings.CANCUOC_IMPORT_RETENTION_DAYS = 30
    settings.CANCUOC_IMPORT_DIR.mkdir()
    old, new = settings.CANCUOC_IMPORT_DIR / "xa-mot.xlsx", settings.CANCUOC_IMPORT_DIR / "b.csv"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    long_ago = time.time() - 40 * 86_400
    os.utime(old, (long_ago, long_ago))
    call_command("retention", "apply", "--dry-run")
    assert old.exists()
    call_command("retention", "apply")
    assert not old.exists() and new.exists()
