import shutil
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.jobs.cli import job_command
from cancuoc.jobs.texts import in_reader_language
from cancuoc.reports.weekly_jobs import KIND, report_folder


class Command(BaseCommand):
    help = (
        "Báo cáo tuần / weekly report: `report weekly --unit 38 --as-of DATE --out DIR` writes "
        "DOCX, XLSX annex and PDF, made by a job (shown on its page, with a progress bar here; "
        "--background only queues it and prints its page). The worker's schedule makes each "
        "province's every Friday at 16:00."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        weekly = sub.add_parser("weekly")
        weekly.add_argument("--unit", required=True)
        weekly.add_argument("--as-of", type=date.fromisoformat, default=date.today())
        weekly.add_argument("--out", type=Path, help="thư mục / directory (not with --background)")
        weekly.add_argument(
            "--background",
            action="store_true",
            help="only queue the job for `cancuoc worker`; its page links the files",
        )

    def handle(self, *args, action, unit, as_of, out, background, **options) -> None:
        try:
            area = unit_by_code(unit)
        except UnitNotFound as error:
            raise CommandError(str(error)) from error
        if out is None and not background:
            raise CommandError("cần --out DIR hoặc --background / give --out DIR or --background")
        params = {"unit": area.url_code, "as_of": as_of.isoformat()}
        job = job_command(
            KIND,
            params=params,
            target=area.code,
            unit=area,
            background=background,
            console=Console(file=self.stdout, soft_wrap=True),
            busy_said="báo cáo của đơn vị này đang được làm / under way",
            same_params=True,  # a queued report of another day, left by another run
        )
        if job is None:
            return
        out.mkdir(parents=True, exist_ok=True)
        if job.result.get("pdf_missing"):
            self.stderr.write(f"PDF: {in_reader_language(job.result['pdf_missing'])}")
        for name in job.result["files"].values():
            path = out / name
            shutil.copyfile(report_folder(job.pk) / name, path)
            self.stdout.write(f"→ {path}")
