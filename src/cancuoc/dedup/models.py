"""Runs of the duplicate detection (làm sạch: no person twice) and the pairs each found."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.registry.models import Person


class MatchRun(models.Model):
    """One pass of the matcher over a unit's part of the register (or all of it), with the
    trained model it used, so that a figure can always be traced to its parameters."""

    unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    # A run for the records an import wrote: only pairs with one of them are scored (the
    # others were scored before), against the whole register, with a saved model.
    job = models.ForeignKey(
        "imports.ImportJob", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="lần nhập",
    )  # fmt: skip
    records = models.PositiveIntegerField(default=0)  # scored: the job's, or all in the unit
    pairs_compared = models.PositiveBigIntegerField(default=0)
    pairs_kept = models.PositiveIntegerField(default=0)  # at or above the review threshold
    auto_merged = models.PositiveIntegerField(default=0)
    to_review = models.PositiveIntegerField(default=0)
    review_weight = models.FloatField()
    auto_merge_weight = models.FloatField()
    trained = models.BooleanField(default=True)  # False: parameters read from a saved model
    model = models.JSONField()  # Splink's settings with the trained m and u values
    seconds = models.JSONField(default=dict)  # by step: read, train, score, merge

    class Meta:
        verbose_name = "lần dò trùng"
        verbose_name_plural = "lần dò trùng"

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%d/%m/%Y %H:%M}"


class PairState(models.TextChoices):
    PENDING = "pending", "Chờ xem xét / to review"
    AUTO_MERGED = "auto_merged", "Tự động hợp nhất / merged automatically"
    MERGED = "merged", "Đã hợp nhất / merged"
    DISTINCT = "distinct", "Không phải một người / not the same person"


DECIDED = [PairState.AUTO_MERGED, PairState.MERGED, PairState.DISTINCT]


class MatchPairQuerySet(models.QuerySet):
    def to_review(self) -> "MatchPairQuerySet":
        return self.filter(state=PairState.PENDING)


class MatchPair(models.Model):
    """Two records the matcher scored as possibly one person. ``left`` has the lower id.
    A pair is found once: later runs update the score of a pair still to review and leave a
    decided one as it was decided."""

    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="pairs")
    left = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    match_weight = models.FloatField("trọng số / match weight")
    match_probability = models.FloatField()
    # The comparison level of each field (Splink's gamma values): what the reviewer is shown.
    levels = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=PairState.choices, default=PairState.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    note = models.TextField(blank=True)

    objects = MatchPairQuerySet.as_manager()

    class Meta:
        verbose_name = "cặp nghi trùng"
        verbose_name_plural = "cặp nghi trùng"
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="match_pair_unique"),
            models.CheckConstraint(
                condition=Q(left__lt=models.F("right")), name="match_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["state", "-match_weight"], name="match_pair_queue")]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.match_weight:.1f})"
