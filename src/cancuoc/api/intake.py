"""Stations and applications: record a capture, look up its status, move it along."""

from django.http import HttpRequest
from ninja import Path, Router, Status
from ninja.errors import HttpError

from cancuoc.accounts.permissions import Action, action_required, require_action
from cancuoc.accounts.scope import scope_for
from cancuoc.intake.models import Application, CardEvent, CardState
from cancuoc.intake.services import (
    APPLICATION_OUTSIDE,
    KIT_OUTSIDE,
    PERSON_OUTSIDE,
    application_advance,
    intake_record,
)
from cancuoc.lib.compiled import CompiledQuery
from cancuoc.planning.models import Kit
from cancuoc.planning.selectors import stations_visible
from cancuoc.registry.selectors import persons_visible

from .auth import api_scoped, require_persons
from .schemas import PROBLEMS, AdvanceIn, ApplicationOut, IntakeIn, Problem, StationOut

router = Router(tags=["thu nhận / intake"])
# An application's number as the database stores it (a signed 64-bit key): larger ones are
# refused with 422 before any query (the compiled status query has no ORM range check).
APPLICATION_ID = Path(..., ge=1, le=2**63 - 1)
REFUSED = {409: Problem}
# The steps taken where the card comes back to (the locality, the citizen); the others are
# the command's (approval, production).
HANDING_OUT = {CardState.DELIVERED, CardState.HANDED_OVER}


# What the status shows, read in one query from the application's history joined to the
# application (every application has at least the event of its capture): a status lookup is
# the API's most frequent call.
STATUS_FIELDS = {
    "id": "application_id",
    "person": "application__person_id",
    "unit": "application__unit__code",
    "unit_path": "application__unit__path",
    "station": "application__station__code",
    "station_path": "application__station__unit__path",
    "state": "application__state",
    "state_since": "application__state_since",
    "reason": "application__reason",
}
EVENT_FIELDS = ["state", "at", "batch"]
_LABELS = dict(CardState.choices)
_STATUS = CompiledQuery(
    lambda pk: (
        CardEvent.objects.filter(application_id=pk)
        .order_by("at", "pk")
        .values_list(*EVENT_FIELDS, *STATUS_FIELDS.values())
    )
)


def _application(request: HttpRequest, pk: int) -> dict:
    """An application the caller may see (taken at one of their stations, counted in their
    area, or of a person they see), with its history, as the API shows it."""
    require_persons(request)
    scope = scope_for(request.user)
    rows = _STATUS.rows(pk)
    found = dict(zip(STATUS_FIELDS, rows[0][len(EVENT_FIELDS) :], strict=True)) if rows else None
    visible = found is not None and (
        scope.contains_path(found["unit_path"])
        or scope.contains_path(found["station_path"])
        or persons_visible(scope).filter(pk=found["person"]).exists()
    )
    if not visible:
        raise HttpError(404, str(APPLICATION_OUTSIDE))
    found["state_label"] = str(_LABELS[found["state"]])
    found["events"] = [dict(zip(EVENT_FIELDS, row, strict=False)) for row in rows]
    return found


@router.get("/stations", response={200: list[StationOut], **PROBLEMS}, url_name="stations")
@api_scoped
def stations(request: HttpRequest):
    """The stations in the caller's area, with their kits."""
    mine = stations_visible(scope_for(request.user))
    found = mine.select_related("unit").prefetch_related("kits").order_by("code")
    return [
        {
            "code": s.code,
            "name": s.name,
            "kind": s.kind,
            "unit": s.unit.code,
            "kits": [k.code for k in s.kits.all()],
        }
        for s in found
    ]


@router.post(
    "/applications",
    response={201: ApplicationOut, 200: ApplicationOut, **PROBLEMS, **REFUSED},
    url_name="applications",
)
@api_scoped
@action_required(Action.RECORD_CAPTURE)
def application_record(request: HttpRequest, data: IntakeIn):
    """Record a capture at a kit. Sending the same ``idempotency_key`` again answers 200 with
    the application already recorded, never a second one."""
    require_persons(request)
    scope = scope_for(request.user)
    person = persons_visible(scope).filter(pk=data.person).first()
    kit = (
        Kit.objects.filter(code=data.kit, station__in=stations_visible(scope_for(request.user)))
        .select_related("station__unit")
        .first()
    )
    if person is None:
        raise HttpError(404, str(PERSON_OUTSIDE))
    if kit is None:
        raise HttpError(404, str(KIT_OUTSIDE) % {"kit": data.kit})
    require_action(request.user, Action.RECORD_CAPTURE, kit.station.unit.path)
    application, created = intake_record(
        operator=request.user,
        person=person,
        station=kit.station,
        kit=kit,
        started_at=data.started_at,
        ended_at=data.ended_at,
        accepted=data.accepted,
        reason=data.reason,
        walk_in=data.walk_in,
        idempotency_key=data.idempotency_key,
        confirmed=data.confirmed,
    )
    return Status(201 if created else 200, _application(request, application.pk))


@router.get(
    "/applications/{pk}", response={200: ApplicationOut, **PROBLEMS}, url_name="application"
)
@api_scoped
def application_status(request: HttpRequest, pk: int = APPLICATION_ID):
    """Where an application is in the card's life."""
    return _application(request, pk)


@router.post(
    "/applications/{pk}/advance",
    response={200: ApplicationOut, **PROBLEMS, **REFUSED},
    url_name="application-advance",
)
@api_scoped
@action_required(Action.APPROVE_APPLICATION, Action.HAND_OUT_CARD)
def application_move(request: HttpRequest, data: AdvanceIn, pk: int = APPLICATION_ID):
    """Move an application one step (approved, in_production, produced, delivered,
    handed_over) or send it back for re-capture (rejected, with a reason)."""
    found = _application(request, pk)  # visible to the caller, or 404
    action = Action.HAND_OUT_CARD if data.to in HANDING_OUT else Action.APPROVE_APPLICATION
    require_action(request.user, action, found["unit_path"])
    application_advance(
        application=Application(pk=pk),
        to=data.to,
        by=request.user,
        batch=data.batch,
        reason=data.reason,
    )
    return _application(request, pk)
