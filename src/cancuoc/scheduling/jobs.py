"""Scheduling's background jobs: the assignment of a unit's worklist to slots
(``cancuoc appointments assign``) and a station's appointment slips (``cancuoc slips`` and the
station page's button). One job per unit, or per station, at a time (the job's target)."""

import re
import shutil
from datetime import date
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs.models import JobStatus
from cancuoc.jobs.registry import Line, job_kind
from cancuoc.jobs.services import JobCancelled, JobContext, JobInterrupted
from cancuoc.planning.models import Station

from .assignment import Weights
from .schedules import schedule_xlsx
from .services import appointments_assign
from .slips import slips_by_village

ASSIGN = "scheduling.assign"
SLIPS = "scheduling.slips"
ASSIGNING = gettext_noop("Xếp lịch hẹn")
LAYING_OUT = gettext_noop("Dàn trang phiếu hẹn")
WRITING = gettext_noop("Ghi tệp phiếu hẹn theo thôn")


def assign_lines(result: dict) -> list[Line]:
    figures = {
        name: number_format(result[name], force_grouping=True)
        for name in ("assigned", "unassigned", "persons")
    }
    said = (
        _(
            "%(assigned)s người đã hẹn, %(unassigned)s chưa xếp được, trong %(persons)s người "
            "cần hẹn"
        )
        % figures
    )
    gap = _("chi phí %(cost)s (cận dưới %(bound)s, hơn %(gap)s)") % {
        "cost": number_format(result["cost"], force_grouping=True),
        "bound": number_format(result["lower_bound"], force_grouping=True),
        "gap": f"{result['gap']:.3%}",
    }
    return [(result["unit_name"], said, ""), (_("Chất lượng lời giải"), gap, "")]


def assign_about(params: dict) -> str:
    return _("%(unit)s, %(first)s – %(last)s") % params


@job_kind(ASSIGN, label=gettext_lazy("Xếp lịch hẹn"), present=assign_lines, describe=assign_about)
def assign_job(
    context: JobContext, *, unit: str, first: str, last: str, hard_first: bool = False
) -> dict:
    """One step, atomic (appointments_assign is one transaction): a retry runs it again whole."""
    area = unit_by_code(unit)
    context.progress(0, 1, ASSIGNING)
    run = appointments_assign(
        unit=area,
        first=date.fromisoformat(first),
        last=date.fromisoformat(last),
        by=context.job.created_by,
        weights=Weights(easy_first=not hard_first),
    )
    context.progress(1, 1)
    return {
        "run": run.pk,
        "unit_name": area.name,
        "persons": run.persons,
        "assigned": run.assigned,
        "unassigned": run.unassigned,
        "cost": run.cost,
        "lower_bound": run.lower_bound,
        "gap": (run.cost - run.lower_bound) / run.lower_bound if run.lower_bound else 0.0,
        "seconds": run.seconds,
    }


def file_part(code: str) -> str:
    """A code as a safe part of a file name."""
    return re.sub(r"[^\w.-]", "_", code)


def slips_folder(job_pk: int) -> Path:
    """Where a slips job keeps its files: served only through views.slips_file."""
    return Path(settings.CANCUOC_FILES_DIR) / "slips" / str(job_pk)


def slips_lines(result: dict) -> list[Line]:
    page = reverse("scheduling:slips-file", kwargs={"code": result["station"], "pk": result["job"]})
    lines = []
    for file in result["files"]:
        if file["village"]:
            label = _("%(count)s phiếu hẹn (%(village)s)") % {
                "count": number_format(file["count"], force_grouping=True),
                "village": file["village"],
            }
        elif file["count"]:
            label = _("%(count)s phiếu hẹn (chưa rõ thôn)") % {
                "count": number_format(file["count"], force_grouping=True)
            }
        else:
            label = _("Lịch hẹn của điểm (XLSX)")
        lines.append((label, file["name"], f"{page}?{urlencode({'tep': file['name']})}"))
    if not result["slips"]:
        lines.insert(0, (_("Phiếu hẹn"), _("không có lịch hẹn nào trong những ngày này"), ""))
    return lines


def slips_about(params: dict) -> str:
    return _("%(station)s, %(first)s – %(last)s") % params


@job_kind(SLIPS, label=gettext_lazy("Làm phiếu hẹn"), present=slips_lines, describe=slips_about)
def slips_job(context: JobContext, *, station: str, first: str, last: str, purpose: str) -> dict:
    """A PDF of slips per village and the station's schedule (XLSX) in the job's folder.
    Retry-safe: the folder is emptied first and written again whole; a cancelled run leaves
    no file. ``purpose``: why the names are taken out, audited when a file is downloaded."""
    place = Station.objects.get(code=station)
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    folder = slips_folder(context.job.pk)
    shutil.rmtree(folder, ignore_errors=True)
    try:
        context.progress(0, 1, LAYING_OUT)
        batches = slips_by_village(station=place, first=start, last=end)
        folder.mkdir(parents=True, exist_ok=True)
        prefix, files = file_part(place.code), []
        context.progress(0, len(batches) + 1, WRITING)
        for done, batch in enumerate(batches, start=1):
            village = file_part(batch.village.code) if batch.village else "khong-ro-thon"
            name = f"phieu-hen-{prefix}-{village}.pdf"
            (folder / name).write_bytes(batch.pdf)
            village_name = batch.village.name if batch.village else ""
            files.append({"name": name, "count": batch.count, "village": village_name})
            context.progress(done)
        name = f"lich-hen-{prefix}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        (folder / name).write_bytes(schedule_xlsx(station=place, first=start, last=end))
        files.append({"name": name, "count": 0, "village": ""})
        context.progress(len(batches) + 1)
    except (JobCancelled, JobInterrupted):  # not JobLost: the folder is the new owner's now
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return {
        "job": context.job.pk,
        "station": place.code,
        "slips": sum(batch.count for batch in batches),
        "villages": len(batches),
        "files": files,
    }


def slips_file(job, name: str) -> Path | None:
    """The file ``name`` of a finished slips job, or None (another job's, or made up)."""
    listed = {file["name"] for file in (job.result or {}).get("files", [])}
    if job.kind != SLIPS or job.status != JobStatus.DONE or name not in listed:
        return None
    path = slips_folder(job.pk) / name
    return path if path.is_file() else None
