"""Outreach by SMS (nhắn tin): templates, campaigns to a segment of the register, the messages
themselves with their delivery state, and the numbers that asked for no more messages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cancuoc.registry.models import Person
from cancuoc.scheduling.messages import to_gsm7
from cancuoc.scheduling.models import Appointment

from .segments import Segment
from .texts import template_problems


class Template(models.Model):
    """A message in Vietnamese, and the unaccented GSM-7 text that is sent (one SMS).
    Placeholders: ``{ho_ten}`` the full name, ``{ten}`` the given name (see ``texts``)."""

    name = models.CharField(_("tên mẫu"), max_length=100, unique=True)
    text = models.TextField(_("nội dung có dấu"))
    # Left blank, it is the text without diacritics.
    unaccented = models.TextField(_("nội dung không dấu (gửi đi)"), blank=True)

    class Meta:
        verbose_name = _("mẫu tin nhắn")
        verbose_name_plural = _("mẫu tin nhắn")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.unaccented = self.unaccented or to_gsm7(self.text)
        template_problems(text=self.text, unaccented=self.unaccented)


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    QUEUED = "queued", _("Đã xếp hàng gửi")
    DONE = "done", _("Đã gửi xong")
    CANCELLED = "cancelled", _("Đã huỷ")


class Campaign(models.Model):
    """One template sent to a segment (see ``segments.Segment``) from ``scheduled_at`` on, at
    most ``per_minute`` messages a minute."""

    name = models.CharField(_("tên đợt"), max_length=200)
    template = models.ForeignKey(
        Template, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("mẫu tin")
    )
    segment = models.JSONField(
        _("nhóm nhận tin"),
        default=dict,
        help_text=_(
            'Các điều kiện, ví dụ {"unit": "16000", "age_from": 14, "not_captured": true}; '
            "có thể dùng: unit, institution, age_from, age_to, not_captured, no_show."
        ),
    )
    scheduled_at = models.DateTimeField(_("gửi từ lúc"))
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
    )
    per_minute = models.PositiveIntegerField(_("số tin tối đa mỗi phút"), default=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("đợt nhắn tin")
        verbose_name_plural = _("đợt nhắn tin")
        constraints = [models.CheckConstraint(condition=Q(per_minute__gt=0), name="campaign_rate")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            Segment.from_json(self.segment)
        except ValueError as error:
            raise ValidationError({"segment": str(error)}) from error


class MessageKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Đợt nhắn tin")
    REMINDER = "reminder", _("Nhắc lịch hẹn")
    REINVITE = "reinvite", _("Hẹn lại người không đến")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    DELIVERED = "delivered", _("Đã đến máy")
    FAILED = "failed", _("Không gửi được")
    SKIPPED_OPT_OUT = "skipped_opt_out", _("Từ chối nhận tin")
    # Not sent because it no longer applies: its campaign was cancelled, or the appointment it
    # is about is no longer booked (cancelled, kept, or missed) by the time it is due.
    WITHDRAWN = "withdrawn", _("Không còn cần gửi")


class Message(models.Model):
    """One SMS to one number. ``key`` names what it is for (a campaign and a person, or an
    appointment's reminder or re-invitation): queueing the same thing twice finds the key taken,
    and the gateway receives it so that a provider that honours it never sends twice."""

    kind = models.CharField(_("loại tin"), max_length=16, choices=MessageKind.choices)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("đợt nhắn tin"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("người nhận")
    )
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lịch hẹn"),
    )
    phone = models.CharField(_("số điện thoại"), max_length=20)  # normalised, see texts.phone_key
    text = models.TextField(_("nội dung tin nhắn"))
    key = models.CharField(_("khoá"), max_length=64, unique=True)
    state = models.CharField(
        _("tình trạng"),
        max_length=16,
        choices=MessageState.choices,
        default=MessageState.QUEUED,
    )
    not_before = models.DateTimeField(_("gửi sau lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=200, blank=True)
    # When it entered ``sending``.
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    provider_id = models.CharField(_("mã tin của nhà mạng"), max_length=100, blank=True)
    queued_at = models.DateTimeField(_("xếp hàng lúc"), db_default=Now(), editable=False)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đến máy lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tin nhắn")
        verbose_name_plural = _("tin nhắn")
        indexes = [
            models.Index(fields=["state", "not_before"], name="message_due"),
            models.Index(fields=["campaign", "state"], name="message_campaign_state"),
            models.Index(fields=["provider_id"], name="message_provider_id"),
        ]

    def __str__(self) -> str:
        return self.key


class OptOut(models.Model):
    """A number that asked for no more messages (từ chối nhận tin), normalised."""

    phone = models.CharField(_("số điện thoại"), max_length=20, unique=True)
    at = models.DateTimeField(_("lúc"), db_default=Now())
    source = models.CharField(_("nguồn"), max_length=64)

    class Meta:
        verbose_name = _("số từ chối nhận tin")
        verbose_name_plural = _("số từ chối nhận tin")

    def __str__(self) -> str:
        return f"…{self.phone[-3:]}"
