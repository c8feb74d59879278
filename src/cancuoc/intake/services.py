"""Writes of intake: taking an application at a kit, moving it through the card's life.

Each write sends a signal (``intake.signals``) in its transaction: the rollups and the
bookings, on floors above, follow it there.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cancuoc.lib import clock
from cancuoc.lib.clock import local_day
from cancuoc.lib.errors import DomainError
from cancuoc.planning.models import Kit, Station
from cancuoc.registry.choices import CardKind
from cancuoc.registry.models import Home, Person
from cancuoc.registry.services import card_issue

from .models import NEXT_STATES, OPEN_STATES, Application, CardEvent, CardState
from .selectors import person_cautions
from .signals import application_captured, application_moved

# The thẻ căn cước replaces the chip CCCD for cards made from 1 July 2024 (Law 26/2023).
CAN_CUOC_FROM = date(2024, 7, 1)


# What the check-in page and the API answer when a person, a kit or an application is not the
# user's to see.
PERSON_OUTSIDE = gettext_lazy("Không có công dân này trong phạm vi được giao.")
KIT_OUTSIDE = gettext_lazy("Không có bộ thu nhận %(kit)s trong phạm vi được giao.")
APPLICATION_OUTSIDE = gettext_lazy("Không có hồ sơ này trong phạm vi được giao.")


class IntakeRefused(DomainError, ValueError):
    """The application cannot be recorded or moved; the message says why, in the language of
    the request."""


def open_application(person: Person) -> Application | None:
    return person.applications.filter(state__in=OPEN_STATES).first()


def _home_units(person: Person, day: date, station: Station):
    """Where the application counts, as (today's unit, the unit on the old map or None):
    the person's home on ``day``, else the station's unit. One query, the units with it
    (the rollups read their paths)."""
    home = (
        Home.objects.active_on(day)
        .filter(person=person)
        .select_related("unit", "former_unit")
        .first()
    )
    return (home.unit, home.former_unit) if home else (station.unit, None)


def application_places_fill() -> int:
    """Applications taken before the two maps were linked get the old-map place of the home
    they counted in (``Home.former_unit``, filled by ``registry.services.home_places_fill``
    first); ``reports.rollups.rollups_rebuild`` then counts them on the old map. Returns how
    many were filled."""
    home = Home.objects.filter(
        person=OuterRef("person_id"), unit=OuterRef("unit_id"), former_unit__isnull=False
    ).order_by("-id")
    return Application.objects.filter(former_unit__isnull=True).update(
        former_unit=Subquery(home.values("former_unit_id")[:1])
    )


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
    confirmed: bool = False,
) -> tuple[Application, bool]:
    """Record one application; returns it and whether it is new. The same idempotency key
    again returns the first application unchanged, so a retried submission never makes two.
    A person under the age the policy in force asks a card from, or who already holds a valid
    card, is recorded only when the officer ``confirmed`` it."""
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise IntakeRefused(_("Mã gửi này đã dùng cho một người khác."))
        return existing, False
    if kit.station_id != station.pk:
        raise IntakeRefused(
            _("Bộ thu nhận %(kit)s không thuộc điểm %(station)s.")
            % {"kit": kit.code, "station": station.code}
        )
    if ended_at < started_at:
        raise IntakeRefused(_("Giờ kết thúc trước giờ bắt đầu."))
    if not accepted and not reason.strip():
        raise IntakeRefused(_("Cần ghi lý do phải thu nhận lại."))
    if open_application(person) is not None:
        raise IntakeRefused(_("Công dân này đã có hồ sơ đang xử lý."))
    day = local_day(started_at)
    cautions = person_cautions(person.pk, on=day)
    if cautions and not confirmed:
        raise IntakeRefused(
            _("Chưa ghi hồ sơ của %(name)s: %(cautions)s Đánh dấu ô xác nhận để vẫn ghi.")
            % {"name": person.full_name, "cautions": " ".join(cautions)}
        )
    state = CardState.CAPTURED if accepted else CardState.REJECTED
    try:
        with transaction.atomic():
            unit, former_unit = _home_units(person, day, station)
            application = Application.objects.create(
                person=person,
                unit=unit,
                former_unit=former_unit,
                station=station,
                kit=kit,
                operator=operator,
                started_at=started_at,
                ended_at=ended_at,
                walk_in=walk_in,
                state=state,
                state_since=ended_at,
                reason=reason.strip(),
                idempotency_key=idempotency_key,
            )
    except IntegrityError:  # the same key, submitted twice at the same moment
        return Application.objects.get(idempotency_key=idempotency_key), False
    CardEvent.objects.create(
        application=application, state=state, at=ended_at, by=operator, reason=reason.strip()
    )
    application_captured.send(sender=Application, application=application)
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
    if to not in CardState.values:
        raise IntakeRefused(_("Không có trạng thái “%(state)s”.") % {"state": to})
    application = (  # its units with it: the rollups read their paths; only its row locked
        Application.objects.select_for_update(of=("self",))
        .select_related("unit", "former_unit")
        .get(pk=application.pk)
    )
    to = CardState(to)
    if to not in NEXT_STATES[CardState(application.state)]:
        raise IntakeRefused(
            _("Không chuyển được từ “%(old)s” sang “%(new)s”.")
            % {"old": application.get_state_display(), "new": to.label}
        )
    if to == CardState.REJECTED and not reason.strip():
        raise IntakeRefused(_("Cần ghi lý do phải thu nhận lại."))
    at = at or clock.now()
    application.state, application.state_since = to, at
    if reason:
        application.reason = reason.strip()
    application.save(update_fields=["state", "state_since", "reason"])
    CardEvent.objects.create(
        application=application, state=to, at=at, by=by, batch=batch, reason=reason.strip()
    )
    application_moved.send(sender=Application, application=application, at=at)
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


# The columns of a production batch file, as the card centre writes them (never translated).
BATCH_COLUMNS = {"application": "Mã hồ sơ", "state": "Trạng thái", "day": "Ngày", "batch": "Lô"}


def _states_by_text() -> dict[str, CardState]:
    """A state as a batch file may write it: its value, or its label in either language."""
    found = {state.value: state for state in CardState}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found |= {str(state.label).lower(): state for state in CardState}
    return found


def production_batch_apply(path: Path, *, by=None) -> BatchResult:
    """Apply a production batch file (CSV: Mã hồ sơ, Trạng thái, Ngày dd/mm/yyyy, Lô): every
    row is checked first; if any is wrong nothing is applied and each error names its file,
    row and column."""
    result = BatchResult()
    steps = []
    states = _states_by_text()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in BATCH_COLUMNS.values() if c not in (reader.fieldnames or [])]
        if missing:
            result.errors.append(
                _("%(file)s: thiếu cột %(columns)s")
                % {"file": path.name, "columns": ", ".join(f"“{c}”" for c in missing)}
            )
            return result
        for number, row in enumerate(reader, start=2):
            result.rows += 1
            step = _batch_step(row, number, path.name, states, result.errors)
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
                result.errors.append(
                    _("%(file)s, dòng %(row)s: %(error)s")
                    % {"file": path.name, "row": number, "error": error}
                )
                result.applied = 0
                return result
            result.applied += 1
    return result


def _batch_step(row: dict, number: int, name: str, states: dict[str, CardState], errors: list[str]):
    def wrong(column: str, message: str) -> None:
        where = {"file": name, "row": number, "column": BATCH_COLUMNS[column]}
        errors.append(_("%(file)s, dòng %(row)s, cột “%(column)s”: ") % where + message)

    text = {column: (row[header] or "").strip() for column, header in BATCH_COLUMNS.items()}
    try:
        application = Application.objects.get(pk=int(text["application"]))
    except (ValueError, Application.DoesNotExist):
        wrong("application", _("không có hồ sơ “%(value)s”") % {"value": text["application"]})
        return None
    state = states.get(text["state"].lower())
    if state is None:
        wrong("state", _("không hiểu trạng thái “%(value)s”") % {"value": text["state"]})
        return None
    try:
        day = datetime.strptime(text["day"], "%d/%m/%Y").date()
    except ValueError:
        wrong("day", _("“%(value)s” không phải ngày dd/mm/yyyy") % {"value": text["day"]})
        return None
    moment = timezone.make_aware(datetime.combine(day, time(12)))
    return application, state, moment, text["batch"], number
