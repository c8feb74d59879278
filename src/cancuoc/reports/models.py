"""Rollups: progress per unit per day, kept by the intake services in the same transaction
as the events they count, so that dashboards read a few rows instead of millions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cancuoc.geo.models import AdministrativeUnit, Institution
from cancuoc.planning.models import Kit, Station

COUNTERS = [
    "captured",  # applications taken in at a kit (thu nhận)
    "rejected_at_capture",  # refused at the kit: the person must come again
    "recalled",  # rejected later (approval, production): back on the worklist
    "approved",
    "in_production",
    "produced",
    "delivered",
    "handed_over",
]


class DailyRollup(models.Model):
    """One unit, one day; every ancestor of a unit has its own row (a province reads one row
    a day, not its villages')."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    captured = models.IntegerField(default=0)
    rejected_at_capture = models.IntegerField(default=0)
    recalled = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    in_production = models.IntegerField(default=0)
    produced = models.IntegerField(default=0)
    delivered = models.IntegerField(default=0)
    handed_over = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="rollup_unit_day")]
        # A page sums its units' rows up to a day: read from the index alone (the sums of a
        # province's 166 communes over a campaign, 23,000 rows, took 30 ms from the table).
        indexes = [models.Index(fields=["unit", "day"], include=COUNTERS, name="rollup_sums")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class StationDayRollup(models.Model):
    """Productivity: captures per station, kit and operator per day, and time spent."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+")
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="+")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    captured = models.IntegerField(default=0)
    rejected_at_capture = models.IntegerField(default=0)
    capture_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["station", "kit", "operator", "day"], name="station_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kit_id} {self.operator_id} {self.day}"


class EligibleSnapshot(models.Model):
    """How many people in a unit needed a card on a date (the denominator of "% done")."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    eligible = models.IntegerField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "as_of"], name="eligible_unit_as_of")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.as_of}: {self.eligible}"


class StillToEnrolRollup(models.Model):
    """Still to enrol (còn phải thu nhận): the change, on one day, in how many people of a unit
    are on its worklist; the count on a day is the sum of the changes up to it. Every
    ancestor of a unit has its own rows, on both maps (reports.still_to_enrol)."""

    # No key checks: a rebuild writes a row per unit and day in one statement.
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()
    change = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="still_to_enrol_unit_day")
        ]
        # Sums up to a day, from the index alone: the rows of later days (birthdays to come)
        # are never read (with the index on unit alone a province page read 300,000 of them).
        indexes = [
            models.Index(fields=["unit", "day"], include=["change"], name="still_to_enrol_sums")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.change:+d}"


class InstitutionRollup(models.Model):
    """An institution's members, members who applied and members still to enrol: their
    changes on one day, summed up to a day for its figures (reports.still_to_enrol)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()
    members = models.IntegerField(default=0)
    applied = models.IntegerField(default=0)
    to_enrol = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "day"], name="institution_rollup_day")
        ]
        indexes = [
            models.Index(
                fields=["institution", "day"],
                include=["members", "applied", "to_enrol"],
                name="institution_rollup_sums",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.day}"


class PersonContribution(models.Model):
    """What one person adds to the rollups above on one day, at the unit of their home (its
    ancestors are added when summed) or at an institution: kept so that a change to the
    person takes exactly this out before it puts the new figures in."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    day = models.DateField()
    to_enrol = models.SmallIntegerField(default=0)
    members = models.SmallIntegerField(default=0)
    applied = models.SmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"


class ObstacleStatus(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    RESOLVED = "resolved", _("Đã giải quyết")


class Obstacle(models.Model):
    """Khó khăn, vướng mắc: raised by a team, assigned, resolved; seen by the units above."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    title = models.CharField(_("nội dung"), max_length=255)
    detail = models.TextField(_("chi tiết"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người báo"),
    )
    raised_at = models.DateTimeField(_("báo lúc"), auto_now_add=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("giao cho"),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=ObstacleStatus.choices,
        default=ObstacleStatus.OPEN,
    )
    resolved_at = models.DateTimeField(_("giải quyết lúc"), null=True, blank=True)
    resolution = models.TextField(_("cách giải quyết"), blank=True)

    class Meta:
        verbose_name = _("khó khăn, vướng mắc")
        verbose_name_plural = _("khó khăn, vướng mắc")

    def __str__(self) -> str:
        return self.title
