"""Writes of intake: taking an application at a kit, moving it through the card's life.

Each write updates the rollups in the same transaction (reports.rollups), so the figures on
the dashboards are never behind the applications.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from cancuoc.planning.models import Kit, Station
from cancuoc.registry.choices import CardKind
from cancuoc.registry.models import Home, Person
from cancuoc.registry.services import card_issue
from cancuoc.reports.rollups import capture_seconds, local_day, rollup_add, station_rollup_add
from cancuoc.scheduling.services import appointment_attended

from .models import NEXT_STATES, OPEN_STATES, Application, CardEvent, CardState

# The thẻ căn cước replaces the chip CCCD for cards made from 1 July 2024 (Law 26/2023).
CAN_CUOC_FROM = date(2024, 7, 1)


class IntakeRefused(ValueError):
    """The application cannot be recorded; the message says why, in Vietnamese and English."""


def _refuse(vi: str, en: str) -> IntakeRefused:
    return IntakeRefused(f"{vi} / {en}")


def open_application(person: Person) -> Application | None:
    return person.applications.filter(state__in=OPEN_STATES).first()


def _home_unit(person: Person, day: date, station: Station):
    home = Home.objects.active_on(day).filter(person=person).select_related("unit").first()
    return home.unit if home else station.unit


@transaction.atomic
def intake_record(
    *,
    operator,
    person: Person,
    station: Station,
    kit: Kit,
    started_at: datetime,
    ended_at: datetime,
    accepted: bool,
    idempotency_key: str,
    reason: str = "",
    walk_in: bool = False,
) -> tuple[Application, bool]:
    """Record one application; returns it and whether it is new. The same idempotency key
    again returns the first application unchanged, so a retried submission never makes two."""
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise _refuse(
                "mã gửi đã dùng cho người khác", "this submission key belongs to someone else"
            )
        return existing, False
    if kit.station_id != station.pk:
        raise _refuse(
            f"bộ {kit.code} không thuộc điểm {station.code}", "the kit is not at this station"
        )
    if ended_at < started_at:
        raise _refuse("giờ kết thúc trước giờ bắt đầu", "the end is before the start")
    if not accepted and not reason.strip():
        raise _refuse("cần ghi lý do phải thu nhận lại", "a rejection needs a reason")
    if open_application(person) is not None:
        raise _refuse(
            "công dân đã có hồ sơ đang xử lý", "this person already has an open application"
        )
    day = local_day(started_at)
    state = CardState.CAPTURED if accepted else CardState.REJECTED
    try:
        with transaction.atomic():
            application = Application.objects.create(
                person=person, unit=_home_unit(person, day, station), station=station, kit=kit,
                operator=operator, started_at=started_at, ended_at=ended_at, walk_in=walk_in,
                state=state, state_since=ended_at, reason=reason.strip(),
                idempotency_key=idempotency_key,
            )  # fmt: skip
    except IntegrityError:  # the same key, submitted twice at the same moment
        return Application.objects.get(idempotency_key=idempotency_key), False
    CardEvent.objects.create(
        application=application, state=state, at=ended_at, by=operator, reason=reason.strip()
    )
    appointment_attended(person=person, station=station, at=started_at)
    counter = "captured" if accepted else "rejected_at_capture"
    rollup_add(application.unit, day, **{counter: 1})
    station_rollup_add(
        station_id=station.pk, kit_id=kit.pk, operator_id=operator.pk, day=day,
        **{counter: 1, "capture_seconds": capture_seconds(started_at, ended_at)},
    )  # fmt: skip
    return application, True


@transaction.atomic
def application_advance(
    *,
    application: Application,
    to: str,
    at: datetime | None = None,
    by=None,
    batch: str = "",
    reason: str = "",
) -> Application:
    """Move an application one step along the card's life (or reject it for re-capture)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    to = CardState(to)
    if to not in NEXT_STATES[CardState(application.state)]:
        raise _refuse(
            f"không chuyển được từ “{application.get_state_display()}” sang “{to.label}”",
            f"cannot go from {application.state} to {to.value}",
        )
    if to == CardState.REJECTED and not reason.strip():
        raise _refuse("cần ghi lý do", "a rejection needs a reason")
    at = at or timezone.now()
    application.state, application.state_since = to, at
    if reason:
        application.reason = reason.strip()
    application.save(update_fields=["state", "state_since", "reason"])
    CardEvent.objects.create(
        application=application, state=to, at=at, by=by, batch=batch, reason=reason.strip()
    )
    counter = "recalled" if to == CardState.REJECTED else to.value
    rollup_add(application.unit, local_day(at), **{counter: 1})
    if to == CardState.PRODUCED:
        person = application.person
        card_issue(
            person=person,
            kind=CardKind.CAN_CUOC if local_day(at) >= CAN_CUOC_FROM else CardKind.CCCD_CHIP,
            number=person.personal_id,
            issued_on=local_day(at),
        )
    return application


@dataclass
class BatchResult:
    rows: int = 0
    applied: int = 0
    errors: list[str] = field(default_factory=list)


BATCH_COLUMNS = {"application": "Mã hồ sơ", "state": "Trạng thái", "day": "Ngày", "batch": "Lô"}
_STATE_BY_TEXT = {s.label.lower(): s for s in CardState} | {s.value: s for s in CardState}


def production_batch_apply(path: Path, *, by=None) -> BatchResult:
    """Apply a production batch file (CSV: Mã hồ sơ, Trạng thái, Ngày dd/mm/yyyy, Lô): every
    row is checked first; if any is wrong nothing is applied and each error names its row."""
    result = BatchResult()
    steps = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in BATCH_COLUMNS.values() if c not in (reader.fieldnames or [])]
        if missing:
            result.errors.append(f"{path.name}: thiếu cột / missing columns {missing}")
            return result
        for number, row in enumerate(reader, start=2):
            result.rows += 1
            step = _batch_step(row, number, path.name, result.errors)
            if step:
                steps.append(step)
    if result.errors:
        return result
    with transaction.atomic():
        for application, state, moment, batch, number in steps:
            try:
                application_advance(
                    application=application, to=state, at=moment, by=by, batch=batch
                )
            except IntakeRefused as error:
                transaction.set_rollback(True)
                result.errors.append(f"{path.name} dòng {number}: {error}")
                result.applied = 0
                return result
            result.applied += 1
    return result


def _batch_step(row: dict, number: int, name: str, errors: list[str]):
    where = f"{name} dòng / row {number}"
    try:
        application = Application.objects.get(pk=int(row[BATCH_COLUMNS["application"]]))
    except (ValueError, Application.DoesNotExist):
        errors.append(
            f"{where}, cột “Mã hồ sơ”: không có hồ sơ {row[BATCH_COLUMNS['application']]!r}"
        )
        return None
    state = _STATE_BY_TEXT.get(row[BATCH_COLUMNS["state"]].strip().lower())
    if state is None:
        errors.append(f"{where}, cột “Trạng thái”: không hiểu {row[BATCH_COLUMNS['state']]!r}")
        return None
    try:
        day = datetime.strptime(row[BATCH_COLUMNS["day"]].strip(), "%d/%m/%Y").date()
    except ValueError:
        errors.append(f"{where}, cột “Ngày”: {row[BATCH_COLUMNS['day']]!r} không phải dd/mm/yyyy")
        return None
    moment = timezone.make_aware(datetime.combine(day, time(12)))
    return application, state, moment, row[BATCH_COLUMNS["batch"]].strip(), number
