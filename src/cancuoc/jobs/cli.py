"""A job run in this process with a rich progress bar (rows done of total, stage, time
left): the command line shows what the job's page shows, and the job is recorded (visible on
the web) as if a worker had run it."""

from typing import IO

from django.conf import settings
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .models import Job, JobStatus
from .registry import kind_label
from .services import JobBusy, JobContext, job_orphaned, job_run, job_submit


def job_submit_or_join(
    kind: str, *, params: dict | None = None, target: str = "", unit=None, by=None
) -> Job:
    """A new job, or the one of that kind and target already queued or left by a worker
    that is gone (running it here takes it over); raises JobBusy when it runs elsewhere."""
    try:
        return job_submit(kind, params=params, target=target, unit=unit, by=by)
    except JobBusy as busy:
        if busy.job.status == JobStatus.QUEUED or job_orphaned(busy.job):
            return busy.job
        raise


def job_command(
    kind: str,
    *,
    params: dict | None = None,
    target: str = "",
    unit=None,
    background: bool = False,
    console: Console,
    busy_said: str,
    same_params: bool = False,
) -> Job | None:
    """What a command does with its job: submit it (or join the one queued or left by a
    worker that is gone), then print its page and return None (``background``), or run it
    here with the progress bar and return it, done. A CommandError says why not: the same
    target runs elsewhere (``busy_said``: what runs, in both languages), a job queued with
    other parameters waits (``same_params``: the target does not say them all), or the job
    failed."""
    try:
        job = job_submit_or_join(kind, params=params, target=target, unit=unit)
    except JobBusy as busy:
        raise CommandError(f"{busy_said}: {job_url(busy.job)}") from None
    if same_params and job.params != params:
        raise CommandError(f"một công việc khác đang chờ / another job waits: {job_url(job)}")
    if background:
        console.print(f"Công việc / job {job.pk}: {job_url(job)}", markup=False)
        return None
    job = run_with_progress(job, console=console)
    if job.status != JobStatus.DONE:
        raise CommandError(job.error or f"công việc / job {job.pk}: {job.status}")
    return job


def job_url(job: Job) -> str:
    return settings.CANCUOC_PUBLIC_URL.rstrip("/") + reverse("jobs:job", args=[job.pk])


def run_with_progress(job: Job, *, console: Console | None = None, out: IO | None = None) -> Job:
    """Run ``job`` here (claiming it, or taking it over from a worker that is gone; raises
    services.JobBusy when it runs elsewhere) and return it as it ended."""
    console = console or Console(file=out, soft_wrap=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("·"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(str(kind_label(job.kind)), total=None)

        class BarContext(JobContext):
            def progress(self, done, total=None, stage=None):
                if stage is not None and stage != self.job.stage:  # a new stage, a new bar
                    bar.reset(task, total=total, description=_(stage))
                bar.update(task, completed=done, total=total or self.job.total)
                super().progress(done, total, stage)

        return job_run(job, context_class=BarContext)
