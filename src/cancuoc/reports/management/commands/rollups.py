from datetime import date

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.jobs.cli import job_command
from cancuoc.reports.rollups import eligible_snapshot


class Command(BaseCommand):
    help = (
        "Số liệu tổng hợp / rollups: `rollups rebuild` recounts them from the applications; "
        "`rollups eligible --unit 38 --as-of DATE` counts who needs a card, per unit."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild")
        rebuild.add_argument(
            "--background", action="store_true", help="queue it for the worker, print its page"
        )
        eligible = sub.add_parser("eligible")
        eligible.add_argument("--unit", required=True)
        eligible.add_argument("--as-of", type=date.fromisoformat, default=date.today())

    def handle(self, *args, action, **options) -> None:
        if action == "rebuild":  # a job (reports/jobs.py): recorded, one at a time
            job = job_command(
                "reports.rollups_rebuild",
                background=options["background"],
                console=Console(file=self.stdout, soft_wrap=True),
                busy_said="đang tính lại / a recount is under way",
            )
            if job is None:
                return
            units, stations = job.result["units"], job.result["stations"]
            self.stdout.write(f"{units} dòng đơn vị-ngày, {stations} dòng bộ máy-ngày")
            return
        try:
            unit = unit_by_code(options["unit"])
        except UnitNotFound as error:
            raise CommandError(str(error)) from error
        written = eligible_snapshot(unit, options["as_of"])
        self.stdout.write(f"{written} đơn vị / units counted")
