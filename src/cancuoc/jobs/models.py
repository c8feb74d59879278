"""One row per background job (công việc chạy nền): what it does, on what, how far it is, and
what came of it. See services.py for the queue's rules (claim, lease, cancel, retry)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("đang chờ")
    RUNNING = "running", _("đang chạy")
    DONE = "done", _("xong")
    FAILED = "failed", _("lỗi")
    CANCELLED = "cancelled", _("đã hủy")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    kind = models.CharField(_("loại"), max_length=64)
    # What the job works on ("" for the whole register): never two active jobs of one kind
    # on one target (the constraint below), e.g. the SHA-256 of a file and its source.
    target = models.CharField(_("đối tượng"), max_length=200, blank=True)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    stage = models.CharField(_("bước"), max_length=200, blank=True)  # a msgid, shown translated
    done = models.PositiveBigIntegerField(_("đã làm"), default=0)
    total = models.PositiveBigIntegerField(_("tổng"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("số lần chạy tối đa"), default=3)
    worker = models.CharField(_("tiến trình"), max_length=120, blank=True)
    lease_until = models.DateTimeField(_("giữ đến"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("yêu cầu hủy"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The area the job is about: who may see it besides its creator (scope.contains_unit).
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)  # redacted: no ID number, no full name
    # A nightly job's "kind@target@day": submitted once per day whoever asks (schedule.py).
    schedule_key = models.CharField(max_length=250, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    stage_started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("công việc")
        verbose_name_plural = _("công việc")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target"],
                condition=Q(status__in=["queued", "running"]),
                name="job_one_active_per_target",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE
