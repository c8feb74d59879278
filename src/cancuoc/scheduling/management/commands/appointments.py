from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console

from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.jobs.cli import job_command
from cancuoc.planning.models import Station
from cancuoc.scheduling.jobs import ASSIGN
from cancuoc.scheduling.services import (
    appointments_mark_no_shows,
    appointments_rebook,
    no_show_rate,
    slots_make,
)


class Command(BaseCommand):
    help = (
        "Lịch hẹn / appointments: make slots from a station's shifts, book a unit's worklist "
        "into them (as a job, shown on its page; --background only queues it for `cancuoc "
        "worker`), mark no-shows and rebook them"
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        slots = sub.add_parser(
            "slots", help="khung giờ từ lịch ca hoặc lịch lưu động / slots from shifts or visits"
        )
        slots.add_argument("station", help="mã điểm thu nhận / station code")
        slots.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
        slots.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
        slots.add_argument("--slot-minutes", type=int, default=60)
        slots.add_argument(
            "--no-show",
            type=float,
            default=None,
            help="tỷ lệ không đến / no-show rate (default: observed over the last 4 weeks)",
        )
        assign = sub.add_parser("assign", help="xếp lịch / book the worklist into slots")
        assign.add_argument("unit", help="mã đơn vị / unit code")
        assign.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
        assign.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
        assign.add_argument(
            "--hard-first", action="store_true", help="khó làm trước / hard cases first"
        )
        assign.add_argument(
            "--background",
            action="store_true",
            help="only queue the job for `cancuoc worker` and print its page",
        )
        rebook = sub.add_parser("rebook", help="hẹn lại người không đến / rebook no-shows")
        rebook.add_argument("station", help="mã điểm thu nhận / station code")

    def handle(self, *args, action: str, **o) -> None:
        out = Console(file=self.stdout, soft_wrap=True)
        if action == "slots":
            station = _station(o["station"])
            rate = no_show_rate(station) if o["no_show"] is None else o["no_show"]
            try:
                made = slots_make(
                    station=station,
                    first=o["first"],
                    last=o["last"],
                    slot_minutes=o["slot_minutes"],
                    no_show=rate,
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            out.print(
                f"{station.code}: {made} khung giờ mới / new slots (không đến / no-shows "
                f"{rate:.0%})"
            )
        elif action == "assign":
            try:
                unit = unit_by_code(o["unit"])
            except UnitNotFound as error:
                raise CommandError(str(error)) from error
            params = {
                "unit": unit.url_code,
                "first": o["first"].isoformat(),
                "last": o["last"].isoformat(),
                "hard_first": o["hard_first"],
            }
            job = job_command(
                ASSIGN,
                params=params,
                target=unit.url_code,
                unit=unit,
                background=o["background"],
                console=out,
                busy_said="đang xếp lịch đơn vị này / this unit is being assigned",
            )
            if job is None:
                return
            run = job.result
            out.print(
                f"{unit.name}: {run['assigned']:,} người đã hẹn / booked, {run['unassigned']:,} "
                f"chưa xếp được / left without a slot, of {run['persons']:,}; cost "
                f"{run['cost']:,} (lower bound {run['lower_bound']:,}, +{run['gap']:.3%}) in "
                f"{run['seconds']:.1f} s"
            )
        else:
            station = _station(o["station"])
            missed = appointments_mark_no_shows(station=station, before=timezone.now())
            result = appointments_rebook(station=station)
            out.print(
                f"{station.code}: {missed} không đến / no-shows marked; {result.rebooked} hẹn "
                f"lại / rebooked, {result.no_room} chưa có chỗ / no room, "
                f"{result.no_longer_needed} không còn cần / no longer needed"
            )


def _station(code: str) -> Station:
    try:
        return Station.objects.get(code=code)
    except Station.DoesNotExist as error:
        raise CommandError(f"không có điểm thu nhận / no station {code}") from error
