from datetime import date
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console

from cancuoc.jobs.cli import job_command
from cancuoc.jobs.models import Job
from cancuoc.lib import clock
from cancuoc.outreach.jobs import REMINDERS, SEND, send_gateway
from cancuoc.outreach.models import Campaign, MessageKind
from cancuoc.outreach.selectors import delivery_figures
from cancuoc.outreach.services import (
    QueueResult,
    campaign_queue,
    optout_record,
    reinvite_no_shows,
)
from cancuoc.planning.models import Station
from cancuoc.scheduling.services import appointments_mark_no_shows


class Command(BaseCommand):
    help = (
        "Nhắn tin / outreach: queue a campaign, reminders and re-invitations, send what is "
        "due through a gateway, record opt-outs, show delivery figures; `remind` and `send` "
        "run as jobs (shown on their pages, with a progress bar here; --background only queues "
        "them for `cancuoc worker`)"
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        queue = sub.add_parser("queue", help="xếp hàng tin của một đợt / queue a campaign")
        queue.add_argument("campaign", type=int, help="số đợt / campaign id")
        remind = sub.add_parser(
            "remind", help="nhắc lịch hẹn ngày mai / remind tomorrow's appointments"
        )
        remind.add_argument(
            "--day", type=date.fromisoformat, default=None, help="the day it is (default today)"
        )
        remind.add_argument("--background", action="store_true", help="only queue the job")
        reinvite = sub.add_parser(
            "reinvite", help="hẹn lại và báo người không đến / rebook and tell no-shows"
        )
        reinvite.add_argument("station", help="mã điểm thu nhận / station code")
        send = sub.add_parser("send", help="gửi tin đến hạn / send the messages due")
        send.add_argument("--gateway", choices=["file", "http"], default="file")
        send.add_argument("--outbox", type=Path, default=None, help="the file gateway's file")
        send.add_argument("--rate", type=int, default=None, help="tin mỗi phút / per minute")
        send.add_argument("--background", action="store_true", help="only queue the job")
        optout = sub.add_parser("optout", help="số từ chối nhận tin / a number opts out")
        optout.add_argument("phone")
        optout.add_argument("--source", default="cli")
        figures = sub.add_parser("figures", help="số liệu gửi tin / delivery figures")
        figures.add_argument("--campaign", type=int, default=None)
        figures.add_argument("--kind", choices=MessageKind.values, default="")

    def handle(self, *args, action: str, **o) -> None:
        getattr(self, f"_{action}")(**o)

    def _queue(self, *, campaign: int, **o) -> None:
        try:
            result = campaign_queue(campaign=Campaign.objects.get(pk=campaign))
        except Campaign.DoesNotExist as error:
            raise CommandError(f"không có đợt / no campaign {campaign}") from error
        except (ValueError, LookupError) as error:
            raise CommandError(str(error)) from error
        self._queued(result)

    def _remind(self, *, day: date | None, background: bool, **o) -> None:
        params = {"day": (day or clock.today()).isoformat()}
        job = self._job(REMINDERS, params, background)
        if job is not None:
            self._queued(
                QueueResult(**{k: job.result[k] for k in ("queued", "opted_out", "no_valid_phone")})
            )

    def _reinvite(self, *, station: str, **o) -> None:
        try:
            found = Station.objects.get(code=station)
        except Station.DoesNotExist as error:
            raise CommandError(f"không có điểm thu nhận / no station {station}") from error
        missed = appointments_mark_no_shows(station=found, before=timezone.now())
        result = reinvite_no_shows(station=found)
        self.stdout.write(
            f"{missed} không đến / no-shows marked; {result.rebooking.rebooked} hẹn lại / "
            f"rebooked, {result.rebooking.no_room} chưa có chỗ / no room"
        )
        self._queued(result.messages)

    def _send(
        self, *, gateway: str, outbox: Path | None, rate: int | None, background: bool, **o
    ) -> None:
        outbox_path = str(outbox.resolve()) if outbox else ""
        try:  # refused here, before anything is queued
            send_gateway(gateway, outbox_path)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        params = {"gateway": gateway, "outbox": outbox_path, "rate": rate}
        job = self._job(SEND, params, background)
        if job is None:
            return
        run = job.result
        self.stdout.write(
            f"{run['sent']} đã gửi / sent, {run['retrying']} chờ gửi lại / to retry, "
            f"{run['failed']} lỗi / failed, {run['skipped_opt_out']} từ chối / opted out, "
            f"{run['withdrawn']} rút / withdrawn; {run['resumed']} gửi tiếp sau lần chạy dở / "
            f"resumed, {run['outcome_unknown']} không rõ kết quả / outcome unknown"
        )

    def _job(self, kind: str, params: dict, background: bool) -> Job | None:
        """The job run here with a progress bar and ended well; None when only queued."""
        return job_command(
            kind,
            params=params,
            background=background,
            console=Console(file=self.stdout, soft_wrap=True),
            busy_said="đang chạy / already running",
            same_params=True,  # a queued job of other params, left by another run
        )

    def _optout(self, *, phone: str, source: str, **o) -> None:
        try:
            optout = optout_record(phone=phone, source=source)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{optout}: đã ghi nhận từ chối nhận tin / opt-out recorded")

    def _figures(self, *, campaign: int | None, kind: str, **o) -> None:
        chosen = Campaign.objects.filter(pk=campaign).first() if campaign else None
        if campaign and chosen is None:
            raise CommandError(f"không có đợt / no campaign {campaign}")
        f = delivery_figures(campaign=chosen, kind=kind)
        self.stdout.write(
            f"chờ gửi / queued {f.queued}, đã gửi / sent {f.sent}, đã đến máy / delivered "
            f"{f.delivered}, lỗi / failed {f.failed}, từ chối / opted out {f.opted_out}, rút / "
            f"withdrawn {f.withdrawn}"
        )

    def _queued(self, result: QueueResult) -> None:
        self.stdout.write(
            f"{result.queued} tin chờ gửi / queued, {result.opted_out} từ chối / opted out, "
            f"{result.no_valid_phone} số không hợp lệ / no valid number"
        )
