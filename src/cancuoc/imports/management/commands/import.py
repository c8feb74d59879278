from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from rich.console import Console

from cancuoc.imports.errors import ImportFileError, note_text
from cancuoc.imports.exports import template_write
from cancuoc.imports.jobs import KIND, import_target
from cancuoc.imports.models import ImportJob
from cancuoc.imports.services import (
    DEFAULT_BATCH_SIZE,
    ImportConflict,
    default_source,
    person_import,
)
from cancuoc.jobs.cli import job_command
from cancuoc.jobs.texts import in_reader_language


class Command(BaseCommand):
    help = (
        "Nhập danh sách nhân khẩu / import persons and households from a commune's CSV or "
        "XLSX file, as a job (shown on its page, with a progress bar here); a second run of "
        "the same file resumes an unfinished import or changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--source", help="tên nguồn / source name (default: the file name)")
        parser.add_argument(
            "--unit",
            default="",
            help="đơn vị của cả tệp / the unit of the whole file: a code, or a name on either "
            'map ("xã Quảng Hải, huyện Quảng Xương"); default: the title rows, the addresses',
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--rejected", type=Path, metavar="OUT.xlsx", help="write the rejected rows here"
        )
        parser.add_argument(
            "--template", type=Path, metavar="OUT.xlsx", help="write the blank template here"
        )
        parser.add_argument(
            "--no-dedup",
            action="store_true",
            help="do not match the new records against the register afterwards",
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="only queue the job for `cancuoc worker` and print its page",
        )

    def handle(self, *args, file, template, dry_run, background, **options):
        console = Console(file=self.stdout, soft_wrap=True)
        if template:
            template_write(template)
            console.print(f"Mẫu tệp / template → {template}")
        if file is None:
            if template:
                return
            raise CommandError("cần FILE hoặc --template / give FILE or --template OUT.xlsx")
        if not file.is_file():
            raise CommandError(f"không có tệp / no file {file}")
        source = options["source"] or default_source(file)
        if dry_run:  # writes nothing, leaves nothing to resume: no job
            try:
                result = person_import(
                    path=file,
                    source=source,
                    batch_size=options["batch_size"],
                    dry_run=True,
                    rejected_out=options["rejected"],
                    unit=options["unit"],
                )
            except (ImportFileError, ImportConflict, ValueError) as error:
                raise CommandError(str(error)) from error
            errors = [str(error) for error in result.errors]
            rows = len({(error.sheet, error.row) for error in result.errors})
            _summary(console, result.job, file, source, dry_run=True, errors=errors, rows=rows)
            if options["rejected"]:
                console.print(f"Dòng bị loại / rejected rows → {options['rejected']}", markup=False)
            return
        params = {
            "path": str(file.resolve()),
            "source": source,
            "unit": options["unit"],
            "batch_size": options["batch_size"],
            "dedup": not options["no_dedup"],
        }
        job = job_command(
            KIND,
            params=params,
            target=import_target(file, source),
            background=background,
            console=console,
            busy_said="tệp này đang được nhập / this file is being imported",
        )
        if job is None:
            return
        self._report(console, job.result, file, source, options["rejected"])

    def _report(self, console, result: dict, file: Path, source: str, rejected) -> None:
        imported = ImportJob.objects.get(pk=result["import_job"])
        if result.get("resumed"):
            console.print("Tiếp tục lần nhập dở / resumed an unfinished import")
        errors = [in_reader_language(error) for error in result.get("errors", [])]
        rows = result.get("error_rows", 0)
        _summary(console, imported, file, source, dry_run=False, errors=errors, rows=rows)
        if rejected:
            from cancuoc.imports.exports import rejected_rows_write

            rejected_rows_write(job=imported, path=rejected)
            console.print(f"Dòng bị loại / rejected rows → {rejected}", markup=False)
        elif imported.rows_rejected > rows:
            console.print(_full_list(imported, file), markup=False)
        match = result.get("match") or {}
        if "records" in match:
            console.print(
                f"Dò trùng / duplicates: {match['records']:,} bản ghi mới / new records, "
                f"{match['auto_merged']:,} tự động hợp nhất / merged, {match['to_review']:,} "
                f"chờ xem xét / to review (lần dò trùng / run #{match['run']})"
            )
        elif match.get("note"):
            note = in_reader_language(match["note"])
            if "--job" in note:  # the matching failed: the import stands, say how to redo it
                raise CommandError(note)
            console.print(note, markup=False)


def _summary(
    console, job: ImportJob, file: Path, source: str, *, dry_run: bool, errors: list, rows: int
) -> None:
    console.print(
        f"{'[b]Thử[/b] / dry run: ' if dry_run else ''}{file.name} ({source}): "
        f"{job.rows_read:,} dòng đọc / read = {job.rows_accepted:,} nhập / accepted "
        f"+ {job.rows_rejected:,} loại / rejected + {job.rows_merged:,} đã có / merged; "
        f"{job.rows_warned:,} nhập có cảnh báo / accepted with a warning; "
        f"{job.batches_done:,} lô / batches"
    )
    for note in job.notes:
        console.print(f"  {note_text(note)}", markup=False)
    for error in errors:
        console.print(f"  {error}", markup=False)
    if job.rows_rejected > rows:
        console.print(
            f"  … {job.rows_rejected - rows:,} dòng loại khác / more rejected rows", markup=False
        )
    if dry_run and job.rows_rejected > rows:
        again = f"cancuoc import {file} --dry-run --rejected OUT.xlsx"
        console.print(f"Danh sách đầy đủ / the full list: {again}", markup=False)


def _full_list(job: ImportJob, file: Path) -> str:
    """Where every rejected row is, with every reason (the console lists none of them)."""
    again = f"cancuoc import {file} --dry-run --rejected OUT.xlsx"
    page = reverse("admin:imports_importjob_rejected", args=[job.pk])
    return (
        f"Danh sách đầy đủ / the full list: {page} (trang quản trị / admin, lần nhập / job "
        f"{job.pk}), hoặc / or {again}"
    )
