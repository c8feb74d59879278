"""The nightly schedule, run by the worker (no cron line): each entry's jobs are submitted
once a day, at or after its local time, whichever worker gets there first.

Once a day: a job submitted by the schedule carries ``kind@target@day`` as its
``schedule_key``, unique over the whole table, so a second worker (or a restart) finds it
there and submits nothing. A kind no process has registered is skipped with a log line (its
app is not installed, or an older worker runs); one already running for that target (a
rebuild started by hand) is tried again at the next pass.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError

from cancuoc.accounts.models import Assignment
from cancuoc.geo.models import PROVINCE_KINDS, AdministrativeUnit
from cancuoc.lib import clock
from cancuoc.lib.geo import SEGMENT

from .models import Job
from .registry import KINDS
from .services import JobBusy, job_submit

log = logging.getLogger(__name__)

# (target, params, unit) of one job the entry submits on a day.
Planned = tuple[str, dict, AdministrativeUnit | None]


def whole_register(day: date) -> list[Planned]:
    return [("", {}, None)]


def reminders_for_tomorrow(day: date) -> list[Planned]:
    """outreach.services.reminders_queue(day=D) reminds of D + 1's appointments."""
    return [("", {"day": day.isoformat()}, None)]


def campaign_provinces(day: date) -> list[Planned]:
    """Each province of today's map where someone is assigned (the provinces running a
    campaign), its report as of the day."""
    assigned = Assignment.objects.filter(unit__isnull=False).values_list("unit__path", flat=True)
    roots = {path[:SEGMENT] for path in assigned}
    provinces = AdministrativeUnit.objects.current().filter(kind__in=PROVINCE_KINDS)
    return [
        (unit.code, {"unit": unit.code, "as_of": day.isoformat()}, unit)
        for unit in provinces.filter(path__in=roots).order_by("code")
    ]


@dataclass(frozen=True)
class Entry:
    kind: str
    at: time
    planned: Callable[[date], list[Planned]]
    weekday: int | None = None  # Monday 0 … Sunday 6; None: every day


NIGHTLY = [
    Entry("reports.rollups_rebuild", time(1, 0), whole_register),
    Entry("outreach.reminders", time(18, 0), reminders_for_tomorrow),
    Entry("reports.weekly_report", time(16, 0), campaign_provinces, weekday=4),
]
_said: set[tuple[str, date]] = set()


def schedule_run(now: datetime | None = None, entries: list[Entry] | None = None) -> list[Job]:
    """Submit the entries due by ``now`` (local; default lib.clock.now()) that today has not
    had yet; returns the jobs submitted by this call."""
    now = now or clock.now()
    day = now.date()
    submitted = []
    for entry in NIGHTLY if entries is None else entries:
        if now.time() < entry.at or entry.weekday not in (None, day.weekday()):
            continue
        if entry.kind not in KINDS:
            if (entry.kind, day) not in _said:
                log.info("schedule: %s is not a registered job kind, skipped", entry.kind)
                _said.add((entry.kind, day))
            continue
        for target, params, unit in entry.planned(day):
            key = f"{entry.kind}@{target}@{day.isoformat()}"
            if Job.objects.filter(schedule_key=key).exists():
                continue
            try:
                job = job_submit(
                    entry.kind, params=params, target=target, unit=unit, schedule_key=key
                )
            except JobBusy as busy:
                log.info("schedule: %s waits for job %d on the same target", key, busy.job.pk)
            except IntegrityError:  # another worker submitted it just now
                continue
            else:
                submitted.append(job)
    return submitted
