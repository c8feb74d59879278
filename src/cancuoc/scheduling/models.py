"""Appointment slots at stations, and who is booked into them (lịch hẹn)."""

import secrets
from datetime import datetime, time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cancuoc.geo.models import AdministrativeUnit, Institution
from cancuoc.lib.slip_codes import CODE_ALPHABET, CODE_LENGTH
from cancuoc.planning.models import Station
from cancuoc.registry.models import Household, Person


def appointment_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Đã hẹn")
    ATTENDED = "attended", _("Đã đến")
    NO_SHOW = "no_show", _("Không đến")
    CANCELLED = "cancelled", _("Đã huỷ")


# The states in which an appointment holds its place in the slot.
HOLDING_STATES = [AppointmentState.BOOKED, AppointmentState.ATTENDED, AppointmentState.NO_SHOW]

# Residents are called in (by slip, SMS or the commune's loudspeaker) from 06:00 to 22:00 local
# time. A night shift (the demo's 22:00–02:00) serves people who walk in and sessions held for
# an institution's night workers: nobody is booked into it, least of all the elderly or
# someone no SMS can reach.
BOOKING_HOURS = (time(6), time(22))


def in_booking_hours(starts_at: datetime, ends_at: datetime) -> bool:
    """Whether a slot lies within ``BOOKING_HOURS`` of its local day."""
    opens, closes = BOOKING_HOURS
    starts = timezone.localtime(starts_at)
    last = timezone.make_aware(datetime.combine(starts.date(), closes))
    return starts.time() >= opens and ends_at <= last


class SlotQuerySet(models.QuerySet):
    def with_room(self) -> "SlotQuerySet":
        """Annotate ``held`` (appointments holding a place: booked, attended, no-show) and
        ``room`` (the capacity left)."""
        held = models.Count("appointments", filter=Q(appointments__state__in=HOLDING_STATES))
        return self.annotate(held=held).annotate(room=models.F("capacity") - models.F("held"))


class Slot(models.Model):
    """A stretch of a shift at a station: ``capacity`` people may be booked into it. The
    capacity is kits × length ÷ capture minutes, raised by the overbooking factor."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="slots", verbose_name=_("điểm thu nhận")
    )
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    capacity = models.PositiveSmallIntegerField(_("số chỗ"))
    # An on-site session: the slot is held for this institution's members only.
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dành cho cơ quan, đơn vị"),
    )
    # A mobile team's stop: the slot is held for the residents of this village.
    unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dành cho thôn"),
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("khung giờ hẹn")
        verbose_name_plural = _("khung giờ hẹn")
        constraints = [
            models.UniqueConstraint(fields=["station", "starts_at"], name="slot_station_start"),
            models.CheckConstraint(
                condition=Q(institution__isnull=True) | Q(unit__isnull=True),
                name="slot_held_for_one_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.starts_at:%d/%m %H:%M}"


class AssignmentRun(models.Model):
    """One run of the assignment of a unit's worklist to slots, with its figures."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"), db_default=Now())
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người chạy"),
    )
    first_day = models.DateField(_("từ ngày"))
    last_day = models.DateField(_("đến ngày"))
    persons = models.PositiveIntegerField(_("người cần hẹn"), default=0)
    assigned = models.PositiveIntegerField(_("đã hẹn"), default=0)
    unassigned = models.PositiveIntegerField(_("chưa xếp được"), default=0)
    cost = models.BigIntegerField(_("chi phí"), default=0)
    lower_bound = models.BigIntegerField(_("cận dưới của chi phí"), default=0)
    seconds = models.FloatField(_("thời gian chạy (giây)"), default=0)

    class Meta:
        verbose_name = _("lượt xếp lịch")
        verbose_name_plural = _("lượt xếp lịch")

    def __str__(self) -> str:
        return f"{self.unit} {self.first_day:%d/%m}–{self.last_day:%d/%m}"


class Appointment(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("người")
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("khung giờ")
    )
    # Who came together: members of one household share a slot.
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hộ"),
    )
    state = models.CharField(
        _("tình trạng"),
        max_length=16,
        choices=AppointmentState.choices,
        default=AppointmentState.BOOKED,
    )
    code = models.CharField(_("mã hẹn"), max_length=16, unique=True, default=appointment_code)
    run = models.ForeignKey(
        AssignmentRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lượt xếp lịch"),
    )
    rebooked_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rebooked_as",
        verbose_name=_("hẹn lại từ lịch"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("lịch hẹn")
        verbose_name_plural = _("lịch hẹn")
        constraints = [
            # A person holds at most one appointment still to come.
            models.UniqueConstraint(
                fields=["person"], condition=Q(state="booked"), name="appointment_one_booked"
            ),
        ]
        indexes = [models.Index(fields=["slot", "state"], name="appointment_slot_state")]

    def __str__(self) -> str:
        return self.code


class Visit(models.Model):
    """One stop of a mobile team's or vehicle's day: a village or an institution, when the team
    is there and how many people it expects (lịch cấp lưu động)."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="visits", verbose_name=_("điểm thu nhận")
    )
    day = models.DateField(_("ngày"))
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thôn"),
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan, đơn vị"),
    )
    arrives_at = models.DateTimeField(_("đến lúc"))
    leaves_at = models.DateTimeField(_("rời lúc"))
    expected = models.PositiveIntegerField(_("số người dự kiến"))
    travel_km = models.FloatField(_("quãng đường từ điểm trước (km)"), default=0)

    class Meta:
        verbose_name = _("lịch cấp lưu động")
        verbose_name_plural = _("lịch cấp lưu động")
        ordering = ["station", "day", "order"]
        constraints = [
            models.UniqueConstraint(fields=["station", "day", "order"], name="visit_order"),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(institution__isnull=False),
                name="visit_has_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day:%d/%m} #{self.order}"


class Lookup(models.Model):
    """A citizen's lookup of their appointment and card by ID number and date of birth, kept to
    throttle guessing (by address, and by ID number) and to account for lookups. The ID number
    is kept only as a keyed hash."""

    at = models.DateTimeField(_("lúc"), db_default=Now(), db_index=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    id_digest = models.CharField(_("mã băm số định danh"), max_length=64, db_index=True)
    found = models.BooleanField(_("tìm thấy"))

    class Meta:
        verbose_name = _("lượt tra cứu")
        verbose_name_plural = _("lượt tra cứu")

    def __str__(self) -> str:
        return f"{self.at:%d/%m %H:%M} {'✓' if self.found else '✗'}"
