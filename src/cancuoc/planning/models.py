"""Targets, stations, capture kits and the stations' shift calendars."""

from datetime import date, datetime, timedelta

from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cancuoc.geo.models import AdministrativeUnit


class Target(models.Model):
    """Chỉ tiêu: how many applications a unit must take in by a deadline."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    count = models.PositiveIntegerField(_("chỉ tiêu"))
    start = models.DateField(_("bắt đầu"))
    deadline = models.DateField(_("hạn hoàn thành"))
    # The higher unit's target this one was split from (None: set directly).
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="parts",
        verbose_name=_("giao từ chỉ tiêu"),
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = pgettext_lazy("plural", "chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["unit", "deadline"], name="target_unit_deadline")
        ]

    def __str__(self) -> str:
        return gettext("%(unit)s: %(count)s trước %(deadline)s") % {
            "unit": self.unit,
            "count": number_format(self.count, force_grouping=True),
            "deadline": date_format(self.deadline, "SHORT_DATE_FORMAT"),
        }


class StationKind(models.TextChoices):
    FIXED = "fixed", _("Điểm cố định")
    MOBILE_TEAM = "mobile_team", _("Tổ cấp lưu động")
    VEHICLE = "vehicle", _("Xe lưu động")


class Station(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=16, choices=StationKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    capture_minutes = models.PositiveSmallIntegerField(_("phút thu nhận mỗi người"), default=10)
    staff = models.PositiveSmallIntegerField(_("cán bộ mỗi ca"), default=2)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    # Units whose residents it takes (their subtrees); none: the subtree of its own unit.
    service_area = models.ManyToManyField(
        AdministrativeUnit, blank=True, related_name="+", verbose_name=_("địa bàn phục vụ")
    )
    # An on-site station at a school, factory, barracks or agency takes that institution's members.
    institution = models.ForeignKey(
        "geo.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan, trường học"),
    )

    class Meta:
        verbose_name = _("điểm thu nhận")
        verbose_name_plural = pgettext_lazy("plural", "điểm thu nhận")

    def __str__(self) -> str:
        return self.name


class Kit(models.Model):
    """Bộ thiết bị thu nhận (capture kit)."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="kits", verbose_name=_("điểm thu nhận")
    )
    code = models.CharField(_("mã"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("bộ thu nhận")
        verbose_name_plural = pgettext_lazy("plural", "bộ thu nhận")

    def __str__(self) -> str:
        return self.code


WEEKDAYS = "1234567"  # ISO: 1 Monday … 7 Sunday


class Shift(models.Model):
    """Ca làm việc: a station's working hours on some weekdays, e.g. 06:00–14:00, 14:00–22:00,
    22:00–02:00 (an end before the start runs past midnight), with a break."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("điểm thu nhận")
    )
    name = models.CharField(_("tên ca"), max_length=32)
    starts = models.TimeField(_("bắt đầu"))
    ends = models.TimeField(_("kết thúc"))
    weekdays = models.CharField(_("các ngày trong tuần"), max_length=7, default=WEEKDAYS)
    break_minutes = models.PositiveSmallIntegerField(_("nghỉ giữa ca (phút)"), default=0)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_until = models.DateField(_("áp dụng đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("ca làm việc")
        verbose_name_plural = pgettext_lazy("plural", "ca làm việc")
        ordering = ["station", "starts"]

    def __str__(self) -> str:
        return f"{self.name} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def span(self, day: date) -> tuple[datetime, datetime]:
        """Naive start and end of this shift when it begins on ``day``."""
        start = datetime.combine(day, self.starts)
        end = datetime.combine(day, self.ends)
        if self.ends <= self.starts:
            end += timedelta(days=1)
        return start, end

    def minutes(self) -> int:
        """Working minutes, break excluded."""
        start, end = self.span(date(2000, 1, 1))
        return int((end - start).total_seconds() // 60) - self.break_minutes

    def works_on(self, day: date) -> bool:
        return (
            str(day.isoweekday()) in self.weekdays
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


class ClosedDay(models.Model):
    """A day a station (or, with no station, every station) does not work: a holiday."""

    day = models.DateField(_("ngày"))
    station = models.ForeignKey(
        Station,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closed_days",
        verbose_name=_("điểm thu nhận"),
        help_text=_("để trống: mọi điểm"),
    )
    name = models.CharField(_("lý do"), max_length=100)

    class Meta:
        verbose_name = _("ngày nghỉ")
        verbose_name_plural = pgettext_lazy("plural", "ngày nghỉ")
        constraints = [
            models.UniqueConstraint(fields=["day", "station"], name="closed_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{date_format(self.day, 'SHORT_DATE_FORMAT')} {self.name}"
