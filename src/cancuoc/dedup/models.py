"""Runs of the duplicate detection (làm sạch: no person twice) and the pairs each found."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.registry.models import Person


class MatchRun(models.Model):
    """One pass of the matcher over a unit's part of the register (or all of it), with the
    trained model it used, so that a figure can always be traced to its parameters."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị"),
        help_text=_("trống: cả sổ"),
    )
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người chạy"),
    )
    # A run for the records an import wrote: only pairs with one of them are scored (the
    # others were scored before), against the whole register, with a saved model.
    job = models.ForeignKey(
        "imports.ImportJob",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lần nhập"),
    )
    # scored: the job's, or all in the unit
    records = models.PositiveIntegerField(_("bản ghi đã so"), default=0)
    pairs_compared = models.PositiveBigIntegerField(_("cặp đã so"), default=0)
    # at or above the review threshold
    pairs_kept = models.PositiveIntegerField(_("cặp nghi trùng"), default=0)
    auto_merged = models.PositiveIntegerField(_("tự động hợp nhất"), default=0)
    to_review = models.PositiveIntegerField(_("chờ xem xét"), default=0)
    review_weight = models.FloatField(_("ngưỡng xem xét (trọng số)"))
    auto_merge_weight = models.FloatField(_("ngưỡng tự động hợp nhất (trọng số)"))
    # False: parameters read from a saved model
    trained = models.BooleanField(_("học mô hình"), default=True)
    model = models.JSONField(_("mô hình"))  # Splink's settings with the trained m and u values
    # by step: read, train, score, merge
    seconds = models.JSONField(_("thời gian (giây)"), default=dict)

    class Meta:
        verbose_name = _("lần dò trùng")
        verbose_name_plural = pgettext_lazy("plural", "lần dò trùng")

    def __str__(self) -> str:
        started = date_format(timezone.localtime(self.started_at), "SHORT_DATETIME_FORMAT")
        return f"#{self.pk} {started}"


class PairState(models.TextChoices):
    PENDING = "pending", _("Chờ xem xét")
    AUTO_MERGED = "auto_merged", _("Tự động hợp nhất")
    MERGED = "merged", _("Đã hợp nhất")
    DISTINCT = "distinct", _("Không phải một người")


DECIDED = [PairState.AUTO_MERGED, PairState.MERGED, PairState.DISTINCT]


class MatchPairQuerySet(models.QuerySet):
    def to_review(self) -> "MatchPairQuerySet":
        return self.filter(state=PairState.PENDING)


class MatchPair(models.Model):
    """Two records the matcher scored as possibly one person. ``left`` has the lower id.
    A pair is found once: later runs update the score of a pair still to review and leave a
    decided one as it was decided."""

    run = models.ForeignKey(
        MatchRun, on_delete=models.PROTECT, related_name="pairs", verbose_name=_("lần dò trùng")
    )
    left = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("bản ghi 1")
    )
    right = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("bản ghi 2")
    )
    match_weight = models.FloatField(_("trọng số"))
    match_probability = models.FloatField(_("xác suất trùng"))
    # The comparison level of each field (Splink's gamma values): what the reviewer is shown.
    levels = models.JSONField(_("mức so khớp"), default=dict)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=PairState.choices, default=PairState.PENDING
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    note = models.TextField(pgettext_lazy("quyết định", "ghi chú"), blank=True)

    objects = MatchPairQuerySet.as_manager()

    class Meta:
        verbose_name = _("cặp nghi trùng")
        verbose_name_plural = pgettext_lazy("plural", "cặp nghi trùng")
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="match_pair_unique"),
            models.CheckConstraint(
                condition=Q(left__lt=models.F("right")), name="match_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["state", "-match_weight"], name="match_pair_queue")]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({number_format(self.match_weight, 1)})"
