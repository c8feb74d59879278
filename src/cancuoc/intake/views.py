"""Check-in at a station: find the person (ID, name, or a scanned slip), record the application."""

import uuid
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cancuoc.accounts.scope import area_scoped, require_persons, scope_for
from cancuoc.lib.text import normalise_name
from cancuoc.planning.models import Kit
from cancuoc.registry.personal_id import mask

from .models import OPEN_STATES
from .services import IntakeRefused, intake_record

RESULTS = 20


def _stations(request: HttpRequest):
    return scope_for(request.user).stations().order_by("name")


@area_scoped
def checkin(request: HttpRequest) -> HttpResponse:
    require_persons(request.user)
    scope = scope_for(request.user)
    stations = list(_stations(request).prefetch_related("kits"))
    query = request.GET.get("q", "").strip()
    persons = []
    if query:
        found = scope.persons()
        if query.isdigit():
            found = found.filter(personal_id=query)
        else:
            found = found.filter(name_key__contains=normalise_name(query))
        for person in found.order_by("sort_key")[:RESULTS]:
            open_one = person.applications.filter(state__in=OPEN_STATES).first()
            home = person.homes.select_related("unit").order_by("-id").first()
            persons.append({
                "pk": person.pk, "name": person.full_name, "birth": person.birth_date,
                "id": mask(person.personal_id) if person.personal_id else "",
                "place": home.unit.name if home else "",
                "open": open_one.get_state_display() if open_one else "",
            })  # fmt: skip
    return render(
        request,
        "intake/checkin.html",
        {
            "stations": stations,
            "station": request.GET.get("diem", stations[0].code if stations else ""),
            "query": query,
            "persons": persons,
            "key": uuid.uuid4().hex,
            "started": timezone.now().isoformat(),
        },
    )


@area_scoped
@require_POST
def record(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    data = request.POST
    person = (
        scope.persons().filter(pk=data.get("person") or 0).first() if scope.sees_persons else None
    )
    kit = (
        Kit.objects.filter(code=data.get("kit", ""), station__in=_stations(request))
        .select_related("station")
        .first()
    )
    if person is None or kit is None:
        return HttpResponse(
            "Thiếu người hoặc bộ máy trong phạm vi / person or kit missing or outside your area",
            status=400, content_type="text/plain; charset=utf-8",
        )  # fmt: skip
    try:
        started = datetime.fromisoformat(data.get("started", ""))
    except ValueError:
        started = timezone.now()
    ended = timezone.now()
    try:
        _, created = intake_record(
            operator=request.user, person=person, station=kit.station, kit=kit,
            started_at=min(started, ended), ended_at=ended,
            accepted=data.get("outcome") != "reject", reason=data.get("reason", ""),
            walk_in=data.get("walk_in") == "1", idempotency_key=data.get("key", ""),
        )  # fmt: skip
    except IntakeRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Đã ghi hồ sơ của {person.full_name} / recorded"
            if created else "Hồ sơ này đã được ghi trước đó / already recorded",
        )  # fmt: skip
    return redirect(f"/thu-nhan/?diem={kit.station.code}")
