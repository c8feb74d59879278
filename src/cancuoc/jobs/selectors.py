"""Which jobs a user may see, and a job's progress as the page and its JSON show it."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cancuoc.accounts.scope import scope_for
from cancuoc.geo.models import AdministrativeUnit

from .models import Job, JobStatus


def jobs_visible(user) -> QuerySet:
    """Their own jobs; all for a superuser or a national role; else also the jobs about a
    unit of their area (jobs without a unit are their creator's only)."""
    jobs = Job.objects.select_related("unit", "created_by")
    scope = scope_for(user)
    if user.is_superuser or scope.national:
        return jobs
    areas = scope.units() if scope.paths else AdministrativeUnit.objects.none()
    return jobs.filter(Q(created_by=user) | Q(unit__in=areas))


def job_visible(user, pk: int) -> Job | None:
    """The job if the user may see it (as :func:`jobs_visible`; a unit of the map before
    1 July 2025 is in the area when all it became is), else None: the page answers 404."""
    job = Job.objects.select_related("unit", "created_by").filter(pk=pk).first()
    if job is None or user.is_superuser or job.created_by_id == user.pk:
        return job
    scope = scope_for(user)
    if scope.national or (job.unit is not None and scope.contains_unit(job.unit)):
        return job
    return None


def may_cancel(user, job: Job) -> bool:
    return job.active and (user.is_superuser or job.created_by_id == user.pk)


@dataclass(frozen=True)
class Progress:
    percent: int | None
    elapsed: int  # seconds since the job started
    left: int | None  # seconds, from the pace of the current stage


def job_progress(job: Job, now: datetime | None = None) -> Progress:
    now = now or timezone.now()
    end = job.finished_at or now
    elapsed = int((end - job.started_at).total_seconds()) if job.started_at else 0
    percent = left = None
    if job.status == JobStatus.DONE:
        percent, left = 100, 0
    elif job.total:
        done = min(job.done, job.total)
        percent = int(100 * done / job.total)
        since = job.stage_started_at or job.started_at
        if job.status == JobStatus.RUNNING and since and done:
            spent = (now - since).total_seconds()
            left = int(spent / done * (job.total - done))
    return Progress(percent, elapsed, left)
