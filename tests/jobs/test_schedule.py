"""The nightly schedule with a fixed clock: each entry once a day, at or after its time;
the weekly report on Fridays for the provinces with a campaign; unknown kinds skipped."""

import io
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs import schedule
from cancuoc.jobs.models import Job, JobStatus
from cancuoc.jobs.schedule import schedule_run
from cancuoc.jobs.services import job_submit

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def later_kinds(kinds):
    """The reminders' and the weekly report's kinds, stood in for."""
    kinds.add("outreach.reminders", lambda context, day: {})
    kinds.add("reports.weekly_report", lambda context, unit, as_of: {})


@pytest.fixture
def rollups_only(kinds):
    """Of the nightly kinds, only the recount is known (as before the others were written)."""
    kinds.drop("outreach.reminders")
    kinds.drop("reports.weekly_report")


def test_the_rollups_are_recounted_once_a_night_from_one_oclock(db, rollups_only):
    assert schedule_run(at("2021-04-02 00:59")) == []
    [job] = schedule_run(at("2021-04-02 01:00"))
    assert (job.kind, job.target, job.schedule_key) == (
        "reports.rollups_rebuild",
        "",
        "reports.rollups_rebuild@@2021-04-02",
    )
    job.status = JobStatus.DONE
    job.save()
    assert schedule_run(at("2021-04-02 23:00")) == []  # once that day, even when done
    assert [j.kind for j in schedule_run(at("2021-04-03 01:30"))] == ["reports.rollups_rebuild"]


def test_a_rebuild_started_by_hand_makes_the_night_wait(db, rollups_only):
    by_hand = job_submit("reports.rollups_rebuild")
    assert schedule_run(at("2021-04-02 02:00")) == []
    by_hand.status = JobStatus.DONE
    by_hand.save()
    assert len(schedule_run(at("2021-04-02 02:01"))) == 1


def test_unregistered_kinds_are_skipped(db, rollups_only, caplog, monkeypatch):
    monkeypatch.setattr(schedule, "_said", set())  # said once a day per process
    with caplog.at_level("INFO", logger="cancuoc.jobs.schedule"):
        jobs = schedule_run(at("2021-04-02 18:30"))  # a Friday, after 16:00 and 18:00
    assert [j.kind for j in jobs] == ["reports.rollups_rebuild"]
    assert "outreach.reminders is not a registered job kind, skipped" in caplog.text


def test_reminders_at_six_and_the_weekly_report_on_friday_afternoons(
    area, later_kinds, django_user_model
):
    user = django_user_model.objects.create_user("xa", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    thursday = schedule_run(at("2021-04-01 18:00"))
    assert sorted((j.kind, j.params.get("day")) for j in thursday) == [
        ("outreach.reminders", "2021-04-01"),
        ("reports.rollups_rebuild", None),
    ]
    Job.objects.update(status=JobStatus.DONE)
    friday = schedule_run(at("2021-04-02 15:59"))
    assert [j.kind for j in friday] == ["reports.rollups_rebuild"]
    [weekly] = schedule_run(at("2021-04-02 16:00"))
    assert (weekly.kind, weekly.target, weekly.params) == (
        "reports.weekly_report",
        "38",
        {"unit": "38", "as_of": "2021-04-02"},
    )
    assert weekly.unit == unit_by_code("38")
    assert schedule_run(at("2021-04-02 17:00")) == []
    assert Job.objects.filter(kind="reports.weekly_report").count() == 1


def test_the_schedule_follows_the_campaigns_clock(db, rollups_only, settings):
    settings.CANCUOC_AS_OF = "2021-04-02"  # lib.clock.now(): that day at the wall clock's time
    if timezone.localtime().hour < 1:
        pytest.skip("before 01:00 the night's recount is not due yet")
    [job] = schedule_run()
    assert job.schedule_key == "reports.rollups_rebuild@@2021-04-02"


def test_the_rebuild_command_runs_as_a_job(db):
    out = io.StringIO()
    call_command("rollups", "rebuild", stdout=out)
    job = Job.objects.get()
    assert (job.kind, job.status) == ("reports.rollups_rebuild", "done")
    assert f"{job.result['units']} dòng đơn vị-ngày" in out.getvalue()
    call_command("rollups", "rebuild", "--background", stdout=out)
    [queued] = Job.objects.filter(status="queued")
    assert f"/cong-viec/{queued.pk}/" in out.getvalue()
