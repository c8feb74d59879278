"""`cancuoc jobs list | show N | cancel N`."""

import io

import pytest
from django.core.management import CommandError, call_command

from cancuoc.jobs.models import JobStatus
from cancuoc.jobs.services import job_run, job_submit

pytestmark = pytest.mark.django_db


def count_to(context, *, n: int) -> dict:
    context.progress(n, n, "Đếm")
    return {"counted": n}


def _said(*args) -> str:
    out = io.StringIO()
    call_command("jobs", *args, stdout=out)
    return out.getvalue()


def test_the_jobs_are_listed_shown_and_cancelled(kinds):
    kinds.add("test.count", count_to)
    done = job_run(job_submit("test.count", params={"n": 4}, target="a"), heartbeat=False)
    waiting = job_submit("test.count", params={"n": 1}, target="b")

    listed = _said("list").splitlines()
    assert [line.split()[:2] for line in listed] == [
        [str(waiting.pk), "queued"],
        [str(done.pk), "done"],
    ]
    assert "100%" in listed[1]

    shown = _said("show", str(done.pk))
    assert f"({done.pk}): done" in shown and f"/cong-viec/{done.pk}/" in shown
    assert "counted: 4" in shown and "4 / 4" in shown

    assert "cancelled" in _said("cancel", str(waiting.pk))
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.CANCELLED
    with pytest.raises(CommandError, match="no job 999"):
        _said("show", "999")
