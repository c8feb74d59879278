import re
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cancuoc.accounts.audit import audit_record, cli_purpose, cli_username, purpose_help
from cancuoc.planning.models import Station
from cancuoc.scheduling.schedules import schedule_xlsx
from cancuoc.scheduling.slips import slips_by_village


def _file_part(code: str) -> str:
    """A code as a safe part of a file name."""
    return re.sub(r"[^\w.-]", "_", code)


class Command(BaseCommand):
    help = (
        "Phiếu hẹn theo thôn (PDF) và lịch hẹn của điểm thu nhận (XLSX) / appointment slips, "
        "one PDF per village, and the station's schedule"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("station", help="mã điểm thu nhận / station code")
        parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
        parser.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
        parser.add_argument("--out", type=Path, required=True, help="thư mục / directory")
        parser.add_argument("--purpose", default="", help=purpose_help(2))

    def handle(
        self, *args, station: str, first: date, last: date, out: Path, purpose: str, **options
    ) -> None:
        try:
            purpose = cli_purpose(purpose, default=2)
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            place = Station.objects.get(code=station)
        except Station.DoesNotExist as error:
            raise CommandError(
                f"không có điểm thu nhận mã {station} / no station with code {station}"
            ) from error
        if last < first:
            raise CommandError(f"--to {last} trước --from {first} / --to is before --from")
        out.mkdir(parents=True, exist_ok=True)
        prefix = _file_part(place.code)
        batches = slips_by_village(station=place, first=first, last=last)
        for batch in batches:
            village = _file_part(batch.village.code) if batch.village else "khong-ro-thon"
            path = out / f"phieu-hen-{prefix}-{village}.pdf"
            path.write_bytes(batch.pdf)
            where = batch.village.name if batch.village else "chưa rõ thôn / no village"
            self.stdout.write(f"{batch.count} phiếu hẹn ({where}) → {path}")
        path = out / f"lich-hen-{prefix}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"
        path.write_bytes(schedule_xlsx(station=place, first=first, last=last))
        slips = sum(batch.count for batch in batches)
        audit_record(  # names and appointments leave the system, as the pages' downloads audit
            action="export",
            obj=place,
            purpose=purpose,
            username=cli_username(),
            detail={
                "document": "slips",
                "from": first.isoformat(),
                "to": last.isoformat(),
                "rows": slips,
                "villages": len(batches),
            },
        )
        self.stdout.write(f"lịch hẹn / schedule → {path}")
        self.stdout.write(f"{slips} phiếu hẹn, {len(batches)} thôn / slips, villages")
