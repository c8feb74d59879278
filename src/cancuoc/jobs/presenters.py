"""A job as its page says it, in the reader's language: the kind's name, the stage, the
figures done of total, elapsed and time left, and the lines its kind makes of the result."""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Job
from .registry import KINDS, Line, kind_label
from .selectors import job_progress


@dataclass(frozen=True)
class JobState:
    label: str
    about: str
    stage: str
    percent: int | None
    figures: str
    elapsed: str
    left: str


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(hours)d giờ %(minutes)d phút") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d phút %(seconds)d giây") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d giây") % {"seconds": seconds}


def job_state(job: Job) -> JobState:
    progress = job_progress(job)
    done = number_format(job.done, force_grouping=True)
    if job.total:
        total = number_format(job.total, force_grouping=True)
        figures = _("%(done)s / %(total)s") % {"done": done, "total": total}
    else:
        figures = done if job.done else ""
    known = KINDS.get(job.kind)
    return JobState(
        label=str(kind_label(job.kind)),
        about=known.describe(job.params) if known and known.describe else "",
        stage=_(job.stage) if job.stage else "",  # a msgid of the kind's catalogue
        percent=progress.percent,
        figures=figures,
        elapsed=duration(progress.elapsed),
        left=duration(progress.left) if job.active else "—",
    )


def job_lines(job: Job) -> list[Line]:
    """The result as (label, value, link) lines: the kind's presenter, else key: value."""
    known = KINDS.get(job.kind)
    if not job.result:
        return []
    if known is not None and known.present is not None:
        return known.present(job.result)
    return [(str(key), str(value), "") for key, value in job.result.items()]
