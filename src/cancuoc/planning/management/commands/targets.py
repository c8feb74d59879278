from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from cancuoc.forecasting.report import number
from cancuoc.forecasting.targets import TargetSplitError, target_split
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.planning.models import Target


class Command(BaseCommand):
    help = (
        "Giao chỉ tiêu / `targets split UNIT_CODE`: split the unit's target (the one with the "
        "latest deadline) among the units below it by eligible population"
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        split = sub.add_parser("split")
        split.add_argument("unit", metavar="UNIT_CODE")

    def handle(self, *args, action: str, unit: str, **options) -> None:
        try:
            area = unit_by_code(unit)
        except UnitNotFound as error:
            raise CommandError(str(error)) from error
        target = Target.objects.filter(unit=area).order_by("-deadline").first()
        if target is None:
            raise CommandError(f"{area.name} chưa có chỉ tiêu / has no target")
        try:
            parts = target_split(target=target)
        except TargetSplitError as error:
            raise CommandError(str(error)) from error
        table = Table(
            title=f"Chỉ tiêu {area.name} {number(target.count)} trước "
            f"{target.deadline:%d/%m/%Y} / target split"
        )
        table.add_column("Đơn vị / unit")
        table.add_column("Chỉ tiêu / target", justify="right")
        for part in parts:
            table.add_row(part.unit.name, number(part.count))
        Console(file=self.stdout, width=120).print(table)
