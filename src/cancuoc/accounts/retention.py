"""How long things are kept: audit rows (archived, then removed) and import files."""

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .audit import PruneResult, audit_prune
from .models import AuditEvent


@dataclass(frozen=True)
class RetentionResult:
    audit: PruneResult
    import_files: list[Path]


def retention_apply(*, dry_run: bool = False) -> RetentionResult:
    """Archive audit rows past their period; delete import files past theirs."""
    before = timezone.now() - timedelta(days=settings.CANCUOC_AUDIT_RETENTION_DAYS)
    oldest = time.time() - settings.CANCUOC_IMPORT_RETENTION_DAYS * 86_400
    folder: Path = settings.CANCUOC_IMPORT_DIR
    expired = sorted(
        p
        for p in (folder.rglob("*") if folder.exists() else [])
        if p.is_file() and p.stat().st_mtime < oldest
    )
    if dry_run:
        return RetentionResult(
            PruneResult(AuditEvent.objects.filter(at__lt=before).count()), expired
        )
    audited = audit_prune(before=before, archive_dir=settings.CANCUOC_ARCHIVE_DIR)
    for path in expired:
        path.unlink(missing_ok=True)
    return RetentionResult(audited, expired)
