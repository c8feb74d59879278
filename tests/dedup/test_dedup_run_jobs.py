"""A duplicate run as a background job: the same pairs, merges and queue as the direct call
with the same model, its stages on the job, one run per unit (or the register) at a time, a
cancel between stages that leaves nothing, and the command that only queues it."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from cancuoc.dedup.models import MatchPair, MatchRun
from cancuoc.dedup.run_jobs import KIND, STAGES
from cancuoc.dedup.services import dedup_run
from cancuoc.jobs.models import Job, JobStatus
from cancuoc.jobs.presenters import job_lines
from cancuoc.jobs.services import JobBusy, job_run, job_submit
from cancuoc.registry.models import Person
from cancuoc.synth.services import synth_load
from tests.jobs.helpers import run_jobs
from tests.scheduling.cancelling import cancelled_at

FIGURES = ("records", "pairs_compared", "pairs_kept", "auto_merged", "to_review")


def outcome() -> tuple:
    """What a run leaves: the pairs and their states, and the records merged."""
    pairs = sorted(MatchPair.objects.values_list("left_id", "right_id", "state"))
    merged = sorted(Person.objects.filter(merged_into__isnull=False).values_list("pk", flat=True))
    return pairs, merged


def test_a_run_as_a_job_leaves_what_the_direct_call_leaves(db, province):
    synth_load(province)
    trained = job_run(job_submit(KIND), heartbeat=False)
    assert trained.status == JobStatus.DONE and trained.result["trained"]
    assert (trained.stage, trained.done, trained.total) == (STAGES["merge"], 4, 4)
    first = MatchRun.objects.get()
    assert {k: getattr(first, k) for k in FIGURES} == {k: trained.result[k] for k in FIGURES}
    model = first.model

    with transaction.atomic():
        direct = dedup_run(saved_model=model, auto_merge_weight=10)
        expected = {k: getattr(direct, k) for k in FIGURES}, outcome()
        transaction.set_rollback(True)
    job_submit(KIND, params={"saved_model": model, "auto_merge_weight": 10})
    [ended] = run_jobs()

    assert ended.status == JobStatus.DONE and not ended.result["trained"]
    assert ({k: ended.result[k] for k in FIGURES}, outcome()) == expected
    assert ended.total == 3  # read, score, merge: no training with a model
    [(run, said, queue), *_] = job_lines(ended)
    assert run == f"Lần dò trùng số {ended.result['run']}"
    assert queue == "/admin/dedup/matchpair/?state__exact=pending" and "chờ xem xét" in said


def test_one_run_per_target_at_a_time_and_a_cancel_leaves_nothing(db, province):
    synth_load(province)
    job = job_submit(KIND, target="")
    with pytest.raises(JobBusy):
        job_submit(KIND, target="")
    job_submit(KIND, params={"unit": "38"}, target="38")  # another target: allowed

    ended = job_run(job, heartbeat=False, context_class=cancelled_at(STAGES["train"]))

    assert ended.status == JobStatus.CANCELLED and ended.stage == STAGES["train"]
    assert not MatchRun.objects.exists() and not MatchPair.objects.exists()


def test_a_run_that_cannot_train_fails_and_says_why(add_person):
    add_person(full_name="Lê Thị Hoa", sex="F")
    add_person(full_name="Trần Văn Nam")
    job_submit(KIND)
    [ended] = run_jobs()
    assert ended.status == JobStatus.FAILED
    assert "không có hai bản ghi nào cùng tên, ngày sinh và giới" in ended.error
    assert not MatchRun.objects.exists()


def test_the_command_can_only_queue_the_run(area):
    out = io.StringIO()
    call_command("dedup", "run", "--train", "--unit", "16000", "--background", stdout=out)
    job = Job.objects.get()
    assert (job.kind, job.status, job.target, job.unit.code) == (KIND, "queued", "16000", "16000")
    assert job.params["train"] and f"/cong-viec/{job.pk}/" in out.getvalue()
    assert not MatchRun.objects.exists()
