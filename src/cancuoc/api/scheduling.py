"""Plans, slots, appointments and the assignment of a unit's worklist to slots."""

from datetime import date

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from cancuoc.accounts.permissions import Action, action_required, require_action
from cancuoc.accounts.scope import scope_for
from cancuoc.forecasting.plan import catch_up_plan
from cancuoc.forecasting.report import additions_text
from cancuoc.forecasting.targets import target_split
from cancuoc.lib import clock
from cancuoc.planning.costs import unit_prices
from cancuoc.planning.models import Target
from cancuoc.planning.selectors import stations_visible
from cancuoc.registry.selectors import persons_visible
from cancuoc.scheduling.assignment import Weights
from cancuoc.scheduling.errors import (
    APPOINTMENT_OUTSIDE,
    NO_TARGET,
    PERIOD_OUT_OF_RANGE,
    STATION_OUTSIDE,
)
from cancuoc.scheduling.models import Appointment, AppointmentState, Slot
from cancuoc.scheduling.services import appointments_assign, no_show_rate, slots_make
from cancuoc.scheduling.visits import visits_plan
from cancuoc.web.requests import scoped_unit

from .auth import api_scoped, require_persons
from .schemas import (
    CODE,
    PROBLEMS,
    AppointmentOut,
    AssignIn,
    AssignmentRunOut,
    PlanOut,
    Problem,
    SlotOut,
    SlotsIn,
    SlotsMade,
    TargetOut,
    VisitOut,
    VisitsIn,
)

router = Router(tags=["hẹn lịch / appointments"])
_STATES = dict(AppointmentState.choices)
MAX_DAYS = 120  # a campaign's length; a longer period is a typing mistake


def _period_or_409(first: date, last: date) -> None:
    if not 0 <= (last - first).days < MAX_DAYS:
        raise HttpError(409, str(PERIOD_OUT_OF_RANGE) % {"days": MAX_DAYS})


@router.get(
    "/stations/{code}/slots", response={200: list[SlotOut], **PROBLEMS}, url_name="station-slots"
)
@api_scoped
def station_slots(request: HttpRequest, code: str = CODE, day: date | None = None):
    """A station's slots on a day (default today), with how many are booked into each."""
    day = day or clock.today()
    station = stations_visible(scope_for(request.user)).filter(code=code).first()
    if station is None:
        raise HttpError(404, str(STATION_OUTSIDE))
    slots = (
        Slot.objects.filter(station=station, starts_at__date=day)
        .with_room()
        .select_related("institution")
        .order_by("starts_at")
    )
    return [
        {
            "id": s.pk,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "capacity": s.capacity,
            "booked": s.held,
            "institution": s.institution.code if s.institution else None,
        }
        for s in slots
    ]


@router.post(
    "/units/{code}/appointments",
    response={201: AssignmentRunOut, **PROBLEMS, 409: Problem},
    url_name="unit-appointments",
)
@api_scoped
@action_required(Action.ASSIGN_APPOINTMENTS)
def unit_assign(request: HttpRequest, data: AssignIn, code: str = CODE):
    """Book everyone in the unit's worklist without an appointment into the free slots of
    the unit's stations in the period: households together, easy cases first unless asked."""
    require_persons(request)
    _period_or_409(data.first, data.last)
    unit = scoped_unit(request, code)
    require_action(request.user, Action.ASSIGN_APPOINTMENTS, unit.path)
    run = appointments_assign(
        unit=unit,
        first=data.first,
        last=data.last,
        by=request.user,
        weights=Weights(easy_first=not data.hard_first),
    )
    figures = {f: getattr(run, f) for f in AssignmentRunOut.model_fields if f != "unit"}
    return Status(201, figures | {"unit": unit.code})


@router.get(
    "/appointments/{code}", response={200: AppointmentOut, **PROBLEMS}, url_name="appointment"
)
@api_scoped
def appointment(request: HttpRequest, code: str = CODE):
    """An appointment by the code on its slip: at one of the caller's stations, or of a
    person the caller sees."""
    require_persons(request)
    scope = scope_for(request.user)
    found = (
        Appointment.objects.filter(code=code)
        .filter(Q(slot__station__in=stations_visible(scope)) | Q(person__in=persons_visible(scope)))
        .select_related("slot__station")
        .first()
    )
    if found is None:
        raise HttpError(404, str(APPOINTMENT_OUTSIDE))
    later = Appointment.objects.filter(rebooked_from=found).values_list("code", flat=True).first()
    return {
        "code": found.code,
        "person": found.person_id,
        "station": found.slot.station.code,
        "starts_at": found.slot.starts_at,
        "ends_at": found.slot.ends_at,
        "state": found.state,
        "state_label": str(_STATES[found.state]),
        "rebooked_as": later,
    }


@router.post(
    "/stations/{code}/slots",
    response={201: SlotsMade, **PROBLEMS, 409: Problem},
    url_name="station-slots",
)
@api_scoped
@action_required(Action.MAKE_SLOTS)
def station_slots_make(request: HttpRequest, data: SlotsIn, code: str = CODE):
    """Cut slots for the period from the station's shift calendar (a mobile team's: from its
    planned visits, each held for the village visited), overbooked for the no-show rate
    given (or observed over the last four weeks). Slots already there stay as they are."""
    require_persons(request)
    station = (
        stations_visible(scope_for(request.user)).filter(code=code).select_related("unit").first()
    )
    if station is None:
        raise HttpError(404, str(STATION_OUTSIDE))
    require_action(request.user, Action.MAKE_SLOTS, station.unit.path)
    _period_or_409(data.first, data.last)
    rate = no_show_rate(station) if data.no_show is None else data.no_show
    made = slots_make(
        station=station,
        first=data.first,
        last=data.last,
        slot_minutes=data.slot_minutes,
        no_show=rate,
    )
    return Status(201, {"station": station.code, "made": made, "no_show": rate})


@router.get("/units/{code}/plan", response={200: PlanOut, **PROBLEMS}, url_name="unit-plan")
@api_scoped
def unit_plan(request: HttpRequest, code: str = CODE, on: date | None = None):
    """Each unit directly below forecast on ``on`` (default today): flagged when it will miss
    its deadline, with what to add, when it would then finish, and what that costs."""
    unit = scoped_unit(request, code)
    plan = catch_up_plan(unit=unit, on=on or clock.today(), prices=unit_prices())
    units = []
    for outlook in plan.outlooks:
        f = outlook.forecast
        units.append(
            {
                "code": f.unit.code,
                "name": f.unit.name,
                "target": f.target.count if f.target else None,
                "deadline": f.target.deadline if f.target else None,
                "done": f.done,
                "remaining": f.remaining,
                "days_left": max(f.days_left, 0),
                "pace": f.pace,
                "capacity_per_day": f.capacity_per_day,
                "kits": f.kits,
                "done_on": f.done_on,
                "flagged": f.flagged,
                "to_add": additions_text(outlook.additions) if f.flagged else "",
                "then_done_on": outlook.after.done_on if f.flagged else None,
                "cost": outlook.cost.total if f.flagged else 0,
            }
        )
    return {
        "code": unit.code,
        "on": plan.on,
        "units": units,
        "behind": sum(1 for u in units if u["flagged"]),
        "total_cost": plan.total,
    }


@router.post(
    "/units/{code}/targets/split",
    response={201: list[TargetOut], **PROBLEMS, 409: Problem},
    url_name="unit-targets-split",
)
@api_scoped
@action_required(Action.SPLIT_TARGETS)
def unit_targets_split(request: HttpRequest, code: str = CODE):
    """Split the unit's target (the one with the latest deadline) over the units below by
    eligible population; the parts sum exactly to it."""
    require_persons(request)
    unit = scoped_unit(request, code)
    require_action(request.user, Action.SPLIT_TARGETS, unit.path)
    target = Target.objects.filter(unit=unit).order_by("-deadline").first()
    if target is None:
        raise HttpError(409, str(NO_TARGET) % {"unit": unit.code})
    parts = target_split(target=target)
    return Status(
        201,
        [
            {
                "unit": p.unit.code,
                "name": p.unit.name,
                "count": p.count,
                "start": p.start,
                "deadline": p.deadline,
            }
            for p in parts
        ],
    )


@router.post(
    "/stations/{code}/visits",
    response={201: list[VisitOut], **PROBLEMS, 409: Problem},
    url_name="station-visits",
)
@api_scoped
@action_required(Action.PLAN_VISITS)
def station_visits(request: HttpRequest, data: VisitsIn, code: str = CODE):
    """Plan a mobile team's or vehicle's visits to the villages and institutions of its area
    for the days asked (replacing those days' visits) and answer the itinerary."""
    require_persons(request)
    station = (
        stations_visible(scope_for(request.user)).filter(code=code).select_related("unit").first()
    )
    if station is None:
        raise HttpError(404, str(STATION_OUTSIDE))
    require_action(request.user, Action.PLAN_VISITS, station.unit.path)
    visits = visits_plan(station=station, first=data.first, days=data.days, on=clock.today())
    return Status(
        201,
        [
            {
                "day": v.day,
                "order": v.order,
                "place": str(v.unit or v.institution),
                "unit": v.unit.code if v.unit else None,
                "institution": v.institution.code if v.institution else None,
                "arrives_at": v.arrives_at,
                "leaves_at": v.leaves_at,
                "expected": v.expected,
                "travel_km": v.travel_km,
            }
            for v in visits
        ],
    )
