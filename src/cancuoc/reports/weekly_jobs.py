"""The weekly report (báo cáo tuần) as the background job ``reports.weekly_report``: DOCX,
XLSX annex and PDF of a unit as of a day, written into the job's folder and downloaded through
report_files.py. ``cancuoc report weekly`` runs it; the nightly schedule submits it every
Friday at 16:00 for each province running a campaign.

Without LibreOffice the PDF cannot be made: the job still ends well with the DOCX and XLSX,
and its result says why there is no PDF (in Vietnamese and English)."""

import shutil
from datetime import date
from functools import partial
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs.models import Job, JobStatus
from cancuoc.jobs.registry import Line, job_kind
from cancuoc.jobs.services import JobCancelled, JobContext, JobInterrupted
from cancuoc.jobs.texts import in_both, in_reader_language

from .weekly import PdfUnavailable, to_pdf, weekly_docx, weekly_figures, weekly_xlsx

KIND = "reports.weekly_report"
STEPS = [
    gettext_noop("Tính số liệu tuần"),
    gettext_noop("Viết báo cáo (DOCX)"),
    gettext_noop("Viết phụ lục (XLSX)"),
    gettext_noop("Chuyển sang PDF"),
]
FORMATS = ("docx", "xlsx", "pdf")


def report_folder(job_pk: int) -> Path:
    """Where a weekly report job keeps its files: served only through report_files.py."""
    return Path(settings.CANCUOC_FILES_DIR) / "reports" / str(job_pk)


def report_file(job: Job, kind: str) -> Path | None:
    """The ``kind`` (docx, xlsx, pdf) file of a finished weekly report job, or None."""
    name = ((job.result or {}).get("files") or {}).get(kind)
    if job.kind != KIND or job.status != JobStatus.DONE or not name:
        return None
    path = report_folder(job.pk) / name
    return path if path.is_file() else None


def report_lines(result: dict) -> list[Line]:
    page = reverse("reports:weekly-file", kwargs={"code": result["unit"], "pk": result["job"]})
    labels = {
        "docx": _("Báo cáo (DOCX)"),
        "xlsx": _("Phụ lục (XLSX)"),
        "pdf": _("Báo cáo (PDF)"),
    }
    files = result["files"]  # in the labels' order: PostgreSQL's JSON keeps none
    lines = [
        (labels[kind], files[kind], f"{page}?{urlencode({'dinh_dang': kind})}")
        for kind in labels
        if kind in files
    ]
    if result.get("pdf_missing"):
        lines.append((labels["pdf"], in_reader_language(result["pdf_missing"]), ""))
    return lines


def report_about(params: dict) -> str:
    return _("%(unit)s, tuần đến ngày %(as_of)s") % params


@job_kind(KIND, label=gettext_lazy("Báo cáo tuần"), present=report_lines, describe=report_about)
def weekly_report_job(context: JobContext, *, unit: str, as_of: str) -> dict:
    """Retry-safe: the job's folder is emptied first and written again whole (the report
    only reads); a cancelled run leaves no file."""
    area, last_day = unit_by_code(unit), date.fromisoformat(as_of)
    folder = report_folder(context.job.pk)
    shutil.rmtree(folder, ignore_errors=True)
    name = f"bao-cao-tuan-{area.code}-{last_day:%Y%m%d}"
    files: dict[str, str] = {}
    missing = None
    try:
        context.progress(0, len(STEPS), STEPS[0])
        figures = weekly_figures(area, last_day)
        folder.mkdir(parents=True, exist_ok=True)
        context.progress(1, len(STEPS), STEPS[1])
        docx = weekly_docx(figures, folder / f"{name}.docx")
        files["docx"] = docx.name
        context.progress(2, len(STEPS), STEPS[2])
        files["xlsx"] = weekly_xlsx(figures, folder / f"{name}.xlsx").name
        context.progress(3, len(STEPS), STEPS[3])
        try:
            files["pdf"] = to_pdf(docx, folder).name
        except PdfUnavailable as error:
            missing = in_both(partial(pdf_missing, error))
        context.progress(len(STEPS), len(STEPS))
    except (JobCancelled, JobInterrupted):
        shutil.rmtree(folder, ignore_errors=True)
        raise
    result = {"job": context.job.pk, "unit": area.url_code, "as_of": as_of, "files": files}
    return result | ({"pdf_missing": missing} if missing else {})


def pdf_missing(error: PdfUnavailable) -> str:
    """Why there is no PDF, in the language in force (in_both calls it once for each)."""
    installed = shutil.which("soffice") or shutil.which("libreoffice")
    reason = str(error) if installed else _("Máy chủ chưa cài LibreOffice: không tạo được PDF.")
    return _("Không có PDF: %(reason)s Báo cáo DOCX và phụ lục XLSX vẫn có.") % {"reason": reason}
