"""Sending and reminders as background jobs: the same outcome as the direct calls, progress
per batch, one of each at a time, a cancel between batches that a later run carries on from
without a second SMS, and the nightly schedule's reminders."""

import json
from datetime import date, datetime, timedelta

import pytest

from cancuoc.jobs.models import Job, JobStatus
from cancuoc.jobs.presenters import job_lines
from cancuoc.jobs.schedule import NIGHTLY, schedule_run
from cancuoc.jobs.services import JobBusy, JobContext, job_cancel, job_run, job_submit
from cancuoc.outreach import services
from cancuoc.outreach.jobs import QUEUEING, REMINDERS, SEND, SENDING
from cancuoc.outreach.models import Message, MessageKind, MessageState
from cancuoc.outreach.services import campaign_queue, reminders_queue
from tests.jobs.helpers import run_jobs
from tests.scheduling.bookings import DAY, book, make_slot, make_station
from tests.scheduling.cancelling import cancelled_at

ON = date(2021, 5, 3)


def outbox_keys(path) -> list[str]:
    return [json.loads(line)["key"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_send_job_sends_every_message_due_and_counts_them(campaign, tmp_path):
    campaign_queue(campaign=campaign, on=ON)
    outbox = tmp_path / "sms.jsonl"
    job_submit(SEND, params={"gateway": "file", "outbox": str(outbox)})

    [ended] = run_jobs()

    assert ended.status == JobStatus.DONE
    assert ended.result["sent"] == 3 and ended.result["failed"] == 0
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    assert sorted(outbox_keys(outbox)) == sorted(Message.objects.values_list("key", flat=True))
    assert (ended.stage, ended.done, ended.total) == (SENDING, 3, 3)
    [(_label, said, _link)] = job_lines(ended)
    assert said.startswith("3 đã gửi, 0 chờ gửi lại, 0 lỗi")


def test_a_send_cancelled_after_a_batch_is_carried_on_by_the_next_without_a_second_sms(
    campaign, tmp_path, monkeypatch
):
    campaign_queue(campaign=campaign, on=ON)
    monkeypatch.setattr(services, "BATCH", 1)  # a batch per message
    outbox = tmp_path / "sms.jsonl"
    params = {"gateway": "file", "outbox": str(outbox)}
    first = job_submit(SEND, params=params)
    with pytest.raises(JobBusy):
        job_submit(SEND, params=params)

    stopped = job_run(first, heartbeat=False, context_class=cancel_after_one_batch())

    assert stopped.status == JobStatus.CANCELLED and (stopped.done, stopped.total) == (1, 3)
    assert len(outbox_keys(outbox)) == 1
    assert Message.objects.filter(state=MessageState.QUEUED).count() == 2
    job_submit(SEND, params=params)
    [carried_on] = run_jobs()
    assert carried_on.result["sent"] == 2
    keys = outbox_keys(outbox)
    assert len(keys) == len(set(keys)) == 3


def cancel_after_one_batch():
    """Cancelled as the first batch is reported: the run stops before the second."""

    class AfterOne(JobContext):
        def progress(self, done, total=None, stage=None):
            if done == 1:
                job_cancel(Job.objects.get(pk=self.job.pk))
                self._checked = 0
            super().progress(done, total, stage)

    return AfterOne


@pytest.fixture
def tomorrow(villagers):
    station = make_station()
    book(villagers["an"], make_slot(station, day=DAY + timedelta(days=1)))
    book(villagers["no_phone"], make_slot(station, day=DAY + timedelta(days=1), hour=9))


def test_a_reminders_job_queues_what_the_direct_call_queues_once(tomorrow):
    job_submit(REMINDERS, params={"day": DAY.isoformat()})
    [ended] = run_jobs()

    assert ended.status == JobStatus.DONE
    assert ended.result == {
        "queued": 1,
        "opted_out": 0,
        "no_valid_phone": 0,  # no phone at all: not a message to send
        "appointments_on": "2021-06-08",
    }
    assert Message.objects.get().kind == MessageKind.REMINDER
    assert reminders_queue(day=DAY).queued == 0  # the job's were the same messages
    [(label, said, _link)] = job_lines(ended)
    assert label == "Nhắc lịch hẹn ngày 2021-06-08" and said.startswith("1 tin chờ gửi")


def test_a_cancelled_reminders_job_queues_nothing(tomorrow):
    job = job_submit(REMINDERS, params={"day": DAY.isoformat()})
    ended = job_run(job, heartbeat=False, context_class=cancelled_at(QUEUEING))
    assert ended.status == JobStatus.CANCELLED and not Message.objects.exists()


def test_the_nightly_schedule_queues_tomorrows_reminders_at_six_pm(tomorrow):
    evening = datetime(DAY.year, DAY.month, DAY.day, 18, 5)
    reminders = [entry for entry in NIGHTLY if entry.kind == REMINDERS]
    [job] = schedule_run(evening, entries=reminders)
    assert job.params == {"day": DAY.isoformat()}
    [ended] = run_jobs()
    assert ended.status == JobStatus.DONE and ended.result["queued"] == 1
    assert schedule_run(evening, entries=reminders) == []  # once a day
    assert Job.objects.count() == 1
