"""Run the queued jobs here, as a worker would (the tests' worker: no thread, no loop)."""

from cancuoc.jobs.models import Job
from cancuoc.jobs.services import job_claim, job_run


def run_jobs() -> list[Job]:
    ended = []
    while (job := job_claim("tests:0:run")) is not None:
        ended.append(job_run(job, worker="tests:0:run", heartbeat=False))
    return ended
