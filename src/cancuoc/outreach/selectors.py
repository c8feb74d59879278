"""Reads for outreach: how many messages went out, reached the handset, failed."""

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import Campaign, Message, MessageState


@dataclass(frozen=True)
class DeliveryFigures:
    queued: int  # waiting to be sent, or being sent
    sent: int  # accepted by the gateway, those delivered since included
    delivered: int  # reported by the provider as reached the handset
    failed: int  # refused, out of attempts, or reported as not delivered
    opted_out: int  # not sent: the number asked for no messages
    withdrawn: int  # not sent: the campaign was cancelled, or the appointment changed

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed + self.opted_out + self.withdrawn


def delivery_figures(*, campaign: Campaign | None = None, kind: str = "") -> DeliveryFigures:
    """The figures of one campaign, of one kind of message (reminders, re-invitations), or
    of every message: one query."""
    messages = Message.objects.all()
    if campaign is not None:
        messages = messages.filter(campaign=campaign)
    if kind:
        messages = messages.filter(kind=kind)
    counts = messages.aggregate(
        queued=Count("pk", filter=Q(state__in=[MessageState.QUEUED, MessageState.SENDING])),
        sent=Count("pk", filter=Q(state__in=[MessageState.SENT, MessageState.DELIVERED])),
        delivered=Count("pk", filter=Q(state=MessageState.DELIVERED)),
        failed=Count("pk", filter=Q(state=MessageState.FAILED)),
        opted_out=Count("pk", filter=Q(state=MessageState.SKIPPED_OPT_OUT)),
        withdrawn=Count("pk", filter=Q(state=MessageState.WITHDRAWN)),
    )
    return DeliveryFigures(**counts)
