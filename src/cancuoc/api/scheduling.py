"""Slots, appointments and the assignment of a unit's worklist to slots."""

from datetime import date

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from cancuoc.accounts.scope import require_unit, scope_for
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.scheduling.assignment import Weights
from cancuoc.scheduling.models import HOLDING_STATES, Appointment, AppointmentState, Slot
from cancuoc.scheduling.services import appointments_assign

from .auth import api_scoped, require_persons
from .schemas import PROBLEMS, AppointmentOut, AssignIn, AssignmentRunOut, Problem, SlotOut

router = Router(tags=["hẹn lịch / appointments"])
_STATES = dict(AppointmentState.choices)
MAX_ASSIGN_DAYS = 120  # a campaign's length; a longer period is a typing mistake


@router.get(
    "/stations/{code}/slots", response={200: list[SlotOut], **PROBLEMS}, url_name="station-slots"
)
@api_scoped
def station_slots(request: HttpRequest, code: str, day: date | None = None):
    """A station's slots on a day (default today), with how many are booked into each."""
    day = day or timezone.localdate()
    station = scope_for(request.user).stations().filter(code=code).first()
    if station is None:
        raise HttpError(404, "không có điểm thu nhận này trong phạm vi / no such station")
    slots = (
        Slot.objects.filter(station=station, starts_at__date=day)
        .annotate(booked=Count("appointments", filter=Q(appointments__state__in=HOLDING_STATES)))
        .select_related("institution")
        .order_by("starts_at")
    )
    return [
        {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at, "capacity": s.capacity,
         "booked": s.booked, "institution": s.institution.code if s.institution else None}
        for s in slots
    ]  # fmt: skip


@router.post(
    "/units/{code}/appointments",
    response={201: AssignmentRunOut, **PROBLEMS, 409: Problem},
    url_name="unit-appointments",
)
@api_scoped
def unit_assign(request: HttpRequest, code: str, data: AssignIn):
    """Book everyone in the unit's worklist without an appointment into the free slots of
    the unit's stations in the period: households together, easy cases first unless asked."""
    require_persons(request)
    if not 0 <= (data.last - data.first).days < MAX_ASSIGN_DAYS:
        raise HttpError(
            409,
            f"từ ngày đến ngày phải trong {MAX_ASSIGN_DAYS} ngày / the period must run forward "
            f"and be shorter than {MAX_ASSIGN_DAYS} days",
        )
    try:
        unit = unit_by_code(code)
    except UnitNotFound as error:
        raise HttpError(404, str(error)) from error
    require_unit(request.user, unit)
    run = appointments_assign(
        unit=unit, first=data.first, last=data.last, by=request.user,
        weights=Weights(easy_first=not data.hard_first),
    )  # fmt: skip
    figures = {f: getattr(run, f) for f in AssignmentRunOut.model_fields if f != "unit"}
    return Status(201, figures | {"unit": unit.code})


@router.get(
    "/appointments/{code}", response={200: AppointmentOut, **PROBLEMS}, url_name="appointment"
)
@api_scoped
def appointment(request: HttpRequest, code: str):
    """An appointment by the code on its slip: at one of the caller's stations, or of a
    person the caller sees."""
    require_persons(request)
    scope = scope_for(request.user)
    found = (
        Appointment.objects.filter(code=code)
        .filter(Q(slot__station__in=scope.stations()) | Q(person__in=scope.persons()))
        .select_related("slot__station")
        .first()
    )
    if found is None:
        raise HttpError(404, "không có lịch hẹn này trong phạm vi / no such appointment")
    later = Appointment.objects.filter(rebooked_from=found).values_list("code", flat=True).first()
    return {
        "code": found.code, "person": found.person_id, "station": found.slot.station.code,
        "starts_at": found.slot.starts_at, "ends_at": found.slot.ends_at,
        "state": found.state, "state_label": _STATES[found.state], "rebooked_as": later,
    }  # fmt: skip
