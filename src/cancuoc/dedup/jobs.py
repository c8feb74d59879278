"""Duplicate detection as background jobs."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cancuoc.imports.models import ImportJob
from cancuoc.jobs.registry import job_kind
from cancuoc.jobs.services import JobContext
from cancuoc.jobs.texts import in_both

from . import run_jobs  # noqa: F401  (registers dedup.run)
from .services import NoTrainedModel, job_match


@job_kind("dedup.import_match", label=gettext_lazy("Dò trùng các bản ghi của một lần nhập"))
def import_match_job(context: JobContext, *, import_job: int) -> dict:
    """The records import job ``import_job`` wrote, matched against the register (as
    ``cancuoc dedup run --job N``); without a trained model, says so in ``note``."""
    job = ImportJob.objects.get(pk=import_job)
    try:
        run = job_match(job=job, by=context.job.created_by)
    except NoTrainedModel:
        return {
            "note": in_both(
                lambda: _("chưa có mô hình dò trùng: chạy `cancuoc dedup run` cho cả tỉnh trước")
            )
        }
    return {
        "run": run.pk,
        "records": run.records,
        "auto_merged": run.auto_merged,
        "to_review": run.to_review,
    }
