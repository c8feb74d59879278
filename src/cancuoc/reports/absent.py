"""The page of a unit's absent residents (vắng mặt): who, since when, where they are said to
be; hand-overs to the unit where they live now, and the ones it is asked to take over."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cancuoc.accounts.scope import area_scoped, require_persons, scope_for
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.registry.handovers import (
    HandoverRefused,
    handover_accept,
    handover_outcome,
    handover_refuse,
    handover_request,
)
from cancuoc.registry.models import Handover, HandoverState
from cancuoc.registry.personal_id import mask
from cancuoc.registry.worklists import absent_residents

from .views import as_of, scoped_unit

SHOWN = 200


@area_scoped
def absent_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = scoped_unit(request, code)
    require_persons(request.user)
    on = as_of(request)
    scope = scope_for(request.user)
    subtree = AdministrativeUnit.objects.subtree(unit)
    persons = scope.persons(absent_residents(unit=unit, on=on)).order_by("sort_key")
    pending = dict(
        Handover.objects.filter(person__in=persons, state=HandoverState.REQUESTED).values_list(
            "person_id", "to_unit__name"
        )
    )
    rows = [
        {"pk": p.pk, "name": p.full_name, "birth": p.birth_date, "since": p.presence_since,
         "id": mask(p.personal_id) if p.personal_id else "", "whereabouts": p.whereabouts,
         "pending": pending.get(p.pk, "")}
        for p in persons[:SHOWN]
    ]  # fmt: skip
    incoming = (
        Handover.objects.filter(to_unit__in=subtree, state=HandoverState.REQUESTED)
        .select_related("person", "from_unit", "to_unit")
        .order_by("requested_at")
    )
    return render(
        request,
        "reports/absent.html",
        {"unit": unit, "on": on, "rows": rows, "total": persons.count(), "incoming": incoming,
         "outcome": handover_outcome(unit=unit)},
    )  # fmt: skip


@area_scoped
@require_POST
def handover_request_view(request: HttpRequest, code: str) -> HttpResponse:
    unit = scoped_unit(request, code)
    require_persons(request.user)
    on = as_of(request)
    person = (
        scope_for(request.user)
        .persons(absent_residents(unit=unit, on=on))
        .filter(pk=request.POST.get("person") or 0)
        .first()
    )
    if person is None:
        raise Http404("không có người vắng mặt này / no such absent resident here")
    try:
        to_unit = unit_by_code(request.POST.get("to_unit", "").strip())
        handover_request(
            person=person, to_unit=to_unit, whereabouts=request.POST.get("whereabouts", ""),
            by=request.user, on=on,
        )  # fmt: skip
        messages.success(request, f"Đã đề nghị {to_unit.name} tiếp nhận / hand-over requested")
    except (UnitNotFound, HandoverRefused) as error:
        messages.error(request, str(error))
    return redirect("reports:absent", code=unit.code)


@area_scoped
@require_POST
def handover_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving unit accepts or refuses (with a reason)."""
    require_persons(request.user)
    scope = scope_for(request.user)
    handover = (
        Handover.objects.filter(pk=pk, to_unit__in=scope.units()).select_related("to_unit").first()
    )
    if handover is None:
        raise Http404("không có đề nghị này trong phạm vi / no such hand-over in your area")
    try:
        if request.POST.get("action") == "accept":
            handover_accept(handover=handover, by=request.user, on=as_of(request))
            messages.success(request, "Đã tiếp nhận / accepted")
        else:
            handover_refuse(
                handover=handover, reason=request.POST.get("reason", ""), by=request.user
            )
            messages.success(request, "Đã từ chối / refused")
    except HandoverRefused as error:
        messages.error(request, str(error))
    return redirect("reports:absent", code=handover.to_unit.code)
