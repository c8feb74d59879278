"""Check-in at a station: find the person (a scanned slip, an ID number or its last digits, a
name), then record the application."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cancuoc.accounts.permissions import Action, action_required, require_action
from cancuoc.accounts.scope import area_scoped, require_persons, scope_for
from cancuoc.lib import clock
from cancuoc.lib.clock import local_day
from cancuoc.planning.models import Kit, Station
from cancuoc.planning.selectors import stations_visible
from cancuoc.registry.selectors import persons_visible
from cancuoc.web.forms import form_problems

from .forms import CheckinSearchForm, RecordForm
from .selectors import FEWEST_DIGITS, checkin_search, stations_with_kits
from .services import KIT_OUTSIDE, PERSON_OUTSIDE, intake_record

# The last search, kept in the session rather than the address: ID numbers and names never
# reach the access log, and the results are there again after an application is recorded.
SESSION_QUERY = "intake.checkin_query"
# The station the officer works at, until they choose another.
SESSION_STATION = "intake.station"


def _checkin_url(station: str, page: int | None = None) -> str:
    params = {"diem": station} if station else {}
    if page and page > 1:
        params["trang"] = page
    url = reverse("intake:checkin")
    return f"{url}?{urlencode(params)}" if params else url


def _chosen(stations: list[Station], code: str) -> Station | None:
    return next((s for s in stations if s.code == code), stations[0] if stations else None)


def _bad_request(request: HttpRequest, problems: list[str]) -> HttpResponse:
    return render(request, "intake/refused.html", {"problems": problems}, status=400)


@area_scoped
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    require_persons(request.user)
    if request.method == "POST":  # a search: kept in the session, then shown by a GET
        form = CheckinSearchForm(request.POST)
        if not form.is_valid():
            return _bad_request(request, form_problems(form))
        if form.cleaned_data["q"]:
            request.session[SESSION_QUERY] = form.cleaned_data["q"]
        else:
            request.session.pop(SESSION_QUERY, None)
        if form.cleaned_data["diem"]:
            request.session[SESSION_STATION] = form.cleaned_data["diem"]
        return redirect(_checkin_url(form.cleaned_data["diem"]))
    scope = scope_for(request.user)
    stations = list(stations_with_kits(scope))
    station = _chosen(stations, request.GET.get("diem") or request.session.get(SESSION_STATION, ""))
    if station:
        request.session[SESSION_STATION] = station.code
    query = request.session.get(SESSION_QUERY, "")
    results = None
    if query:
        results = checkin_search(
            scope=scope,
            query=query,
            station=station,
            page=request.GET.get("trang"),
            on=clock.today(),
        )
    return render(
        request,
        "intake/checkin.html",
        {
            "stations": stations,
            "station": station,
            "kits": list(station.kits.all()) if station else [],
            "query": query,
            "results": results,
            "fewest_digits": FEWEST_DIGITS,
            "key": uuid.uuid4().hex,
            "started": clock.now().replace(microsecond=0).isoformat(),
        },
    )


@area_scoped
@action_required(Action.RECORD_CAPTURE)
@require_POST
def record(request: HttpRequest) -> HttpResponse:
    require_persons(request.user)
    form = RecordForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, form_problems(form))
    data = form.cleaned_data
    scope = scope_for(request.user)
    person = persons_visible(scope).filter(pk=data["person"]).first()
    kit = (
        Kit.objects.filter(code=data["kit"], station__in=stations_visible(scope))
        .select_related("station__unit")
        .first()
    )
    if person is None:
        return _bad_request(request, [str(PERSON_OUTSIDE)])
    if kit is None:
        return _bad_request(request, [str(KIT_OUTSIDE) % {"kit": data["kit"]}])
    require_action(request.user, Action.RECORD_CAPTURE, kit.station.unit.path)
    ended = clock.now()
    started = data["started"]
    # A capture counts on the day it is recorded, whenever the page was opened.
    if started is None or started > ended or local_day(started) != local_day(ended):
        started = ended
    request.back_to = _checkin_url(kit.station.code, data["trang"])
    created = intake_record(
        operator=request.user,
        person=person,
        station=kit.station,
        kit=kit,
        started_at=started,
        ended_at=ended,
        accepted=data["outcome"] != RecordForm.REJECT,
        reason=data["reason"],
        walk_in=data["walk_in"],
        idempotency_key=data["key"],
        confirmed=data["confirm"],
    )[1]
    messages.success(
        request,
        _("Đã ghi hồ sơ của %(name)s.") % {"name": person.full_name}
        if created
        else _("Hồ sơ này đã được ghi trước đó."),
    )
    return redirect(request.back_to)
