"""The reports' background jobs (the nightly schedule submits the recount at 01:00)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cancuoc.jobs.registry import Line, job_kind
from cancuoc.jobs.services import JobContext

from . import weekly_jobs  # noqa: F401  (registers reports.weekly_report)
from .rollups import rollups_rebuild

RECOUNTING = gettext_noop("Đếm lại từ hồ sơ")


def rollups_lines(result: dict) -> list[Line]:
    return [
        (_("Dòng đơn vị-ngày"), number_format(result["units"], force_grouping=True), ""),
        (_("Dòng bộ máy-ngày"), number_format(result["stations"], force_grouping=True), ""),
    ]


@job_kind(
    "reports.rollups_rebuild",
    label=gettext_lazy("Tính lại số liệu tổng hợp"),
    present=rollups_lines,
)
def rollups_rebuild_job(context: JobContext) -> dict:
    """Every rollup recounted from the applications (one transaction: atomic, so a retry
    after a killed worker simply runs it again)."""
    context.progress(0, 1, RECOUNTING)
    units, stations = rollups_rebuild()[:2]
    return {"units": units, "stations": stations}
