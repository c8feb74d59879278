"""Station pages (slots and bookings by day, the schedule and the slips to download), and the
public pages: an appointment (what a slip's QR code opens), a commune's schedule with its
iCal feed and fanpage post, and a citizen's lookup of their own appointment and card."""

from datetime import date, timedelta

from django import forms
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.scope import area_scoped, scope_for
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.planning.models import Station
from cancuoc.reports.views import PURPOSES, as_of, export_purpose

from .documents import slot_places, time_window
from .errors import STATION_OUTSIDE
from .models import Appointment, AppointmentState, Slot, Visit
from .public import (
    citizen_lookup,
    fanpage_image,
    fanpage_post,
    openings_ical,
    public_openings,
)
from .schedules import schedule_xlsx
from .slips import BRING, slips_pdf

DAYS_SHOWN = 7
MAX_DOWNLOAD_DAYS = 31
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
A_MONDAY = date(2024, 1, 1)


def _day(request: HttpRequest, name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _station(request: HttpRequest, code: str) -> Station:
    station = scope_for(request.user).stations().filter(code=code).select_related("unit").first()
    if station is None:
        raise Http404(STATION_OUTSIDE)
    return station


def _period(request: HttpRequest) -> tuple[date, date]:
    first = _day(request, "tu", as_of(request) + timedelta(days=1))
    last = _day(request, "den", first)
    if not 0 <= (last - first).days < MAX_DOWNLOAD_DAYS:
        last = first
    return first, last


def _weekdays(digits: str) -> str:
    """ "12345" (ISO weekdays) in the page's language: "Thứ 2, …, Thứ 6" or "Mon, …, Fri"."""
    return ", ".join(
        date_format(A_MONDAY + timedelta(days=int(d) - 1), "D") for d in digits if d in "1234567"
    )


@area_scoped
def station_page(request: HttpRequest, code: str) -> HttpResponse:
    """A station's slots and bookings for a week, with its main actions first: a day's slips
    and the week's schedule to download. A fixed number of queries, whatever the week holds."""
    station = _station(request, code)
    first = _day(request, "tu", as_of(request) + timedelta(days=1))
    last = first + timedelta(days=DAYS_SHOWN - 1)
    days = {}
    for slot in (
        Slot.objects.filter(station=station, starts_at__date__gte=first, starts_at__date__lte=last)
        .with_room()
        .annotate(
            came=Count("appointments", filter=Q(appointments__state=AppointmentState.ATTENDED)),
            missed=Count("appointments", filter=Q(appointments__state=AppointmentState.NO_SHOW)),
        )
        .order_by("starts_at")
    ):
        starts, _ = time_window(slot)
        day = days.setdefault(
            starts.date(), {"slots": 0, "capacity": 0, "booked": 0, "came": 0, "missed": 0}
        )
        day["slots"] += 1
        day["booked"] += slot.held
        for field in ("capacity", "came", "missed"):
            day[field] += getattr(slot, field)
    totals = Slot.objects.filter(station=station).aggregate(
        slots=Count("pk"), capacity=Sum("capacity")
    )
    return render(
        request,
        "scheduling/station.html",
        {
            "station": station,
            "kits": station.kits.count(),
            "shifts": [
                (shift, "" if shift.weekdays == "1234567" else _weekdays(shift.weekdays))
                for shift in station.shifts.all()
            ],
            "first": first,
            "last": last,
            "days": sorted(days.items()),
            "totals": totals,
            "visits": Visit.objects.filter(station=station, day__gte=first, day__lte=last)
            .select_related("unit", "institution")
            .order_by("day", "order"),
            "sees_persons": scope_for(request.user).sees_persons,
            "purposes": PURPOSES,
        },
    )


def _export(request: HttpRequest, code: str) -> tuple[Station, date, date, str]:
    """The station, period and purpose of a download of names: refused to roles that see
    figures only and without a purpose, and audited by the caller."""
    station = _station(request, code)
    purpose = export_purpose(request)
    first, last = _period(request)
    return station, first, last, purpose


def _attachment(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@area_scoped
def schedule_download(request: HttpRequest, code: str) -> HttpResponse:
    station, first, last, purpose = _export(request, code)
    content = schedule_xlsx(station=station, first=first, last=last)
    audit_record(
        action="export", obj=station, purpose=purpose,
        detail={"document": "schedule", "from": first.isoformat(), "to": last.isoformat()},
    )  # fmt: skip
    return _attachment(content, XLSX, f"lich-hen-{station.code}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx")


@area_scoped
def slips_download(request: HttpRequest, code: str) -> HttpResponse:
    station, first, last, purpose = _export(request, code)
    booked = Appointment.objects.filter(
        slot__station=station, state=AppointmentState.BOOKED,
        slot__starts_at__date__gte=first, slot__starts_at__date__lte=last,
    )  # fmt: skip
    content = slips_pdf(appointments=booked)
    audit_record(
        action="export", obj=station, purpose=purpose,
        detail={"document": "slips", "from": first.isoformat(), "to": last.isoformat()},
    )  # fmt: skip
    name = f"phieu-hen-{station.code}-{first:%Y%m%d}-{last:%Y%m%d}.pdf"
    return _attachment(content, "application/pdf", name)


def appointment_public(request: HttpRequest, code: str) -> HttpResponse:
    """What a slip's QR code opens, without a login: when and where, and whether the
    appointment still stands. Nothing about the person: the code is all the page knows."""
    appointment = (
        Appointment.objects.filter(code=code.upper()).select_related("slot__station__unit").first()
    )
    if appointment is None:
        return render(request, "scheduling/appointment_not_found.html", {"code": code}, status=404)
    later = Appointment.objects.filter(rebooked_from=appointment).select_related("slot").first()
    shown = later or appointment
    starts, ends = time_window(shown.slot)
    return render(
        request,
        "scheduling/appointment_public.html",
        {
            "code": shown.code,
            "state": shown.get_state_display(),
            "booked": shown.state == AppointmentState.BOOKED,
            "place": slot_places([shown.slot])[shown.slot.pk],
            "starts": starts,
            "ends": ends,
            "moved": later is not None,
            "bring": BRING,
        },
    )


def _public_unit(code: str) -> AdministrativeUnit:
    try:
        return unit_by_code(code)
    except UnitNotFound as error:
        raise Http404(str(error)) from error


def public_schedule(request: HttpRequest, code: str) -> HttpResponse:
    unit = _public_unit(code)
    first = as_of(request)
    openings = public_openings(unit=unit, first=first)
    return render(
        request,
        "scheduling/public_schedule.html",
        {"unit": unit, "first": first, "openings": openings, "bring": BRING,
         "post": fanpage_post(unit=unit, openings=openings, bring=BRING)},
    )  # fmt: skip


def public_ical(request: HttpRequest, code: str) -> HttpResponse:
    unit = _public_unit(code)
    openings = public_openings(unit=unit, first=as_of(request))
    content = openings_ical(unit=unit, openings=openings)
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


def public_post_image(request: HttpRequest, code: str) -> HttpResponse:
    unit = _public_unit(code)
    openings = public_openings(unit=unit, first=as_of(request))
    image = fanpage_image(unit=unit, openings=openings, bring=BRING)
    return _attachment(image, "image/png", f"lich-cap-can-cuoc-{unit.code}.png")


class LookupForm(forms.Form):
    so_dinh_danh = forms.RegexField(
        regex=r"^\d{12}$",
        label=gettext_lazy("Số định danh cá nhân (12 chữ số)"),
        error_messages={
            "invalid": gettext_lazy("Nhập đủ 12 chữ số."),
            "required": gettext_lazy("Nhập số định danh cá nhân."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    ngay_sinh = forms.DateField(
        label=gettext_lazy("Ngày sinh"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "invalid": gettext_lazy("Nhập ngày sinh."),
            "required": gettext_lazy("Nhập ngày sinh."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip


def lookup(request: HttpRequest) -> HttpResponse:
    """Tra cứu: a citizen's own appointment and card status, by ID number and date of birth."""
    form = LookupForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        result = citizen_lookup(
            personal_id=form.cleaned_data["so_dinh_danh"],
            birth_date=form.cleaned_data["ngay_sinh"],
            ip=request.META.get("REMOTE_ADDR"),
        )
        if result.throttled:
            status = 429
    return render(
        request, "scheduling/lookup.html", {"form": form, "result": result}, status=status
    )
