import shutil
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from cancuoc.accounts.audit import audit_record, cli_purpose, cli_username, purpose_help
from cancuoc.jobs.cli import job_command
from cancuoc.planning.models import Station
from cancuoc.scheduling.jobs import SLIPS, slips_folder


class Command(BaseCommand):
    help = (
        "Phiếu hẹn theo thôn (PDF) và lịch hẹn của điểm thu nhận (XLSX) / appointment slips, "
        "one PDF per village, and the station's schedule, made by a job (shown on its page, "
        "with a progress bar here; --background only queues it and prints its page)"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("station", help="mã điểm thu nhận / station code")
        parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
        parser.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
        parser.add_argument("--out", type=Path, help="thư mục / directory (not with --background)")
        parser.add_argument("--purpose", default="", help=purpose_help(2))
        parser.add_argument(
            "--background",
            action="store_true",
            help="only queue the job for `cancuoc worker`; its page links the files",
        )

    def handle(
        self,
        *args,
        station: str,
        first: date,
        last: date,
        out: Path | None,
        purpose: str,
        background: bool,
        **options,
    ) -> None:
        try:
            purpose = cli_purpose(purpose, default=2)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if out is None and not background:
            raise CommandError("cần --out DIR hoặc --background / give --out DIR or --background")
        try:
            place = Station.objects.select_related("unit").get(code=station)
        except Station.DoesNotExist as error:
            raise CommandError(
                f"không có điểm thu nhận mã {station} / no station with code {station}"
            ) from error
        if last < first:
            raise CommandError(f"--to {last} trước --from {first} / --to is before --from")
        params = {
            "station": place.code,
            "first": first.isoformat(),
            "last": last.isoformat(),
            "purpose": purpose,
        }
        job = job_command(
            SLIPS,
            params=params,
            target=place.code,
            unit=place.unit,
            background=background,
            console=Console(file=self.stdout, soft_wrap=True),
            busy_said="đang làm phiếu hẹn của điểm này / slips under way",
        )
        if job is None:
            return
        self._copy(job.pk, job.result, out)
        audit_record(  # names and appointments leave the system, as the pages' downloads audit
            action="export",
            obj=place,
            purpose=purpose,
            username=cli_username(),
            detail={
                "document": "slips",
                "from": first.isoformat(),
                "to": last.isoformat(),
                "rows": job.result["slips"],
                "villages": job.result["villages"],
            },
        )
        self.stdout.write(
            f"{job.result['slips']} phiếu hẹn, {job.result['villages']} thôn / slips, villages"
        )

    def _copy(self, pk: int, result: dict, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for file in result["files"]:
            path = out / file["name"]
            shutil.copyfile(slips_folder(pk) / file["name"], path)
            if file["count"]:
                where = file["village"] or "chưa rõ thôn / no village"
                self.stdout.write(f"{file['count']} phiếu hẹn ({where}) → {path}")
            else:
                self.stdout.write(f"lịch hẹn / schedule → {path}")
