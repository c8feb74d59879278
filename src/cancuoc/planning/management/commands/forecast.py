from datetime import date

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from cancuoc.forecasting.plan import catch_up_plan
from cancuoc.forecasting.report import cost_table, forecast_table, number, reallocation_table
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.lib import clock
from cancuoc.planning.costs import unit_prices


def as_of_default() -> date:
    return clock.today()


class Command(BaseCommand):
    help = (
        "Dự báo tiến độ các đơn vị cấp dưới / forecast the units below UNIT_CODE: who will "
        "miss the deadline, what to add, kits to move or buy, and the cost"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("unit", metavar="UNIT_CODE")
        parser.add_argument("--on", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, unit: str, on: date | None, **options) -> None:
        try:
            area = unit_by_code(unit)
        except UnitNotFound as error:
            raise CommandError(str(error)) from error
        plan = catch_up_plan(unit=area, on=on or as_of_default(), prices=unit_prices())
        console = Console(file=self.stdout, width=240)
        console.print(forecast_table(plan))
        behind = sum(o.forecast.flagged for o in plan.outlooks)
        console.print(f"Chậm tiến độ / behind: {behind} trên {len(plan.outlooks)} đơn vị / units")
        if plan.reallocation.moves or plan.reallocation.purchases:
            console.print(reallocation_table(plan.reallocation))
        console.print(cost_table(plan))
        console.print(f"Tổng kinh phí / total cost: {number(plan.total)} VND")
