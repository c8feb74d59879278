"""Import of persons and households from commune files, in batches that each commit whole.

A row ends in exactly one of three counts: accepted (written through register_load),
rejected (kept as a RejectedRow with every reason), or merged (its source and Mã bản ghi are
already in the register with the same data, so it changes nothing). The job's counts and its
place in the file are written in the batch's own transaction: a run stopped at any moment
(even by SIGKILL) leaves whole batches, and the same command again resumes after the last one.
"""

import json
import logging
import shutil
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.mapping import UnitNotResolved, resolve_unit
from cancuoc.geo.models import AdministrativeUnit, Reorganisation
from cancuoc.geo.names import UnitNames
from cancuoc.lib import clock
from cancuoc.lib.bulk import copy_rows, reserve_ids, reset_sequence
from cancuoc.lib.redact import redact
from cancuoc.registry import personal_id
from cancuoc.registry.models import Household, Person
from cancuoc.registry.records import PERSON_FACTS, PersonRecord
from cancuoc.registry.services import register_load

from .errors import ImportFileError, ImportRowError
from .exports import rejected_rows_write
from .limits import ImportLimits, file_check
from .models import ImportJob, ImportStatus, RejectedRow, RowWarning
from .parsing import ParsedRow
from .pipeline import parsed_batches
from .places import Places, places_for, unit_named
from .readers import FileFacts, FileLayout, file_facts, file_layout

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000
MAX_BATCH_SIZE = 20_000  # a batch's look-ups stay under the databases' parameter limits
# Errors a result carries for the console (every rejected row of a commune's list); all of
# them are in the database, and the console says where when it shows fewer.
ERRORS_KEPT = 100
# When a job's accepted rows reach this, and each time they double, the batch refreshes the
# planner's statistics of the tables a batch looks rows up in (see _statistics_refresh).
STATISTICS_FROM_ROWS = 20_000
LOOKED_UP = {Person: ["source", "source_ref", "personal_id"], Household: ["code"]}

# What a re-imported row is compared on: the person's own fields (residences and cards are
# not compared; a re-import never overwrites, corrections go through person_update / DC02).
COMPARED = PERSON_FACTS


class ImportConflict(RuntimeError):
    """Another process moved the same job on: only one may import a file at a time."""


@dataclass
class ImportResult:
    job: ImportJob
    resumed: bool
    dry_run: bool
    errors: list[ImportRowError] = field(default_factory=list)  # the first ERRORS_KEPT


def default_source(path: Path) -> str:
    """The file's name without extension: give ``source`` when files of one origin change
    names, since a re-import is recognised by source and Mã bản ghi."""
    return path.stem[:64]


def person_import(
    *,
    path: Path,
    source: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    rejected_out: Path | None = None,
    on_batch: Callable[[ImportJob, int], None] | None = None,
    limits: ImportLimits | None = None,
    atomic: bool = False,
    unit: str = "",
) -> ImportResult:
    """Import a CSV or XLSX file of persons (docs/import-format.md), resuming an unfinished
    job of the same file and source. ``dry_run`` does everything in one transaction and rolls
    it back: the counts and errors are exactly those a real import would give.
    ``rejected_out``: write the rejected rows there as XLSX (see :func:`rejected_rows_write`).
    ``on_batch(job, estimated_rows)`` is called after each batch, for a progress bar.
    ``limits``: what the file may hold (limits.py; by default the command's), checked before
    anything is read; the whole of a CSV is decoded first. ``atomic``: all the file or
    nothing, in one transaction (an upload, imported in the request); a job that failed so
    is written again afterwards, with why. Otherwise batches commit one by one and a failed
    job resumes where it stopped. ``unit``: the unit the whole file is about, when its rows
    give no unit code (a code, or a name on either map: places.unit_named); without it, the
    unit its title rows name, and for each row the commune its address names.
    Raises :class:`ImportFileError` when the file cannot be read as a list of persons."""
    source = (source or default_source(path)).strip()
    if not 0 < len(source) <= 64:
        raise ImportFileError("tên nguồn cần 1–64 ký tự", "the source name needs 1–64 characters")
    if not 0 < batch_size <= MAX_BATCH_SIZE:
        raise ValueError(f"batch size must be 1–{MAX_BATCH_SIZE}")
    limits = limits or ImportLimits.from_settings()
    facts = file_facts(path)
    file_check(path, facts.encoding, limits)
    layout = file_layout(path, facts, limits=limits)
    places = _places(layout, unit)
    if dry_run:
        with transaction.atomic():
            job = ImportJob.objects.create(
                file_name=path.name,
                sha256=facts.sha256,
                source=f"dry-run:{source}"[:64],
                notes=layout.notes,
            )
            result = ImportResult(job, resumed=False, dry_run=True)
            _run(result, path, facts, layout, source, batch_size, on_batch, places)
            if rejected_out:
                rejected_rows_write(job=job, path=rejected_out)
            transaction.set_rollback(True)
        return result
    arguments = (path, facts, layout, source, batch_size, on_batch, rejected_out, places)
    if not atomic:
        return _import(*arguments)
    try:
        with transaction.atomic():
            return _import(*arguments)
    except ImportConflict:
        raise
    except Exception as error:
        _failure_keep(path, facts, layout, source, error)
        raise


def _import(
    path: Path,
    facts: FileFacts,
    layout: FileLayout,
    source: str,
    batch_size: int,
    on_batch: Callable[[ImportJob, int], None] | None,
    rejected_out: Path | None,
    places: Places,
) -> ImportResult:
    job, resumed = _job_start(path, facts, layout, source)
    result = ImportResult(job, resumed=resumed, dry_run=False)
    _run(result, path, facts, layout, source, batch_size, on_batch, places)
    audit_record(
        action="import",
        obj=job,
        detail={
            "source": source,
            "read": job.rows_read,
            "accepted": job.rows_accepted,
            "rejected": job.rows_rejected,
            "merged": job.rows_merged,
        },
    )
    if rejected_out:
        rejected_rows_write(job=job, path=rejected_out)
    return result


def _places(layout: FileLayout, unit: str) -> Places:
    """Where the file's persons live when its rows give no unit code: ``unit`` (given), or
    each sheet's title rows; said in the job's notes."""
    names = UnitNames.load()
    given = unit_named(unit, names) if unit.strip() else None
    places, notes = places_for(layout.sheets, names, given=given)
    if given is not None:
        named = names.candidate(given)
        notes.insert(
            0,
            {
                "vi": f"Đơn vị của tệp (chọn khi nhập): {named}",
                "en": f"The file's unit (given): {named.english}",
            },
        )
    layout.notes[:0] = notes
    return places


def _failure_keep(
    path: Path, facts: FileFacts, layout: FileLayout, source: str, error: Exception
) -> None:
    """An atomic import that failed wrote nothing, its job neither: the job is written
    (again) as failed, with why, so that the list of imports shows the attempt."""
    said = redact(f"{type(error).__name__}: {error}")
    unfinished = ImportJob.objects.exclude(status=ImportStatus.DONE)
    job = unfinished.filter(sha256=facts.sha256, source=source).first()
    if job is None:
        ImportJob.objects.create(
            file_name=path.name[:255],
            sha256=facts.sha256,
            source=source,
            notes=layout.notes,
            status=ImportStatus.FAILED,
            error=said,
            finished_at=timezone.now(),
        )
    else:
        job.status, job.error = ImportStatus.FAILED, said
        job.save(update_fields=["status", "error"])
    log.info("import job of %s failed, nothing written", path.suffix)


def match_failed(job: ImportJob, error: Exception) -> str:
    """What to say when matching an import's new records failed after the import itself
    was committed (the matching can be run again by hand)."""
    return redact(
        _("đã nhập xong nhưng dò trùng lỗi: %(error)s; chạy lại `cancuoc dedup run --job %(job)s`")
        % {"error": error, "job": job.pk}
    )


def _job_start(path: Path, facts: FileFacts, layout: FileLayout, source: str):
    unfinished = ImportJob.objects.exclude(status=ImportStatus.DONE)
    job = unfinished.filter(sha256=facts.sha256, source=source).first()
    if job is not None:
        log.info("import job %d resumes after batch %d", job.pk, job.batches_done)
        job.status, job.error = ImportStatus.RUNNING, ""
        job.save(update_fields=["status", "error"])
        return job, True
    try:
        job = ImportJob.objects.create(
            file_name=path.name[:255],
            sha256=facts.sha256,
            source=source,
            notes=layout.notes,
            stored_file=_keep_copy(path, facts),
        )
    except IntegrityError:  # another process started the same file just now
        raise ImportConflict(_("tệp này đang được một tiến trình khác nhập")) from None
    log.info("import job %d started", job.pk)
    return job, False


def _keep_copy(path: Path, facts: FileFacts) -> str:
    """The file as imported, under CANCUOC_IMPORT_DIR (deleted by `cancuoc retention apply`
    after CANCUOC_IMPORT_RETENTION_DAYS), so that what was imported can be checked later."""
    folder: Path = settings.CANCUOC_IMPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{facts.sha256}{path.suffix.lower()}"
    if not copy.exists():
        partial = copy.with_name(copy.name + ".part")
        shutil.copyfile(path, partial)
        partial.replace(copy)
    return str(copy)


def _run(
    result: ImportResult,
    path: Path,
    facts: FileFacts,
    layout: FileLayout,
    source: str,
    batch_size: int,
    on_batch: Callable[[ImportJob, int], None] | None,
    places: Places | None = None,
) -> None:
    job = result.job
    units: dict[str, bool] = {}
    resolved: dict[tuple[int, str], tuple[str, str, str]] = {}
    batches = parsed_batches(
        path,
        facts,
        layout,
        after=(job.sheet_index, job.row),
        batch_size=batch_size,
        today=clock.today(),
        places=places,
    )
    try:
        with closing(batches):  # on an error, the reading process stops now
            for batch in batches:
                _batch_write(result, batch, source=source, units=units, resolved=resolved)
                if on_batch:
                    on_batch(job, layout.estimated_rows)
    except Exception as error:
        job.status, job.error = ImportStatus.FAILED, redact(f"{type(error).__name__}: {error}")
        job.save(update_fields=["status", "error"])
        raise
    job.status, job.finished_at = ImportStatus.DONE, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    log.info(
        "import job %d done: %d rows read, %d accepted, %d rejected, %d merged",
        job.pk,
        job.rows_read,
        job.rows_accepted,
        job.rows_rejected,
        job.rows_merged,
    )


@dataclass
class _Outcome:
    accepted: list[ParsedRow] = field(default_factory=list)
    rejected: list[ParsedRow] = field(default_factory=list)
    merged: int = 0


def _batch_write(
    result: ImportResult,
    parsed: list[ParsedRow],
    *,
    source: str,
    units: dict[str, bool],
    resolved: dict[tuple[int, str], tuple[str, str, str]],
) -> None:
    job = result.job
    rows = [p.row for p in parsed]
    with transaction.atomic():
        _commit_without_waiting()
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.batches_done != job.batches_done:
            raise ImportConflict(
                _("lần nhập %(job)s đã được một tiến trình khác ghi tiếp") % {"job": job.pk}
            )
        _units_resolve(parsed, resolved)
        outcome = _classify(parsed, source=source, units=units)
        if outcome.accepted:
            loaded = register_load(records=[p.record for p in outcome.accepted], source=source)
            job.person_ranges = _ranges_extended(
                job.person_ranges, loaded.first_person, loaded.first_person + loaded.persons - 1
            )
            _statistics_refresh(
                before=job.rows_accepted, after=job.rows_accepted + len(outcome.accepted)
            )
        _rows_keep(job, outcome)
        job.rows_read += len(rows)
        job.rows_accepted += len(outcome.accepted)
        job.rows_rejected += len(outcome.rejected)
        job.rows_merged += outcome.merged
        job.rows_warned += sum(1 for p in outcome.accepted if p.warnings)
        job.batches_done += 1
        job.sheet_index, job.row = rows[-1].sheet.index, rows[-1].number
        job.save(
            update_fields=[
                "rows_read",
                "rows_accepted",
                "rows_rejected",
                "rows_merged",
                "rows_warned",
                "batches_done",
                "sheet_index",
                "row",
                "person_ranges",
            ]
        )
    room = ERRORS_KEPT - len(result.errors)
    if room > 0:
        result.errors.extend(e for p in outcome.rejected for e in p.errors[:room])
        del result.errors[ERRORS_KEPT:]
    log.info(
        "import job %d batch %d (sheet %d, up to row %d): %d accepted, %d rejected, %d merged",
        job.pk,
        job.batches_done,
        job.sheet_index,
        job.row,
        len(outcome.accepted),
        len(outcome.rejected),
        outcome.merged,
    )


def _ranges_extended(ranges: list[list[int]], first: int, last: int) -> list[list[int]]:
    """``ranges`` with [first, last] added, joined to the last range where it follows on
    (no other writer took keys between two batches): a job keeps a few ranges, not one per
    batch."""
    if ranges and ranges[-1][1] + 1 == first:
        return [*ranges[:-1], [ranges[-1][0], last]]
    return [*ranges, [first, last]]


def _statistics_refresh(*, before: int, after: int) -> None:
    """ANALYZE the columns a batch looks persons and households up by, on PostgreSQL, when
    the job's accepted rows went past STATISTICS_FROM_ROWS × 2ⁿ (a quarter of the time of
    whole tables). Autovacuum cannot while an import runs: every batch locks
    these tables (reserve_ids) and autovacuum skips a locked table. Without statistics the
    planner reads a batch's thousands of refs and IDs against the whole register (0.3 s a
    look-up at a million persons) instead of probing the unique indexes. In the batch's own
    transaction: ANALYZE counts its rows, and a dry run rolls the statistics back too."""
    if connection.vendor != "postgresql":
        return
    if _doublings(after) == _doublings(before):
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, names in LOOKED_UP.items():
            columns = ", ".join(qn(model._meta.get_field(name).column) for name in names)
            cursor.execute(f"ANALYZE {qn(model._meta.db_table)} ({columns})")


def _doublings(rows: int) -> int:
    """0 below STATISTICS_FROM_ROWS, then 1, 2, 3… each time ``rows`` doubles."""
    return (rows // STATISTICS_FROM_ROWS).bit_length()


def _commit_without_waiting() -> None:
    """On PostgreSQL, let this batch's commit return before its WAL reaches the disk
    (synchronous_commit off, for this transaction only). Safe here: a crash can lose only the
    last batches whole, never part of one, and their job counts with them, so the same
    command redoes them; the job's final "done" is an ordinary commit, which waits for
    everything written before it. Each batch saves a disk flush (a tenth of its time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _rows_keep(job: ImportJob, outcome: "_Outcome") -> None:
    """The batch's rejected rows, whole, and the warnings on its accepted ones, in bulk: a
    file of another source's people can reject every row."""
    first = reserve_ids(RejectedRow, len(outcome.rejected))
    copy_rows(
        RejectedRow,
        ["id", "job_id", "sheet", "row", "column", "cells", "reasons"],
        (
            (
                first + n,
                job.pk,
                p.row.sheet_name[:100],
                p.row.number,
                p.errors[0].column[:200],
                json.dumps(p.row.values(), ensure_ascii=False),
                json.dumps(
                    [
                        {"column": e.column, "vi": e.message_vi, "en": e.message_en}
                        for e in p.errors
                    ],
                    ensure_ascii=False,
                ),
            )
            for n, p in enumerate(outcome.rejected)
        ),
    )
    warnings = [(p, w) for p in outcome.accepted for w in p.warnings]
    first = reserve_ids(RowWarning, len(warnings))
    copy_rows(
        RowWarning,
        ["id", "job_id", "sheet", "row", "column", "source_ref", "message_vi", "message_en"],
        (
            (
                first + n,
                job.pk,
                p.row.sheet_name[:100],
                p.row.number,
                w.column[:200],
                p.record.ref,
                w.message_vi[:500],
                w.message_en[:500],
            )
            for n, (p, w) in enumerate(warnings)
        ),
    )
    reset_sequence(RejectedRow)
    reset_sequence(RowWarning)


def _classify(parsed: list[ParsedRow], *, source: str, units: dict[str, bool]) -> _Outcome:
    """Sort a batch into accepted, rejected and merged, with the same result whether an
    earlier row it depends on is in this batch or committed by an earlier one."""
    records = [p.record for p in parsed if p.record is not None]
    present = _present(source, [r.ref for r in records])
    _units_known(units, {c for r in records for c in (r.permanent_unit, r.temporary_unit) if c})
    valid = {r.ref: _valid_id(r) for r in records}
    numbers = [r.personal_id for r in records if valid[r.ref]]
    taken = set(
        Person.objects.filter(personal_id__any_of=numbers)
        .exclude(personal_id="")  # as the unique index says: see _present
        .values_list("personal_id", flat=True)
    )
    outcome = _Outcome()
    seen: dict[str, tuple] = {}
    seen_ids: dict[str, int] = {}
    for p in parsed:
        record = p.record
        if record is None:
            outcome.rejected.append(p)
            continue
        earlier = present.get(record.ref) or seen.get(record.ref)
        if earlier is not None:
            pairs = zip(_COMPARED_AS, earlier, _compared(record), strict=True)
            different = [name for name, old, new in pairs if old != new]
            if not different:
                outcome.merged += 1
                continue
            columns = ", ".join(p.row.header(name) for name in different)
            p.problem(
                "ref",
                f"mã bản ghi đã có trong sổ với dữ liệu khác ở: {columns}; sửa qua phiếu DC02",
                f"this record id is already in the register with other data in: {columns}; "
                "correct it with a DC02 request",
            )
        else:
            _check_units(p, units)
            number = record.personal_id
            if valid[record.ref] and number in seen_ids:
                p.problem(
                    "personal_id",
                    f"số định danh trùng với dòng {seen_ids[number]}",
                    f"the same personal ID as row {seen_ids[number]}",
                )
            elif valid[record.ref] and number in taken:
                p.problem(
                    "personal_id",
                    "số định danh đã có trong sổ ở bản ghi khác",
                    "this personal ID is already in the register for another record",
                )
        if p.errors:
            p.record = None
            outcome.rejected.append(p)
            continue
        outcome.accepted.append(p)
        seen[record.ref] = _compared(record)
        if valid[record.ref]:
            seen_ids[record.personal_id] = p.row.number
    return outcome


_COMPARED_AS = [*COMPARED, "personal_id", "household_code"]


_compared: Callable[[PersonRecord], tuple] = attrgetter(*COMPARED, "personal_id", "household_code")


def _present(source: str, refs: list[str]) -> dict[str, tuple]:
    # No ref is empty; saying so lets PostgreSQL use the partial unique index on (source,
    # source_ref) instead of reading the whole register once a batch.
    rows = (
        Person.objects.filter(source=source, source_ref__any_of=refs)
        .exclude(source_ref="")
        .values_list("source_ref", *COMPARED, "personal_id", "unverified_id", "household__code")
    )
    return {
        ref: (*values, number or unverified, household or "")
        for ref, *values, number, unverified, household in rows
    }


def _valid_id(record: PersonRecord) -> bool:
    return bool(record.personal_id) and not personal_id.problems(
        record.personal_id, birth_year=record.birth_date.year, sex=record.sex
    )


def _units_known(known: dict[str, bool], codes: Iterable[str]) -> None:
    """Remember which unit codes exist (current units, of 2025); each is asked once a job."""
    new = [code for code in codes if code not in known]
    found = set(
        AdministrativeUnit.objects.filter(
            reorganisation=Reorganisation.Y2025, code__any_of=new
        ).values_list("code", flat=True)
    )
    known.update({code: code in found for code in new})


def _units_resolve(
    parsed: list[ParsedRow], known: dict[tuple[int, str], tuple[str, str, str, str]]
) -> None:
    """Rows whose unit is of the map before 2025 live in today's unit it became
    (geo.mapping.resolve_unit: a divided commune by the row's address, else its default).
    The old unit is named by its code (the canonical column of the old map) or was found by
    name; a row that gives today's unit too keeps it."""
    codes = {p.record.permanent_recorded_unit for p in parsed if p.record is not None} - {""}
    old = dict(
        AdministrativeUnit.objects.filter(
            reorganisation=Reorganisation.PRE_2025, code__in=codes
        ).values_list("code", "pk")
    )
    for p in parsed:
        if p.record is None:
            continue
        code = p.record.permanent_recorded_unit
        if code and p.recorded_unit is None:
            if code not in old:
                p.problem(
                    "permanent_recorded_unit",
                    f"không có xã mã {code} trên bản đồ trước 01/7/2025",
                    f"there is no commune with code {code} on the map before 1 July 2025",
                )
                p.record = None
                continue
            p.recorded_unit = old[code]
        if p.recorded_unit is None:
            continue
        address = p.record.permanent_address
        key = (p.recorded_unit, address)
        if key not in known:
            known[key] = _today_unit(p.recorded_unit, address)
        code, recorded, vi, en = known[key]
        if code:
            p.record.permanent_unit = p.record.permanent_unit or code
            p.record.permanent_recorded_unit = recorded
        else:
            p.problem("permanent_address" if address else "", vi, en)
            p.record = None


def _today_unit(unit_id: int, address: str) -> tuple[str, str, str, str]:
    """(today's code, the code as recorded on the old map or "", "", "") of a unit named on
    either map, or ("", "", why in Vietnamese, in English)."""
    unit = AdministrativeUnit.objects.get(pk=unit_id)
    try:
        today = resolve_unit(unit, address=address)
    except UnitNotResolved as error:  # says which and why, in the active language
        return "", "", f"{unit.name} ({unit.code}): {error}", f"{unit.name} ({unit.code}): {error}"
    recorded = unit.code if unit.reorganisation == Reorganisation.PRE_2025 else ""
    return today.code, recorded, "", ""


def _check_units(p: ParsedRow, known: dict[str, bool]) -> None:
    for name in ("permanent_unit", "temporary_unit"):
        code = getattr(p.record, name)
        if code and not known[code]:
            p.problem(name, f"không có đơn vị mã {code}", f"there is no unit with code {code}")
