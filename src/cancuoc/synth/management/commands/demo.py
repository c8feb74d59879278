from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from cancuoc.forecasting.plan import catch_up_plan
from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs.worker import worker_thread
from cancuoc.planning.costs import unit_prices
from cancuoc.scheduling.report import comparison_table
from cancuoc.scheduling.simulation import compare
from cancuoc.scheduling.worklists import worklist_counts
from cancuoc.synth.demo import (
    DEMO_PROVINCE,
    DEMO_STATION_DAY,
    SEED_CAMPAIGNS,
    DemoRefused,
    demo_campaign,
    demo_dedup,
    demo_guard,
    demo_login_reset,
    demo_plan,
    demo_province_load,
    demo_seed_campaign,
)


class Command(BaseCommand):
    help = "Chạy bản trình diễn / build a demo province, print its worklist, serve the site."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--as-of", type=date.fromisoformat, default=date(2021, 4, 1))
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare and exit")
        parser.add_argument(
            "--province",
            choices=sorted(SEED_CAMPAIGNS),
            help="chiến dịch mùa xuân 2021 của tỉnh này trên bản đồ trước 01/7/2025 (có huyện) "
            "/ replay this province's spring-2021 campaign on the map of its day; "
            "default: today's Thanh Hóa",
        )

    def handle(self, *args, people, seed, as_of, port, no_serve, province, **options) -> None:
        console = Console(file=self.stdout, soft_wrap=True)
        campaign = SEED_CAMPAIGNS[province] if province else None
        code = campaign.province if campaign else DEMO_PROVINCE
        try:
            demo_guard(seed=seed, province=code)
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        with console.status("Chuẩn bị cơ sở dữ liệu / migrating…"):
            call_command("migrate", verbosity=0)
        with console.status(f"Tạo và nạp tỉnh mô phỏng {people:,} người / loading…"):
            loaded = demo_province_load(people=people, seed=seed, province=code)
        with console.status("Dò trùng (Splink) / finding duplicates…"):
            matched = demo_dedup(on=as_of)
        console.print(
            f"Dò trùng / duplicates: {matched.records:,} bản ghi / records, "
            f"{matched.auto_merged:,} cặp tự động hợp nhất / merged, {matched.to_review:,} cặp "
            f"chờ xem xét / to review (/don-vi/{code}/nghi-trung/)"
        )
        with console.status("Chỉ tiêu, điểm thu nhận, mô phỏng thu nhận / campaign…"):
            if campaign:
                target = demo_seed_campaign(campaign=campaign, as_of=as_of)
                console.print(
                    f"Chỉ tiêu / target: {target.count:,} thẻ trước / cards by "
                    f"{target.deadline:%d/%m/%Y}, giao cho / split over "
                    f"{target.parts.count()} huyện / districts"
                )
            else:
                demo_campaign(province_code=DEMO_PROVINCE, as_of=as_of)
        unit = unit_by_code(code)
        counts = worklist_counts(unit=unit, on=as_of)
        if campaign:  # by district, as the seeds reported
            title, column, shown = "theo huyện / by district", "Huyện/quận/thị xã/thành phố", None
        else:
            title = "10 xã, phường còn nhiều người nhất / the 10 communes with most left"
            column, shown = "Xã/phường", 10
        table = Table(title=f"{unit.name}: cần cấp thẻ tính đến {as_of:%d/%m/%Y} ({title})")
        for header in (column, "Cần cấp thẻ", "Cấp mới", "Khó"):
            table.add_column(header, justify="left" if header == column else "right")
        for count in sorted(counts, key=lambda c: -c.total)[:shown]:
            table.add_row(
                count.unit.name, f"{count.total:,}", f"{count.first:,}", f"{count.hard:,}"
            )
        total = sum(c.total for c in counts)
        table.add_row(
            "[b]Toàn tỉnh / province",
            f"[b]{total:,}",
            f"[b]{sum(c.first for c in counts):,}",
            f"[b]{sum(c.hard for c in counts):,}",
        )
        console.print(f"Dân số trong sổ / persons in the register: {loaded:,}")
        console.print(table)
        if campaign:
            self._serve(console, port=port, as_of=as_of, no_serve=no_serve, page=unit.url_code)
            return
        with console.status("Lịch hẹn hai tuần tới / booking the next two weeks…"):
            plan = demo_plan(province_code=DEMO_PROVINCE, as_of=as_of)
        run = plan.run
        console.print(
            f"Lịch hẹn / appointments {plan.first:%d/%m}–{plan.last:%d/%m}: "
            f"{plan.booked:,} người đã hẹn / booked ({run.assigned:,} lần này / this run), "
            f"{run.unassigned:,} chưa xếp được / without a slot (chi phí / cost {run.cost:,}, "
            f"cận dưới / lower bound {run.lower_bound:,}, {run.seconds:.1f} s)"
        )
        if plan.van is not None:
            console.print(
                f"{plan.van.name} ({plan.van.code}, {plan.van.unit.name}): "
                f"{plan.van.visits.count()} điểm dừng / stops, {plan.van_booked:,} người đã hẹn "
                f"tại xe / booked at the vehicle (/diem/{plan.van.code}/)"
            )
        outlook = catch_up_plan(unit=unit, on=as_of, prices=unit_prices())
        behind = sum(1 for unit in outlook.outlooks if unit.forecast.flagged)
        console.print(
            f"Dự báo / forecast: {behind} trên {len(outlook.outlooks)} đơn vị chậm tiến độ / "
            f"units behind; bù tiến độ / catching up: {outlook.total:,.0f} VND "
            f"(chi tiết / details: cancuoc forecast {DEMO_PROVINCE} --on {as_of})"
        )
        with console.status("Mô phỏng một ngày của điểm 2 máy / simulating a station day…"):
            simulated = compare(DEMO_STATION_DAY, days=40)
        Console(file=self.stdout, width=150).print(comparison_table(simulated))
        self._serve(console, port=port, as_of=as_of, no_serve=no_serve)

    def _serve(self, console, *, port: int, as_of: date, no_serve: bool, page: str = "") -> None:
        login = demo_login_reset()
        url = f"http://127.0.0.1:{port}/"  # two-factor login is off for the demo only
        if page:
            url += f"don-vi/{page}/"
        console.print(
            f"\n[b]Mở / open {url}[/b]  đăng nhập / login: [b]{login.username}[/b]"
            f"  mật khẩu / password: [b]{login.password}[/b]\n"
        )
        if no_serve:
            return
        settings.CANCUOC_AS_OF = as_of.isoformat()
        settings.CANCUOC_REQUIRE_2FA = False  # a demo on localhost; production keeps it on
        worker_thread()  # background jobs (uploads, rebuilds) next to the server
        console.print("Công việc nền / background jobs: /cong-viec/")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
