"""The queue on either database: submit, claim, run, result; one active job per target;
cancel; a lost worker's job claimed again, failed after its attempts; errors redacted."""

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from cancuoc.jobs.models import Job, JobStatus
from cancuoc.jobs.selectors import job_progress
from cancuoc.jobs.services import (
    STOPPING,
    JobBusy,
    job_cancel,
    job_claim,
    job_run,
    job_submit,
    jobs_reclaim,
)

pytestmark = pytest.mark.django_db


def count_to(context, *, n: int) -> dict:
    for done in range(1, n + 1):
        context.progress(done, n, "Đếm")
    return {"counted": n}


def test_a_job_is_submitted_claimed_run_and_keeps_its_result(kinds):
    kinds.add("test.count", count_to)
    job = job_submit("test.count", params={"n": 3}, target="a")
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)

    claimed = job_claim("w1")
    assert claimed.pk == job.pk and claimed.status == JobStatus.RUNNING
    assert claimed.worker == "w1" and claimed.attempts == 1 and claimed.lease_until
    assert job_claim("w2") is None  # nothing else queued

    ended = job_run(claimed, worker="w1", heartbeat=False)
    assert ended.status == JobStatus.DONE and ended.result == {"counted": 3}
    assert (ended.done, ended.total, ended.stage) == (3, 3, "Đếm")
    assert ended.finished_at and ended.lease_until is None
    assert job_progress(ended).percent == 100


def test_a_second_job_on_the_same_target_is_refused_while_the_first_is_active(kinds):
    kinds.add("test.count", count_to)
    first = job_submit("test.count", params={"n": 1}, target="file-1")
    with pytest.raises(JobBusy) as busy:
        job_submit("test.count", params={"n": 1}, target="file-1")
    assert busy.value.job == first
    other = job_submit("test.count", params={"n": 1}, target="file-2")  # another target
    job_run(first, heartbeat=False)
    again = job_submit("test.count", params={"n": 1}, target="file-1")  # the first has ended
    assert {first.pk, other.pk, again.pk} == set(Job.objects.values_list("pk", flat=True))


def test_a_kind_no_process_knows_waits_in_the_queue(kinds):
    job_submit("later.kind", params={})
    assert job_claim("w1") is None
    assert Job.objects.get().status == JobStatus.QUEUED


def test_a_queued_job_cancelled_never_runs(kinds):
    ran = []
    kinds.add("test.note", lambda context: ran.append(1) or {})
    job = job_cancel(job_submit("test.note"))
    assert job.status == JobStatus.CANCELLED and job.finished_at
    assert job_claim("w1") is None and not ran


def test_a_running_job_stops_at_its_next_step_when_cancelled(kinds):
    def long(context) -> dict:
        for done in range(1, 1000):
            if done == 5:
                job_cancel(Job.objects.get(pk=context.job.pk))  # as the cancel button would
                context._checked = 0  # the next step reads the flag at once
            context.progress(done, 1000, "Bước")
        return {"finished": True}

    kinds.add("test.long", long)
    job = job_run(job_submit("test.long"), heartbeat=False)
    assert job.status == JobStatus.CANCELLED and job.done == 5 and job.result == {}


def test_a_job_whose_lease_lapsed_is_claimed_again_and_counts_its_attempts(kinds):
    kinds.add("test.count", count_to)
    job = job_submit("test.count", params={"n": 2})
    assert job_claim("far-away-host:123:abc").attempts == 1
    assert job_claim("w2") is None  # its lease holds
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    again = job_claim("w2")

    assert again.pk == job.pk and again.worker == "w2" and again.attempts == 2
    assert job_run(again, worker="w2", heartbeat=False).status == JobStatus.DONE


def test_a_job_lost_max_attempts_times_fails(kinds):
    kinds.add("test.count", count_to, max_attempts=2)
    job = job_submit("test.count", params={"n": 2})
    assert job.max_attempts == 2
    for worker in ("a:1:x", "b:1:x"):
        assert job_claim(worker).pk == job.pk
        Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert job_claim("c:1:x") is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "2" in job.error and job.attempts == 2


def test_a_job_of_a_dead_process_of_this_machine_is_claimed_at_once(kinds):
    kinds.add("test.count", count_to)
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = f"{socket.gethostname()}:{int(done.stdout)}:abc"
    job = job_submit("test.count", params={"n": 1})
    job_claim(dead)
    alive = f"{socket.gethostname()}:{os.getpid()}:def"
    assert jobs_reclaim() == 1  # its lease still runs, but its process is gone
    assert job_claim(alive).pk == job.pk


def test_a_job_that_raises_fails_with_its_error_redacted(kinds):
    def broken(context) -> dict:
        raise ValueError("row of Nguyễn Văn Minh, ID 012345678901, phone 0912345678")

    kinds.add("test.broken", broken)
    job = job_run(job_submit("test.broken"), heartbeat=False)
    assert job.status == JobStatus.FAILED and job.error.startswith("ValueError: row of")
    assert "012345678901" not in job.error and "8901" in job.error
    assert "Nguyễn Văn Minh" not in job.error and "0912345678" not in job.error


def test_a_stopping_worker_puts_its_job_back_without_counting_the_attempt(kinds):
    def stopped(context) -> dict:
        context.progress(1, 10, "Bước")
        STOPPING.set()  # SIGTERM's handler
        context.progress(2, 10, "Bước")
        return {"finished": True}

    kinds.add("test.stopped", stopped)
    job = job_submit("test.stopped")
    claimed = job_claim("w1")
    ended = job_run(claimed, worker="w1", heartbeat=False)
    assert ended.status == JobStatus.QUEUED and ended.attempts == 0 and ended.worker == ""
    assert ended.done == 2 and ended.pk == job.pk


def test_a_checkpoint_is_there_for_the_retry(kinds):
    def two_stages(context) -> dict:
        if "first" not in context.job.result:
            context.remember(first=41)
            raise RuntimeError("killed between the stages")  # as a lost worker would be
        return {"both": context.job.result["first"] + 1}

    kinds.add("test.stages", two_stages)
    job = job_run(job_submit("test.stages"), heartbeat=False)
    assert job.status == JobStatus.FAILED and job.result == {"first": 41}
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)  # a retry
    assert job_run(Job.objects.get(pk=job.pk), heartbeat=False).result == {"both": 42}


def test_the_time_left_follows_the_pace_of_the_stage(kinds):
    job = job_submit("test.any")
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        started_at=now - timedelta(seconds=100),
        stage_started_at=now - timedelta(seconds=30),
        done=300,
        total=1000,
    )
    progress = job_progress(Job.objects.get(pk=job.pk), now=now)
    assert (progress.percent, progress.elapsed, progress.left) == (30, 100, 70)


def test_a_worker_outlives_a_database_it_cannot_reach(kinds, monkeypatch, caplog):
    from django.db import OperationalError

    from cancuoc.jobs import worker

    kinds.add("test.count", count_to)
    job = job_submit("test.count", params={"n": 2}, target="a")
    real, failures = worker.job_claim, iter([OperationalError("server closed the connection")])

    def claim_after_an_outage(name):
        if (error := next(failures, None)) is not None:
            raise error
        return real(name)

    monkeypatch.setattr(worker, "job_claim", claim_after_an_outage)
    monkeypatch.setattr(worker, "RETRY_SECONDS", 0.0)
    # The loop drops connections between jobs, as it must in production; inside the test's
    # transaction that would close the test's own connection (then every query fails).
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    run = worker.worker_loop(once=True, sleep=0.0, schedule=False)

    assert run.jobs == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert "could not reach the queue" in caplog.text


def test_an_interrupted_command_cancels_its_job_rather_than_leave_it_to_a_worker(kinds):
    def interrupted(context):
        raise KeyboardInterrupt

    kinds.add("test.interrupted", interrupted)
    job = job_submit("test.interrupted", target="a")
    with pytest.raises(KeyboardInterrupt):
        job_run(job, heartbeat=False)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
