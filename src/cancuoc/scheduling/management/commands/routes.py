from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from cancuoc.lib import clock
from cancuoc.planning.models import Station
from cancuoc.scheduling.routes import NoRoutes
from cancuoc.scheduling.visits import visits_plan


class Command(BaseCommand):
    help = (
        "Lập lịch cấp lưu động / plan a mobile team's or vehicle's visits to the villages and "
        "institutions of its area, save them and print the itineraries"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("station", help="mã điểm thu nhận / station code")
        parser.add_argument("--first", type=date.fromisoformat, default=clock.today())
        parser.add_argument("--days", type=int, default=5)
        parser.add_argument(
            "--on", type=date.fromisoformat, help="worklist date (default: --first)"
        )
        parser.add_argument("--time-limit", type=float, default=2.0, help="seconds")

    def handle(self, *args, **o) -> None:
        station = Station.objects.select_related("unit").filter(code=o["station"]).first()
        if station is None:
            raise CommandError(f"Không có điểm {o['station']} / no station {o['station']}")
        try:
            visits = visits_plan(
                station=station,
                first=o["first"],
                days=o["days"],
                on=o["on"] or o["first"],
                time_limit=o["time_limit"],
            )
        except (ValueError, NoRoutes) as error:
            raise CommandError(str(error)) from error
        table = Table(title=f"Lịch cấp lưu động / mobile visits: {station.name}")
        for heading in [
            "Ngày / day",
            "#",
            "Nơi đến / place",
            "Đến / arrives",
            "Rời / leaves",
            "Số người / people",
            "Quãng đường / km",
        ]:
            table.add_column(heading, justify="left" if heading.startswith("N") else "right")
        for visit in visits:
            table.add_row(
                f"{visit.day:%d/%m/%Y}",
                str(visit.order),
                str(visit.unit or visit.institution),
                f"{timezone.localtime(visit.arrives_at):%H:%M}",
                f"{timezone.localtime(visit.leaves_at):%H:%M}",
                str(visit.expected),
                f"{visit.travel_km:.1f}",
            )
        Console(file=self.stdout, width=140).print(table)
        self.stdout.write(
            f"{len(visits)} lượt, {sum(v.expected for v in visits)} người, "
            f"{sum(v.travel_km for v in visits):.1f} km (chưa tính đường về / return legs not "
            f"counted) / {len(visits)} visits, {sum(v.expected for v in visits)} people"
        )
