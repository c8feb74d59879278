from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from cancuoc.planning.models import Station as PlannedStation
from cancuoc.scheduling.report import comparison_table
from cancuoc.scheduling.services import no_show_rate
from cancuoc.scheduling.simulation import TARGET_MEAN_WAIT, TARGET_UTILISATION, Station, compare


class Command(BaseCommand):
    help = (
        "Mô phỏng một ngày của điểm thu nhận / simulate a station's day under each booking "
        "policy and recommend one"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--station", help="mã điểm: kits, shift, capture time and no-shows from the register"
        )
        parser.add_argument("--kits", type=int, default=5)
        parser.add_argument("--hours", type=float, default=8.0, help="opening hours a day")
        parser.add_argument("--capture", type=float, default=8.0, help="minutes per person")
        parser.add_argument("--capture-cv", type=float, default=0.3)
        parser.add_argument("--slot", type=float, default=30.0, help="slot length, minutes")
        parser.add_argument("--no-show", type=float, default=0.10)
        parser.add_argument("--walk-ins", type=float, default=0.0, help="per hour, besides")
        parser.add_argument("--days", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **o) -> None:
        if o["station"]:
            o |= _from_register(o["station"])
        station = Station(
            kits=o["kits"],
            open_minutes=o["hours"] * 60,
            capture_minutes=o["capture"],
            capture_cv=o["capture_cv"],
            slot_minutes=o["slot"],
            no_show=o["no_show"],
            walk_ins_per_hour=o["walk_ins"],
        )
        result = compare(station, days=o["days"], seed=o["seed"])
        Console(file=self.stdout, width=140).print(comparison_table(result))
        verdict = "đạt" if result.meets_targets else "chưa đạt"
        self.stdout.write(
            f"Mục tiêu máy bận ≥ {TARGET_UTILISATION:.0%}, chờ TB ≤ {TARGET_MEAN_WAIT:g} phút: "
            f"{verdict} / targets {'met' if result.meets_targets else 'not met'} with "
            f"{result.recommended.policy.name}"
        )


def _from_register(code: str) -> dict:
    """A station's kits, its longest shift, capture minutes and observed no-show rate."""
    try:
        station = PlannedStation.objects.get(code=code)
    except PlannedStation.DoesNotExist as error:
        raise CommandError(f"không có điểm thu nhận / no station {code}") from error
    shifts = [shift.minutes() for shift in station.shifts.all()]
    if not shifts:
        raise CommandError(f"{code}: chưa có lịch ca / no shifts")
    return {
        "kits": station.kits.count(),
        "hours": max(shifts) / 60,
        "capture": float(station.capture_minutes),
        "no_show": no_show_rate(station),
    }
