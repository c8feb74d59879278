"""Outreach's background jobs: sending the messages due (``cancuoc outreach send``) and
queueing the reminders of a day (``cancuoc outreach remind``; the nightly schedule submits it
at 18:00 for the next day's appointments). One of each at a time (the target is "")."""

from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cancuoc.jobs.registry import Line, job_kind
from cancuoc.jobs.services import JobContext

from .gateways import FileGateway, Gateway, HttpGateway
from .models import Message, MessageState
from .services import LEASE, SendRun, messages_send, reminders_queue

SEND = "outreach.send"
REMINDERS = "outreach.reminders"
SENDING = gettext_noop("Gửi tin nhắn")
QUEUEING = gettext_noop("Xếp hàng tin nhắc lịch")


def send_gateway(gateway: str, outbox: str = "") -> Gateway:
    """The gateway a send goes through: ``http`` (CANCUOC_SMS_HTTP; raises
    ImproperlyConfigured without it) or ``file`` (``outbox``, default CANCUOC_SMS_OUTBOX)."""
    if gateway == "http":
        return HttpGateway.from_settings()
    return FileGateway(Path(outbox) if outbox else None)


def _settled(run: SendRun) -> int:
    return run.sent + run.retrying + run.failed + run.skipped_opt_out + run.withdrawn


def send_lines(result: dict) -> list[Line]:
    said = _(
        "%(sent)s đã gửi, %(retrying)s chờ gửi lại, %(failed)s lỗi, %(skipped_opt_out)s từ chối "
        "nhận tin, %(withdrawn)s rút (lịch hẹn đã đổi)"
    ) % {name: number_format(value, force_grouping=True) for name, value in result.items()}
    lines = [(_("Tin nhắn"), said, "")]
    if result["resumed"] or result["outcome_unknown"]:
        lines.append(
            (
                _("Lần gửi dở trước"),
                _("%(resumed)s gửi tiếp, %(unknown)s không rõ kết quả")
                % {"resumed": result["resumed"], "unknown": result["outcome_unknown"]},
                "",
            )
        )
    return lines


@job_kind(SEND, label=gettext_lazy("Gửi tin nhắn"), present=send_lines)
def send_job(
    context: JobContext, *, gateway: str = "file", outbox: str = "", rate: int | None = None
) -> dict:
    """Resumable: every message is claimed, sent and settled on its own (services' notes), so
    a run stopped between batches, cancelled or killed, leaves the rest queued for the next,
    and what a killed run left ``sending`` is settled by it without a second SMS."""
    now = timezone.now()
    total = Message.objects.filter(
        Q(state=MessageState.QUEUED, not_before__lte=now)
        | Q(state=MessageState.SENDING, claimed_at__lt=now - LEASE)
    ).count()
    context.progress(0, total, SENDING)

    def batch_done(run: SendRun) -> None:
        done = _settled(run)
        context.progress(done, max(total, done))

    run = messages_send(gateway=send_gateway(gateway, outbox), per_minute=rate, on_batch=batch_done)
    return asdict(run)


def reminders_lines(result: dict) -> list[Line]:
    said = _(
        "%(queued)s tin chờ gửi, %(opted_out)s từ chối nhận tin, %(no_valid_phone)s số không hợp lệ"
    ) % {
        name: number_format(result[name], force_grouping=True)
        for name in ("queued", "opted_out", "no_valid_phone")
    }
    return [(_("Nhắc lịch hẹn ngày %(day)s") % {"day": result["appointments_on"]}, said, "")]


def reminders_about(params: dict) -> str:
    return params.get("day", "")


@job_kind(
    REMINDERS,
    label=gettext_lazy("Nhắc lịch hẹn ngày mai"),
    present=reminders_lines,
    describe=reminders_about,
)
def reminders_job(context: JobContext, *, day: str) -> dict:
    """Atomic (reminders_queue is one transaction, and queues a reminder once per appointment
    however often it runs): a retry runs it again whole."""
    on = date.fromisoformat(day)
    context.progress(0, 1, QUEUEING)
    result = reminders_queue(day=on)
    context.progress(1, 1)
    return asdict(result) | {"appointments_on": (on + timedelta(days=1)).isoformat()}
