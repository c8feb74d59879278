"""Imports of commune files: the job with its counts and place in the file, the rows it
rejected (kept whole, with why) and the warnings on rows it accepted."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .errors import note_text, said, where


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Dừng vì lỗi")


class ImportJob(models.Model):
    """One import of one file under one source name. Counts and the place in the file
    (``sheet_index``, ``row``: the last row of the last committed batch) are written in the
    same transaction as each batch, so a job stopped at any moment resumes where it stood.
    Always ``rows_read == rows_accepted + rows_rejected + rows_merged``."""

    file_name = models.CharField(_("tệp"), max_length=255)
    sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64)
    source = models.CharField(_("nguồn"), max_length=64)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    rows_read = models.PositiveIntegerField(_("dòng đã đọc"), default=0)
    rows_accepted = models.PositiveIntegerField(_("dòng đã nhập"), default=0)
    rows_rejected = models.PositiveIntegerField(_("dòng bị loại"), default=0)
    rows_merged = models.PositiveIntegerField(_("dòng đã có trong sổ"), default=0)
    rows_warned = models.PositiveIntegerField(_("dòng nhập có cảnh báo"), default=0)
    batches_done = models.PositiveIntegerField(_("số lô đã ghi"), default=0)
    sheet_index = models.PositiveIntegerField(_("trang tính đang nhập"), default=0)
    row = models.PositiveIntegerField(_("đã ghi đến dòng"), default=0)
    # What is not imported, and why: [{"vi": …, "en": …}, …] (older jobs: one text each)
    notes = models.JSONField(_("ghi chú"), default=list, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    stored_file = models.CharField(_("bản lưu"), max_length=500, blank=True)
    # The keys of the persons the job wrote, [first, last] a batch: what a match of the
    # new records against the register (dedup) starts from.
    person_ranges = models.JSONField(
        _("khoảng mã bản ghi đã ghi"), default=list, blank=True, editable=False
    )
    started_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập tệp")
        verbose_name_plural = pgettext_lazy("plural", "lần nhập tệp")
        constraints = [
            # One unfinished job per file and source: a second run resumes it.
            models.UniqueConstraint(
                fields=["sha256", "source"],
                condition=~Q(status="done"),
                name="importjob_one_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source})"

    @property
    def notes_said(self) -> list[str]:
        """The notes in the active language."""
        return [note_text(note) for note in self.notes]


class RejectedRow(models.Model):
    """A row that was not imported, with all its cells as read and every reason."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="rejected", verbose_name=_("lần nhập")
    )
    sheet = models.CharField(_("trang tính"), max_length=100)
    row = models.PositiveIntegerField(_("dòng"))
    column = models.CharField(_("cột"), max_length=200, blank=True)  # of the first reason
    cells = models.JSONField(_("các ô"))  # [[header, value], …] in the file's order
    reasons = models.JSONField(_("lý do"))  # [{"column", "vi", "en"}, …]

    class Meta:
        verbose_name = pgettext_lazy("singular", "dòng bị loại")
        verbose_name_plural = pgettext_lazy("plural", "dòng bị loại")
        ordering = ["job", "id"]

    def __str__(self) -> str:
        return where(sheet=self.sheet, row=self.row, column="")

    @property
    def reason(self) -> str:
        """Every reason, in the active language."""
        return "; ".join(_column(r) + said(r["vi"], r["en"]) for r in self.reasons)


class RowWarning(models.Model):
    """A row imported with a doubt (an invalid personal ID kept unverified, a relation
    recorded as "Khác"): the person is in the register, the warning says what to check."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="warnings", verbose_name=_("lần nhập")
    )
    sheet = models.CharField(_("trang tính"), max_length=100)
    row = models.PositiveIntegerField(_("dòng"))
    column = models.CharField(_("cột"), max_length=200, blank=True)
    source_ref = models.CharField(_("mã bản ghi"), max_length=64)
    message_vi = models.CharField(_("cảnh báo (tiếng Việt)"), max_length=500)
    message_en = models.CharField(_("cảnh báo (tiếng Anh)"), max_length=500)

    class Meta:
        verbose_name = _("cảnh báo khi nhập")
        verbose_name_plural = pgettext_lazy("plural", "cảnh báo khi nhập")
        ordering = ["job", "id"]

    def __str__(self) -> str:
        return where(sheet=self.sheet, row=self.row, column="")

    @property
    def message(self) -> str:
        return said(self.message_vi, self.message_en)


def _column(reason: dict) -> str:
    return f"{reason['column']}: " if reason["column"] else ""
