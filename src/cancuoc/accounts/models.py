"""Who may see what (roles scoped to a subtree of units), and the audit log."""

from django.conf import settings
from django.db import models

from cancuoc.geo.models import AdministrativeUnit, Institution


class Role(models.TextChoices):
    NATIONAL = "national", "Cấp trung ương"
    PROVINCE_COMMAND = "province_command", "Ban chỉ huy cấp tỉnh"
    COMMUNE_OFFICER = "commune_officer", "Công an xã, phường"
    TEAM_LEADER = "team_leader", "Tổ trưởng tổ cấp lưu động"
    STATION_OPERATOR = "station_operator", "Cán bộ thu nhận"
    INSTITUTION_LIAISON = "institution_liaison", "Đầu mối cơ quan, trường học"
    JUSTICE_OFFICER = "justice_officer", "Cán bộ tư pháp"
    VIEWER = "viewer", "Chỉ xem số liệu"


class Assignment(models.Model):
    """A user's role over a unit's subtree (or, for a liaison, one institution)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "phân công"
        verbose_name_plural = "phân công"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="national")
                | models.Q(role="institution_liaison", institution__isnull=False)
                | models.Q(unit__isnull=False),
                name="assignment_has_an_area",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit or self.institution or ''}"


class AuditEvent(models.Model):
    """One line of the append-only, hash-chained audit log (see accounts.audit)."""

    at = models.DateTimeField("lúc")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField("hành động", max_length=32)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict)
    purpose = models.CharField("mục đích", max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "nhật ký"
        verbose_name_plural = "nhật ký"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action} {self.object_type}"


class ApiToken(models.Model):
    """A key for a device or a program (a station's tablet, a provincial system) to call the
    API as a user, with that user's area. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("tên", max_length=100)
    prefix = models.CharField(max_length=8)  # the key's start, to tell keys apart in lists
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "khoá API"
        verbose_name_plural = "khoá API"

    def __str__(self) -> str:
        return f"{self.user} — {self.name} ({self.prefix}…)"


class AuditCheckpoint(models.Model):
    """Where the audit log now begins, after older rows went to an archive file: the last
    archived row and its hash, so that the chain is still checked from here on, and the
    archive's own hash, so that the file can be checked too."""

    upto_id = models.BigIntegerField()
    upto_hash = models.CharField(max_length=64)
    upto_at = models.DateTimeField()
    rows = models.PositiveIntegerField()
    archive = models.CharField(max_length=255)
    archive_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "mốc lưu trữ nhật ký"
        verbose_name_plural = "mốc lưu trữ nhật ký"
        ordering = ["upto_id"]

    def __str__(self) -> str:
        return f"≤ {self.upto_id} → {self.archive}"
