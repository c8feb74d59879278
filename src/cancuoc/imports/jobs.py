"""A commune's file imported as a background job: the upload page and ``cancuoc import`` both
submit ``imports.persons``; a worker (or the command, in its own process) runs it.

Two stages: the rows, in batches that each commit whole (person_import; a run killed at any
moment resumes after the last batch committed), then the matching of the new records against
the register (the kind ``dedup.import_match``, looked up by name: dedup is a floor above).
The import job's id is remembered on the job between the stages, so a retry after the
matching was interrupted matches the same records instead of importing again."""

import hashlib
import logging
import shutil
from pathlib import Path

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cancuoc.jobs.registry import KINDS, Line, job_kind
from cancuoc.jobs.services import JobContext, JobInterrupted, JobLost
from cancuoc.jobs.texts import in_both, in_reader_language

from .limits import ImportLimits
from .models import ImportJob, ImportStatus
from .services import (
    DEFAULT_BATCH_SIZE,
    ERRORS_KEPT,
    default_source,
    match_failed,
    person_import,
)

log = logging.getLogger(__name__)
KIND = "imports.persons"
READING = gettext_noop("Nhập các dòng của tệp")
MATCHING = gettext_noop("Dò trùng các bản ghi mới")
ERRORS_SHOWN = 20  # on the job's page; the rejected rows' XLSX has them all


def import_target(path: Path, source: str | None) -> str:
    """What an import works on: the file's content and its source (as ImportJob is unique
    on, while unfinished), so the same file is never imported twice at once."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f"{digest.hexdigest()}:{(source or default_source(path)).strip()}"


def import_lines(result: dict) -> list[Line]:
    """The job page's lines: the counts, the links to the import and its rejected rows, the
    matching's outcome, and for a dry run its first errors."""
    grouped = {
        name: number_format(result.get(name, 0), force_grouping=True)
        for name in ("read", "accepted", "rejected", "merged")
    }
    summary = _(
        "Tệp %(file)s: %(rows_read)s dòng đọc = %(rows_accepted)s dòng nhập + %(rows_rejected)s "
        "dòng bị loại + %(rows_merged)s dòng đã có trong sổ"
    ) % {
        "file": result.get("file", ""),
        "rows_read": grouped["read"],
        "rows_accepted": grouped["accepted"],
        "rows_rejected": grouped["rejected"],
        "rows_merged": grouped["merged"],
    }
    if result.get("dry_run"):
        lines = [(_("Chỉ kiểm tra, chưa ghi gì"), summary, "")]
    else:
        page = reverse("admin:imports_importjob_change", args=[result["import_job"]])
        lines = [(_("Lần nhập tệp"), summary, page)]
        if result.get("rejected") or result.get("warned"):
            rejected = reverse("admin:imports_importjob_rejected", args=[result["import_job"]])
            said = _("%(rejected)s dòng bị loại, %(warned)s cảnh báo (XLSX)") % {
                "rejected": grouped["rejected"],
                "warned": number_format(result.get("warned", 0), force_grouping=True),
            }
            lines.append((_("Dòng bị loại, cảnh báo"), said, rejected))
    if result.get("resumed"):
        lines.append((_("Tiếp tục"), _("tiếp tục lần nhập dở của cùng tệp và nguồn"), ""))
    match = result.get("match") or {}
    if "records" in match:
        said = _(
            "%(records)s bản ghi mới, %(auto_merged)s cặp tự động hợp nhất, %(to_review)s cặp "
            "chờ xem xét"
        ) % {
            name: number_format(match[name], force_grouping=True)
            for name in ("records", "auto_merged", "to_review")
        }
        queue = reverse("admin:dedup_matchpair_changelist") + "?state__exact=pending"
        lines.append((_("Dò trùng"), said, queue))
    if match.get("note"):
        lines.append((_("Dò trùng"), in_reader_language(match["note"]), ""))
    errors = result.get("errors", [])
    for error in errors[:ERRORS_SHOWN]:
        lines.append((_("Lỗi"), in_reader_language(error), ""))
    if len(errors) > ERRORS_SHOWN or result.get("rejected", 0) > result.get("error_rows", 0):
        lines.append((_("Lỗi"), _("… và các dòng bị loại khác (tải XLSX)"), ""))
    return lines


def import_about(params: dict) -> str:
    return f"{Path(params['path']).name} ({params.get('source', '')})"


@job_kind(
    KIND,
    label=gettext_lazy("Nhập danh sách nhân khẩu"),
    present=import_lines,
    describe=import_about,
)
def persons_import_job(
    context: JobContext,
    *,
    path: str,
    source: str = "",
    unit: str = "",
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    dedup: bool = True,
    upload: bool = False,
) -> dict:
    """``upload``: the file is the upload page's copy (removed once the job has ended) and
    the upload's limits apply."""
    file = Path(path)
    ended = True
    try:
        # The import job is remembered from its first batch on: a worker killed after the
        # rows were all committed, before their figures were kept, finds it done here and
        # goes on to the matching (a second person_import would merge every row as known).
        earlier = context.job.result.get("import_job")
        job = ImportJob.objects.filter(pk=earlier, status=ImportStatus.DONE).first()
        if job is None:
            result = _rows(context, file, source, unit, batch_size, dry_run, upload)
            if dry_run:
                return result
            job = ImportJob.objects.get(pk=result["import_job"])
            context.remember(**result)
        elif "read" not in context.job.result:
            context.remember(**_figures(job, resumed=True, dry_run=False))
        result = dict(context.job.result)
        if dedup and job.person_ranges:
            result |= _match(context, job)
        return result
    except (JobInterrupted, JobLost):
        ended = False  # back in the queue: the file is needed again
        raise
    finally:
        if upload and ended:
            shutil.rmtree(file.parent, ignore_errors=True)


def _rows(context, file, source, unit, batch_size, dry_run, upload) -> dict:
    context.progress(0, None, READING)

    def advance(job: ImportJob, estimated_rows: int) -> None:
        if not context.job.result.get("import_job"):
            context.remember(import_job=job.pk)
        context.progress(job.rows_read, max(estimated_rows, job.rows_read), READING)

    imported = person_import(
        path=file,
        source=source or None,
        batch_size=batch_size,
        dry_run=dry_run,
        # A dry run is one transaction, rolled back: progress written from inside it would
        # hold the job's row locked (the cancel button and the heartbeat wait) and vanish.
        on_batch=None if dry_run else advance,
        limits=ImportLimits.from_settings(upload=upload),
        unit=unit,
    )
    result = _figures(imported.job, resumed=imported.resumed, dry_run=dry_run)
    errors = imported.errors[:ERRORS_KEPT]
    result["errors"] = [in_both(error.__str__) for error in errors]
    result["error_rows"] = len({(error.sheet, error.row) for error in errors})
    return result


def _figures(job: ImportJob, *, resumed: bool, dry_run: bool) -> dict:
    return {
        "import_job": None if dry_run else job.pk,
        "file": job.file_name,
        "source": job.source.removeprefix("dry-run:"),
        "read": job.rows_read,
        "accepted": job.rows_accepted,
        "rejected": job.rows_rejected,
        "merged": job.rows_merged,
        "warned": job.rows_warned,
        "batches": job.batches_done,
        "resumed": resumed,
        "dry_run": dry_run,
    }


def _match(context: JobContext, job: ImportJob) -> dict:
    """The new records matched against the register; the import is committed whatever
    happens here, so a failure is said in the result, not raised."""
    context.progress(0, None, MATCHING)
    matcher = KINDS.get("dedup.import_match")
    if matcher is None:
        return {}
    try:
        return {"match": matcher.function(context, import_job=job.pk)}
    except (JobInterrupted, JobLost):
        raise
    except Exception as error:
        log.exception("matching import job %d failed", job.pk)
        failed = error
        return {"match": {"note": in_both(lambda: match_failed(job, failed))}}
