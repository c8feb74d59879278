"""Imports of commune files: the job with its counts and place in the file, the rows it
rejected (kept whole, with why) and the warnings on rows it accepted."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Đang nhập"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Dừng vì lỗi"


class ImportJob(models.Model):
    """One import of one file under one source name. Counts and the place in the file
    (``sheet_index``, ``row``: the last row of the last committed batch) are written in the
    same transaction as each batch, so a job stopped at any moment resumes where it stood.
    Always ``rows_read == rows_accepted + rows_rejected + rows_merged``."""

    file_name = models.CharField("tệp", max_length=255)
    sha256 = models.CharField(max_length=64)
    source = models.CharField("nguồn", max_length=64)
    status = models.CharField(
        "trạng thái", max_length=16, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    rows_read = models.PositiveIntegerField("dòng đã đọc", default=0)
    rows_accepted = models.PositiveIntegerField("dòng đã nhập", default=0)
    rows_rejected = models.PositiveIntegerField("dòng bị loại", default=0)
    rows_merged = models.PositiveIntegerField("dòng đã có trong sổ", default=0)
    rows_warned = models.PositiveIntegerField("dòng nhập có cảnh báo", default=0)
    batches_done = models.PositiveIntegerField("số lô đã ghi", default=0)
    sheet_index = models.PositiveIntegerField(default=0)
    row = models.PositiveIntegerField(default=0)
    notes = models.JSONField("ghi chú", default=list, blank=True)
    error = models.TextField("lỗi", blank=True)
    stored_file = models.CharField("bản lưu", max_length=500, blank=True)
    # The keys of the persons the job wrote, [first, last] a batch: what a match of the
    # new records against the register (dedup) starts from.
    person_ranges = models.JSONField(default=list, blank=True, editable=False)
    started_at = models.DateTimeField("bắt đầu", default=timezone.now)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)

    class Meta:
        verbose_name = "lần nhập tệp"
        verbose_name_plural = "lần nhập tệp"
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


class RejectedRow(models.Model):
    """A row that was not imported, with all its cells as read and every reason."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejected")
    sheet = models.CharField("trang tính", max_length=100)
    row = models.PositiveIntegerField("dòng")
    column = models.CharField("cột", max_length=200, blank=True)  # of the first reason
    cells = models.JSONField("các ô")  # [[header, value], …] in the file's order
    reasons = models.JSONField("lý do")  # [{"column", "vi", "en"}, …]

    class Meta:
        verbose_name = "dòng bị loại"
        verbose_name_plural = "dòng bị loại"
        ordering = ["job", "id"]

    def __str__(self) -> str:
        return f"{self.sheet} dòng {self.row}"

    @property
    def reason_vi(self) -> str:
        return "; ".join(_where(r) + r["vi"] for r in self.reasons)

    @property
    def reason_en(self) -> str:
        return "; ".join(_where(r) + r["en"] for r in self.reasons)


class RowWarning(models.Model):
    """A row imported with a doubt (an invalid personal ID kept unverified, a relation
    recorded as "Khác"): the person is in the register, the warning says what to check."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="warnings")
    sheet = models.CharField("trang tính", max_length=100)
    row = models.PositiveIntegerField("dòng")
    column = models.CharField("cột", max_length=200, blank=True)
    source_ref = models.CharField("mã bản ghi", max_length=64)
    message_vi = models.CharField("cảnh báo", max_length=500)
    message_en = models.CharField("warning", max_length=500)

    class Meta:
        verbose_name = "cảnh báo khi nhập"
        verbose_name_plural = "cảnh báo khi nhập"
        ordering = ["job", "id"]

    def __str__(self) -> str:
        return f"{self.sheet} dòng {self.row}"


def _where(reason: dict) -> str:
    return f"{reason['column']}: " if reason["column"] else ""
