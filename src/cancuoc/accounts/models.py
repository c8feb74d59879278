"""Who may see what (roles scoped to a subtree of units), and the audit log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cancuoc.geo.models import AdministrativeUnit, Institution


class Role(models.TextChoices):
    NATIONAL = "national", _("Cấp trung ương")
    PROVINCE_COMMAND = "province_command", _("Ban chỉ huy cấp tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Công an xã, phường")
    TEAM_LEADER = "team_leader", _("Tổ trưởng tổ cấp lưu động")
    STATION_OPERATOR = "station_operator", _("Cán bộ thu nhận")
    INSTITUTION_LIAISON = "institution_liaison", _("Đầu mối cơ quan, trường học")
    JUSTICE_OFFICER = "justice_officer", _("Cán bộ tư pháp")
    VIEWER = "viewer", _("Chỉ xem số liệu")


class Assignment(models.Model):
    """A user's role over a unit's subtree (or, for a liaison, one institution)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("người dùng"),
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("địa bàn"),
        help_text=_("đơn vị được giao, cả các đơn vị cấp dưới"),
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan, trường học"),
        help_text=_("chỉ với đầu mối cơ quan, trường học"),
    )

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = pgettext_lazy("plural", "phân công")
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

    at = models.DateTimeField(_("lúc"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người dùng"),
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=32)
    object_type = models.CharField(_("loại đối tượng"), max_length=64, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    detail = models.JSONField(_("chi tiết"), default=dict)
    purpose = models.CharField(_("mục đích"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    previous_hash = models.CharField(_("mã băm dòng trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64, unique=True)
    # 1: SHA-256 of the content (rows made before keys); 2: HMAC-SHA256 under the audit key
    version = models.PositiveSmallIntegerField(_("kiểu mã băm"), default=1)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký")
        ordering = ["id"]

    def __str__(self) -> str:
        at = date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{at} {self.username} {self.action} {self.object_type}"


class ApiToken(models.Model):
    """A key for a device or a program (a station's tablet, a provincial system) to call the
    API as a user, with that user's area. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("người dùng"),
    )
    name = models.CharField(_("tên"), max_length=100)
    # the key's start, to tell keys apart in lists
    prefix = models.CharField(_("đầu khoá"), max_length=8)
    digest = models.CharField(_("mã băm"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khoá API")
        verbose_name_plural = pgettext_lazy("plural", "khoá API")

    def __str__(self) -> str:
        return f"{self.user} — {self.name} ({self.prefix}…)"


class AuditCheckpoint(models.Model):
    """Where the audit log now begins, after older rows went to an archive file: the last
    archived row and its hash, so that the chain is still checked from here on, and the
    archive's own hash, so that the file can be checked too."""

    upto_id = models.BigIntegerField(_("đến dòng"))
    upto_hash = models.CharField(_("mã băm dòng cuối"), max_length=64)
    upto_at = models.DateTimeField(_("dòng cuối lúc"))
    rows = models.PositiveIntegerField(_("số dòng"))
    archive = models.CharField(_("tệp lưu trữ"), max_length=255)
    archive_sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("mốc lưu trữ nhật ký")
        verbose_name_plural = pgettext_lazy("plural", "mốc lưu trữ nhật ký")
        ordering = ["upto_id"]

    def __str__(self) -> str:
        return f"≤ {self.upto_id} → {self.archive}"
