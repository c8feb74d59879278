"""The worker's loop: the nightly schedule, then the oldest queued job, again and again.

SIGTERM (and Ctrl-C) set :data:`services.STOPPING`: the running job stops at its next step
and goes back to the queue (the attempt does not count); the loop then ends."""

import logging
import signal
import threading
import time
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections

from .schedule import schedule_run
from .services import STOPPING, job_claim, job_run, worker_id

log = logging.getLogger(__name__)
SCHEDULE_EVERY = 30.0  # seconds between two looks at the nightly schedule
RETRY_SECONDS = 5.0  # after the database could not be reached


@dataclass
class WorkerRun:
    worker: str
    jobs: int = 0


def worker_loop(
    *, once: bool = False, max_jobs: int | None = None, sleep: float = 1.0, schedule: bool = True
) -> WorkerRun:
    """Run jobs until stopped; ``once``: until the queue is empty; ``max_jobs``: at most so
    many (then exit, for a supervisor to restart a fresh process)."""
    run = WorkerRun(worker_id())
    STOPPING.clear()
    previous = {}
    if threading.current_thread() is threading.main_thread():  # else: the process's own
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    log.info("worker %s started", run.worker)
    scheduled = 0.0
    try:
        while not STOPPING.is_set():
            close_old_connections()
            try:
                if schedule and time.monotonic() - scheduled >= SCHEDULE_EVERY:
                    schedule_run()
                    scheduled = time.monotonic()
                job = job_claim(run.worker)
            except DatabaseError:
                # The database restarted, or SQLite was locked by a long write: the worker
                # waits and tries again rather than ending (its jobs would wait for a person).
                log.exception("worker %s could not reach the queue; trying again", run.worker)
                close_old_connections()
                STOPPING.wait(max(sleep, RETRY_SECONDS))
                continue
            if job is None:
                if once:
                    break
                STOPPING.wait(sleep)
                continue
            log.info("worker %s runs job %d (%s)", run.worker, job.pk, job.kind)
            try:
                job_run(job, worker=run.worker)
            except DatabaseError:  # the outcome could not be written: the lease will lapse
                log.exception("worker %s lost the database in job %d", run.worker, job.pk)
                close_old_connections()
                STOPPING.wait(max(sleep, RETRY_SECONDS))
            run.jobs += 1
            if max_jobs is not None and run.jobs >= max_jobs:
                break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("worker %s stopped after %d jobs", run.worker, run.jobs)
    return run


def worker_thread(*, sleep: float = 1.0) -> threading.Thread:
    """A worker in a daemon thread of this process (the demo's, next to runserver): it dies
    with the process; its job is then claimed again by the next worker."""
    thread = threading.Thread(
        target=worker_loop, kwargs={"sleep": sleep}, name="cancuoc-worker", daemon=True
    )
    thread.start()
    return thread


def _stop(signum, frame) -> None:
    log.info("worker stopping (signal %d): the running job is put back after its step", signum)
    STOPPING.set()
