"""The page of a unit's absent residents (vắng mặt): who, since when, where they are said to
be; hand-overs to the unit where they live now, and the ones it is asked to take over.
Residents living abroad (đang ở nước ngoài) are counted and listed apart: no unit in the
country can take them over."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cancuoc.accounts.permissions import Action, action_required, require_action
from cancuoc.accounts.scope import area_scoped, require_persons, scope_for
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import picker_communes
from cancuoc.intake.handovers import (
    handover_accept,
    handover_outcome,
    handover_refuse,
    handover_request,
)
from cancuoc.registry.choices import Presence
from cancuoc.registry.models import Handover, HandoverState
from cancuoc.registry.personal_id import mask
from cancuoc.registry.selectors import persons_visible
from cancuoc.scheduling.worklists import absent_residents
from cancuoc.web.forms import say_form_problems
from cancuoc.web.requests import as_of, with_unit

from .forms import HandoverDecisionForm, HandoverForm
from .views import paged


def _rows(persons, pending: dict[int, str]) -> list[dict]:
    return [
        {
            "pk": p.pk,
            "name": p.full_name,
            "birth": p.birth_date,
            "since": p.presence_since,
            "id": mask(p.personal_id) if p.personal_id else "",
            "whereabouts": p.whereabouts,
            "pending": pending.get(p.pk, ""),
        }
        for p in persons
    ]


@area_scoped
@require_safe
@with_unit
def absent_page(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    require_persons(request.user)
    on = as_of(request)
    scope = scope_for(request.user)
    subtree = AdministrativeUnit.objects.subtree(unit)

    def residents(presence: str):
        return persons_visible(
            scope, absent_residents(unit=unit, on=on, presence=presence)
        ).order_by("sort_key", "pk")

    page, pager = paged(request, residents(Presence.ABSENT))
    abroad, abroad_pager = paged(request, residents(Presence.ABROAD), param="trang_nn")
    pending = dict(
        Handover.objects.filter(
            person__in=[p.pk for p in page], state=HandoverState.REQUESTED
        ).values_list("person_id", "to_unit__name")
    )
    incoming = (
        Handover.objects.filter(to_unit__in=subtree, state=HandoverState.REQUESTED)
        .select_related("person", "from_unit", "to_unit")
        .order_by("requested_at")
    )
    return render(
        request,
        "reports/absent.html",
        {
            "unit": unit,
            "on": on,
            "rows": _rows(page, pending),
            "pager": pager,
            "abroad": _rows(abroad, {}),
            "abroad_pager": abroad_pager,
            "incoming": incoming,
            "outcome": handover_outcome(unit=unit),
            "communes": picker_communes() if page.object_list else [],
        },
    )


def _back(unit: AdministrativeUnit, request: HttpRequest) -> HttpResponse:
    """To the absent page, on the day and page the officer was on (also where a refusal of
    the service goes back to: cancuoc.web.errors)."""
    query = request.GET.urlencode()
    page = reverse("reports:absent", args=[unit.url_code])
    request.back_to = page + (f"?{query}" if query else "")
    return redirect(request.back_to)


@area_scoped
@action_required(Action.HAND_OVER)
@require_POST
@with_unit
def handover_request_view(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    require_persons(request.user)
    require_action(request.user, Action.HAND_OVER, unit.path)
    on = as_of(request)
    form = HandoverForm(request.POST)
    if not form.is_valid():
        say_form_problems(request, form)
        return _back(unit, request)
    person = (
        persons_visible(scope_for(request.user), absent_residents(unit=unit, on=on))
        .filter(pk=form.cleaned_data["person"])
        .first()
    )
    if person is None:
        messages.error(request, _("Không có người vắng mặt này trong địa bàn."))
        return _back(unit, request)
    to_unit = form.cleaned_data["to_unit"]
    back = _back(unit, request)
    handover_request(
        person=person,
        to_unit=to_unit,
        whereabouts=form.cleaned_data["whereabouts"],
        by=request.user,
        on=on,
    )
    messages.success(
        request,
        _("Đã đề nghị %(unit)s tiếp nhận %(name)s.")
        % {"unit": to_unit.name, "name": person.full_name},
    )
    return back


@area_scoped
@action_required(Action.DECIDE_HANDOVER)
@require_POST
def handover_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving unit accepts or refuses (with a reason)."""
    require_persons(request.user)
    scope = scope_for(request.user)
    handover = (
        Handover.objects.filter(pk=pk, to_unit__in=scope.units()).select_related("to_unit").first()
    )
    if handover is None:
        raise Http404(_("Không có đề nghị bàn giao này trong địa bàn được giao."))
    require_action(request.user, Action.DECIDE_HANDOVER, handover.to_unit.path)
    form = HandoverDecisionForm(request.POST)
    if not form.is_valid():
        say_form_problems(request, form)
        return _back(handover.to_unit, request)
    back = _back(handover.to_unit, request)
    if form.cleaned_data["action"] == "accept":
        handover_accept(handover=handover, by=request.user, on=as_of(request))
        messages.success(request, _("Đã tiếp nhận."))
    else:
        handover_refuse(handover=handover, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("Đã từ chối."))
    return back
