from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cancuoc.dedup.services import NoTrainedModel, job_match
from cancuoc.imports.errors import ImportFileError, note_text
from cancuoc.imports.exports import template_write
from cancuoc.imports.services import (
    DEFAULT_BATCH_SIZE,
    ImportConflict,
    default_source,
    match_failed,
    person_import,
)


class Command(BaseCommand):
    help = (
        "Nhập danh sách nhân khẩu / import persons and households from a commune's CSV or "
        "XLSX file; a second run of the same file resumes an unfinished import or changes "
        "nothing."
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

    def handle(
        self,
        *args,
        file,
        source,
        unit,
        dry_run,
        batch_size,
        rejected,
        template,
        no_dedup,
        **options,
    ):
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
        source = source or default_source(file)
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task(f"Nhập / importing {file.name}", total=None)

            def advance(job, estimated_rows: int) -> None:
                progress.update(
                    task, completed=job.rows_read, total=max(estimated_rows, job.rows_read)
                )

            try:
                result = person_import(
                    path=file,
                    source=source,
                    batch_size=batch_size,
                    dry_run=dry_run,
                    rejected_out=rejected,
                    on_batch=advance,
                    unit=unit,
                )
            except (ImportFileError, ImportConflict, ValueError) as error:
                raise CommandError(str(error)) from error
        job = result.job
        if result.resumed:
            console.print("Tiếp tục lần nhập dở / resumed an unfinished import")
        console.print(
            f"{'[b]Thử[/b] / dry run: ' if dry_run else ''}{file.name} ({source}): "
            f"{job.rows_read:,} dòng đọc / read = {job.rows_accepted:,} nhập / accepted "
            f"+ {job.rows_rejected:,} loại / rejected + {job.rows_merged:,} đã có / merged; "
            f"{job.rows_warned:,} nhập có cảnh báo / accepted with a warning; "
            f"{job.batches_done:,} lô / batches"
        )
        for note in job.notes:
            console.print(f"  {note_text(note)}", markup=False)
        for error in result.errors:
            console.print(f"  {error}", markup=False)
        shown = len({(e.sheet, e.row) for e in result.errors})
        if job.rows_rejected > shown:
            console.print(
                f"  … {job.rows_rejected - shown:,} dòng loại khác / more rejected rows",
                markup=False,
            )
        if rejected:
            console.print(f"Dòng bị loại / rejected rows → {rejected}", markup=False)
        elif job.rows_rejected > shown:
            console.print(_full_list(job, file, dry_run), markup=False)
        if not (dry_run or no_dedup) and job.person_ranges:
            with console.status("Dò trùng / matching the new records against the register…"):
                try:
                    run = job_match(job=job)
                except NoTrainedModel as error:
                    console.print(str(error), markup=False)
                    return
                except Exception as error:  # the import is committed: say how to redo this
                    raise CommandError(match_failed(job, error)) from error
            console.print(
                f"Dò trùng / duplicates: {run.records:,} bản ghi mới / new records, "
                f"{run.auto_merged:,} tự động hợp nhất / merged, {run.to_review:,} chờ xem "
                f"xét / to review (lần dò trùng / run #{run.pk})"
            )


def _full_list(job, file: Path, dry_run: bool) -> str:
    """Where every rejected row is, with every reason, when the console shows only some."""
    again = f"cancuoc import {file} --dry-run --rejected OUT.xlsx"
    if dry_run:
        return f"Danh sách đầy đủ / the full list: {again}"
    page = reverse("admin:imports_importjob_rejected", args=[job.pk])
    return (
        f"Danh sách đầy đủ / the full list: {page} (trang quản trị / admin, lần nhập / job "
        f"{job.pk}), hoặc / or {again}"
    )
