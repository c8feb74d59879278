"""The import as a job: a retry after the rows were all committed does not import again;
a dry run writes no progress inside its rolled-back transaction."""

from cancuoc.imports import jobs
from cancuoc.imports.jobs import KIND
from cancuoc.imports.models import ImportJob
from cancuoc.imports.services import person_import
from cancuoc.jobs.models import JobStatus
from cancuoc.jobs.services import job_run, job_submit
from cancuoc.registry.models import Person

from .conftest import canonical_csv, family


def test_a_worker_killed_after_the_last_batch_leaves_the_rows_to_the_retry(area, tmp_path):
    path = canonical_csv(tmp_path / "xa.csv", family("H1") + family("H2", first_ref=10))
    # As a worker killed between the import's end and its figures being kept: the import
    # job is done and remembered from its first batch, nothing else is.
    imported = person_import(path=path, source="xa").job
    job = job_submit(KIND, params={"path": str(path), "source": "xa", "dedup": False})
    job.result = {"import_job": imported.pk}
    job.save(update_fields=["result"])

    ended = job_run(job, heartbeat=False)

    assert ended.status == JobStatus.DONE
    assert (ended.result["import_job"], ended.result["read"]) == (imported.pk, 6)
    assert ended.result["accepted"] == 6 and ended.result["merged"] == 0
    assert ImportJob.objects.count() == 1 and Person.objects.count() == 6


def test_the_import_job_is_remembered_from_the_first_batch(area, tmp_path, monkeypatch):
    path = canonical_csv(tmp_path / "xa.csv", family("H1") + family("H2", first_ref=10))
    real = jobs.person_import

    def dies_after_the_first_batch(**arguments):
        def on_batch(job, estimated):
            arguments_on_batch(job, estimated)
            raise RuntimeError("the worker died")

        arguments_on_batch, arguments["on_batch"] = arguments["on_batch"], on_batch
        return real(**arguments)

    monkeypatch.setattr(jobs, "person_import", dies_after_the_first_batch)
    params = {"path": str(path), "source": "xa", "batch_size": 2, "dedup": False}
    job = job_run(job_submit(KIND, params=params), heartbeat=False)

    assert job.status == JobStatus.FAILED
    assert job.result == {"import_job": ImportJob.objects.get().pk}
    assert Person.objects.count() == 2  # the first batch, committed


def test_a_dry_run_job_counts_and_writes_nothing(area, tmp_path):
    path = canonical_csv(tmp_path / "xa.csv", family("H1"))
    job = job_submit(KIND, params={"path": str(path), "source": "xa", "dry_run": True})

    ended = job_run(job, heartbeat=False)

    assert ended.status == JobStatus.DONE and ended.result["dry_run"]
    assert ended.result["accepted"] == 3 and ended.result["import_job"] is None
    assert Person.objects.count() == 0 and ImportJob.objects.count() == 0
