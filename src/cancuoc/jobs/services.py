"""The job queue: one table (models.Job), the same on SQLite and PostgreSQL.

Why our own queue and not Django's tasks API (the ``django-tasks`` backport, 0.12): its
database backend has no progress, no cancel, no uniqueness per target, and a task left
RUNNING by a killed worker stays so for ever (RealOrangeOne/django-tasks#46, open; the
"worker pings" of #133 were never finished). Each of those is a few lines on one table:

- **claim**: ``UPDATE … SET status='running' WHERE pk=… AND status='queued'``: of two
  workers one updates the row, the other finds 0 rows and tries the next; no lock is held.
- **lease**: a running job carries ``lease_until``, pushed forward by its progress and by a
  heartbeat thread of the process running it. A job whose lease lapsed, or whose worker is a
  process of this machine that no longer exists (SIGKILL), is put back in the queue, or
  failed once it has been tried ``max_attempts`` times; the function resumes (an import
  skips the batches it committed) or runs again whole (it must be atomic).
- **one run per target**: a partial unique constraint on (kind, target) of the queued and
  running jobs; :func:`job_submit` raises :class:`JobBusy` with the job already there.
- **cancel**: ``cancel_requested`` is read by the job between its steps
  (:meth:`JobContext.raise_if_cancelled`); a queued job is cancelled at once.
- **stop** (SIGTERM to the worker): the job stops at its next step and goes back to the
  queue without the attempt counting.
- **result and error**: stored on the row; the error redacted (lib.redact).
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from cancuoc.lib.errors import DomainError
from cancuoc.lib.redact import redact

from .models import ACTIVE, Job, JobStatus
from .registry import KINDS, kind_of

log = logging.getLogger(__name__)

# Progress is written at most this often (and always on a change of stage).
WRITE_EVERY = 0.5


def lease_seconds() -> int:
    return getattr(settings, "CANCUOC_JOB_LEASE_SECONDS", 60)


class JobBusy(RuntimeError):
    """A job of the same kind and target is queued or running: ``job``."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"job {job.pk} ({job.kind}) is {job.status}")
        self.job = job


class JobCancelled(Exception):
    """Raised inside a job when its cancel was asked for: the job ends as cancelled."""


class JobInterrupted(Exception):
    """Raised inside a job when its worker is stopping (SIGTERM): the job is queued again."""


class JobLost(Exception):
    """The job's lease passed to another worker: this run must stop writing."""


# Set by the worker's SIGTERM handler: every running job stops at its next step.
STOPPING = threading.Event()


def worker_id(prefix: str = "") -> str:
    """host:pid:random: :func:`_worker_gone` tells a dead process of this machine at once."""
    return f"{prefix}{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def job_submit(
    kind: str,
    *,
    params: dict[str, Any] | None = None,
    target: str = "",
    unit: Any = None,
    by: Any = None,
    schedule_key: str | None = None,
) -> Job:
    """Queue a job of ``kind`` (registered or not: a worker with the kind runs it). Raises
    :class:`JobBusy` when one of that kind and target is queued or running."""
    known = KINDS.get(kind)
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                target=target,
                params=params or {},
                unit=unit,
                created_by=by if getattr(by, "pk", None) else None,
                max_attempts=known.max_attempts if known else 3,
                schedule_key=schedule_key,
            )
    except IntegrityError:
        active = Job.objects.filter(kind=kind, target=target, status__in=ACTIVE).first()
        if active is None:  # the schedule key: that day's job exists, finished
            raise
        raise JobBusy(active) from None
    log.info("job %d (%s) queued", job.pk, kind)
    return job


def job_cancel(job: Job, *, by: Any = None) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next step."""
    now = timezone.now()
    queued = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED)
    if queued.update(status=JobStatus.CANCELLED, cancel_requested=True, finished_at=now):
        log.info("job %d cancelled before it ran", job.pk)
    else:
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(cancel_requested=True)
        log.info("job %d asked to stop", job.pk)
    job.refresh_from_db()
    return job


def job_claim(worker: str) -> Job | None:
    """The oldest queued job of a kind this process knows, now running for ``worker``; jobs
    lost by their workers are put back in the queue first."""
    jobs_reclaim()
    queued = Job.objects.filter(status=JobStatus.QUEUED, kind__in=list(KINDS))
    for pk in queued.order_by("created_at", "pk").values_list("pk", flat=True)[:20]:
        if _take(pk, worker, JobStatus.QUEUED):
            return Job.objects.get(pk=pk)
    return None


def _take(pk: int, worker: str, status: str, previous_worker: str | None = None) -> bool:
    now = timezone.now()
    rows = Job.objects.filter(pk=pk, status=status)
    if previous_worker is not None:
        rows = rows.filter(worker=previous_worker)
    return bool(
        rows.update(
            status=JobStatus.RUNNING,
            worker=worker,
            attempts=F("attempts") + 1,
            lease_until=now + timedelta(seconds=lease_seconds()),
            heartbeat_at=now,
            started_at=now,
            stage_started_at=now,
        )
    )


def jobs_reclaim() -> int:
    """Running jobs whose worker is gone (its lease lapsed, or a process of this machine that
    no longer exists): queued again, or failed after ``max_attempts`` runs."""
    now = timezone.now()
    running = Job.objects.filter(status=JobStatus.RUNNING)
    lost = [
        (pk, worker, attempts, most)
        for pk, worker, attempts, most, lease in running.values_list(
            "pk", "worker", "attempts", "max_attempts", "lease_until"
        )
        if (lease is not None and lease < now) or _worker_gone(worker)
    ]
    for pk, worker, attempts, most in lost:
        rows = Job.objects.filter(pk=pk, status=JobStatus.RUNNING, worker=worker)
        if attempts >= most:
            rows.update(
                status=JobStatus.FAILED,
                finished_at=now,
                lease_until=None,
                error=f"worker lost {attempts} times (lần chạy bị ngắt {attempts} lần)",
            )
            log.warning("job %d failed: its worker was lost %d times", pk, attempts)
        else:
            rows.update(status=JobStatus.QUEUED, worker="", lease_until=None)
            log.warning("job %d queued again: its worker was lost", pk)
    return len(lost)


def _worker_gone(worker: str) -> bool:
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process: alive
        return False
    return _zombie(int(pid))


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


class JobContext:
    """What a running job sees of itself: report progress, learn it should stop."""

    def __init__(self, job: Job, worker: str) -> None:
        self.job = job
        self.worker = worker
        self._written = 0.0
        self._checked = 0.0
        self._cancel = False
        self.cancel_seen = False

    def progress(self, done: int, total: int | None = None, stage: str | None = None) -> None:
        """``done`` of ``total`` (None: unchanged, or unknown in a new stage) in ``stage`` (a
        msgid: the page translates it). Written at most twice a second, and on a new stage;
        each write extends the lease. Then, a step being done, stops the job if asked
        (:meth:`raise_if_cancelled`). Raises :class:`JobLost` when another worker took it."""
        job = self.job
        new_stage = stage is not None and stage != job.stage
        if new_stage:
            job.stage, job.stage_started_at = stage, timezone.now()
            job.total = total
        elif total is not None:
            job.total = total
        job.done = done
        if new_stage or time.monotonic() - self._written >= WRITE_EVERY:
            self._write(stage_changed=new_stage)
        self.raise_if_cancelled()

    def _write(self, *, stage_changed: bool = False) -> None:
        job, now = self.job, timezone.now()
        fields = {
            "done": job.done,
            "total": job.total,
            "heartbeat_at": now,
            "lease_until": now + timedelta(seconds=lease_seconds()),
        }
        if stage_changed:
            fields |= {"stage": job.stage[:200], "stage_started_at": job.stage_started_at}
        mine = Job.objects.filter(pk=job.pk, worker=self.worker, status=JobStatus.RUNNING)
        if not mine.update(**fields):
            raise JobLost(job.pk)
        self._written = time.monotonic()

    def remember(self, **values: Any) -> None:
        """Keep ``values`` in the job's result now: a checkpoint that a retry of the job
        finds in ``context.job.result`` (the function's return value replaces it at the end)."""
        self.job.result = {**(self.job.result or {}), **values}
        mine = Job.objects.filter(pk=self.job.pk, worker=self.worker, status=JobStatus.RUNNING)
        if not mine.update(result=self.job.result):
            raise JobLost(self.job.pk)

    def cancelled(self) -> bool:
        """Whether the job should stop now: cancelled by a user, or its worker is stopping
        (read from the database at most twice a second)."""
        if STOPPING.is_set():
            return True
        if not self._cancel and time.monotonic() - self._checked >= WRITE_EVERY:
            asked = Job.objects.filter(pk=self.job.pk).values_list("cancel_requested", flat=True)
            self._cancel = bool(asked.first())
            self._checked = time.monotonic()
        return self._cancel

    def raise_if_cancelled(self) -> None:
        if self.cancelled():
            if STOPPING.is_set():
                raise JobInterrupted(self.job.pk)
            self.cancel_seen = True
            raise JobCancelled(self.job.pk)


class Heartbeat:
    """A thread that extends a running job's lease while a long step reports no progress
    (a Splink run, a PDF); it dies with the process, so a killed worker's lease lapses."""

    def __init__(self, job: Job, worker: str) -> None:
        self.job_pk, self.worker = job.pk, worker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.pk}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _beat(self) -> None:
        every = max(lease_seconds() / 3, 0.2)
        try:
            while not self._stop.wait(every):
                now = timezone.now()
                try:
                    Job.objects.filter(
                        pk=self.job_pk, worker=self.worker, status=JobStatus.RUNNING
                    ).update(heartbeat_at=now, lease_until=now + timedelta(seconds=lease_seconds()))
                except Exception as error:  # a locked SQLite: the next beat will do
                    log.debug("job %d heartbeat skipped: %s", self.job_pk, type(error).__name__)
        finally:
            connection.close()


def job_run(
    job: Job,
    *,
    worker: str | None = None,
    heartbeat: bool = True,
    context_class: Callable[[Job, str], JobContext] = JobContext,
) -> Job:
    """Run a job in this process. A queued job is claimed first, a job left running by a
    worker that is gone is taken over; one running elsewhere raises :class:`JobBusy`. Returns
    the job as it ended (done, failed, cancelled, or queued again when the worker stops)."""
    worker = worker or worker_id()
    if not (job.status == JobStatus.RUNNING and job.worker == worker):
        job.refresh_from_db()
        taken = job.status == JobStatus.QUEUED and _take(job.pk, worker, JobStatus.QUEUED)
        if not taken and job.status == JobStatus.RUNNING and job_orphaned(job):
            taken = _take(job.pk, worker, JobStatus.RUNNING, previous_worker=job.worker)
        if not taken:
            job.refresh_from_db()
            raise JobBusy(job)
        job.refresh_from_db()
    context = context_class(job, worker)
    try:
        kind = kind_of(job.kind)
        if heartbeat:
            with Heartbeat(job, worker):
                result = kind.function(context, **job.params)
        else:
            result = kind.function(context, **job.params)
    except JobInterrupted:
        _end(job, worker, status=JobStatus.QUEUED, attempts=F("attempts") - 1, worker="")
        log.info("job %d stopped with its worker, queued again", job.pk)
    except JobCancelled:
        _end(job, worker, status=JobStatus.CANCELLED, finished_at=timezone.now())
        log.info("job %d cancelled", job.pk)
    except KeyboardInterrupt:
        # Ctrl-C on a command that runs its job here: the job stops with it (cancelled),
        # rather than being taken up by a worker once this process is gone (SMS still sent).
        _end(job, worker, status=JobStatus.CANCELLED, finished_at=timezone.now())
        log.info("job %d cancelled by an interrupt", job.pk)
        raise
    except JobLost:
        log.warning("job %d was taken over by another worker; this run stops", job.pk)
    except Exception as error:
        said = redact(error_said(error))[:4000]
        if isinstance(error, DomainError) or hasattr(error, "vi"):  # refused, not broken
            log.info("job %d (%s) refused: %s", job.pk, job.kind, said)
        else:
            log.exception("job %d (%s) failed", job.pk, job.kind)
        _end(job, worker, status=JobStatus.FAILED, error=said, finished_at=timezone.now())
    else:
        status = JobStatus.CANCELLED if context.cancel_seen else JobStatus.DONE
        _end(job, worker, status=status, result=result or {}, finished_at=timezone.now())
        log.info("job %d %s", job.pk, status)
    job.refresh_from_db()
    return job


def error_said(error: Exception) -> str:
    """What the job's page says of an error: a message meant for people as it is (a domain
    refusal, a file that cannot be read: in Vietnamese), anything else with its type."""
    if isinstance(error, DomainError):
        return str(error)
    if isinstance(getattr(error, "vi", None), str):
        return error.vi
    return f"{type(error).__name__}: {error}"


def job_orphaned(job: Job) -> bool:
    """A running job whose worker is gone: its lease lapsed, or its process has died."""
    lapsed = job.lease_until is not None and job.lease_until < timezone.now()
    return lapsed or _worker_gone(job.worker)


def _end(job: Job, owner: str, **fields: Any) -> None:
    """The run's outcome, written only while this run still owns the job."""
    fields.setdefault("lease_until", None)
    fields |= {"done": job.done, "total": job.total}
    Job.objects.filter(pk=job.pk, worker=owner, status=JobStatus.RUNNING).update(**fields)
