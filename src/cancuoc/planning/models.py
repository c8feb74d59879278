"""Targets, stations and capture kits: what intake and the dashboards need today. The
planning issue extends these (shift calendars, capacity, forecast, reallocation)."""

from django.db import models

from cancuoc.geo.models import AdministrativeUnit


class Target(models.Model):
    """Chỉ tiêu: how many applications a unit must take in by a deadline."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField("chỉ tiêu")
    start = models.DateField("bắt đầu")
    deadline = models.DateField("hạn hoàn thành")

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        constraints = [
            models.UniqueConstraint(fields=["unit", "deadline"], name="target_unit_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.count} trước {self.deadline:%d/%m/%Y}"


class StationKind(models.TextChoices):
    FIXED = "fixed", "Điểm cố định"
    MOBILE_TEAM = "mobile_team", "Tổ cấp lưu động"
    VEHICLE = "vehicle", "Xe lưu động"


class Station(models.Model):
    code = models.CharField("mã", max_length=32, unique=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=16, choices=StationKind.choices)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    capture_minutes = models.PositiveSmallIntegerField("phút thu nhận mỗi người", default=10)

    class Meta:
        verbose_name = "điểm thu nhận"
        verbose_name_plural = "điểm thu nhận"

    def __str__(self) -> str:
        return self.name


class Kit(models.Model):
    """Bộ thiết bị thu nhận (capture kit)."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="kits")
    code = models.CharField("mã", max_length=32, unique=True)

    class Meta:
        verbose_name = "bộ thu nhận"
        verbose_name_plural = "bộ thu nhận"

    def __str__(self) -> str:
        return self.code
