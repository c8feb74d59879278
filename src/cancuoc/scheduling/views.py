"""Station pages (slots and bookings by day, the schedule and the slips to download; the slips
of several days made by a background job), and the
public pages: an appointment (what a slip's QR code opens), a commune's schedule with its
iCal feed and fanpage post, and a citizen's lookup of their own appointment and card."""

import time
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.accounts.scope import area_scoped, require_persons, scope_for
from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs.models import Job
from cancuoc.jobs.services import JobBusy, job_submit
from cancuoc.lib.client_address import client_ip
from cancuoc.lib.clock import today
from cancuoc.planning.models import Station
from cancuoc.planning.selectors import stations_visible
from cancuoc.web.requests import as_of, export_purpose

from .documents import slot_places, time_window
from .errors import STATION_OUTSIDE
from .jobs import SLIPS, slips_file
from .models import Appointment, AppointmentState, Slot, Visit
from .public import (
    DAYS_AHEAD,
    PAGE_OPENINGS,
    citizen_lookup,
    fanpage_image,
    fanpage_post,
    first_days,
    openings_ical,
    public_openings,
)
from .public_cache import Document, Page, document_response, kept, public_key
from .schedules import schedule_xlsx
from .slips import BRING, slips_pdf
from .throttle import per_address_limit

DAYS_SHOWN = 7
MAX_DOWNLOAD_DAYS = 31
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
A_MONDAY = date(2024, 1, 1)


def _day(request: HttpRequest, name: str, default: date) -> date:
    asked = request.POST if request.method == "POST" else request.GET
    try:
        return date.fromisoformat(asked.get(name, ""))
    except ValueError:
        return default


def _station(request: HttpRequest, code: str) -> Station:
    station = (
        stations_visible(scope_for(request.user)).filter(code=code).select_related("unit").first()
    )
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
@require_safe
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
@require_safe
def schedule_download(request: HttpRequest, code: str) -> HttpResponse:
    station, first, last, purpose = _export(request, code)
    content = schedule_xlsx(station=station, first=first, last=last)
    audit_record(
        action="export",
        obj=station,
        purpose=purpose,
        detail={"document": "schedule", "from": first.isoformat(), "to": last.isoformat()},
    )
    return _attachment(content, XLSX, f"lich-hen-{station.code}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx")


@area_scoped
@require_safe
def slips_download(request: HttpRequest, code: str) -> HttpResponse:
    station, first, last, purpose = _export(request, code)
    booked = Appointment.objects.filter(
        slot__station=station,
        state=AppointmentState.BOOKED,
        slot__starts_at__date__gte=first,
        slot__starts_at__date__lte=last,
    )
    content = slips_pdf(appointments=booked)
    audit_record(
        action="export",
        obj=station,
        purpose=purpose,
        detail={"document": "slips", "from": first.isoformat(), "to": last.isoformat()},
    )
    name = f"phieu-hen-{station.code}-{first:%Y%m%d}-{last:%Y%m%d}.pdf"
    return _attachment(content, "application/pdf", name)


@area_scoped
@require_POST
def slips_make(request: HttpRequest, code: str) -> HttpResponse:
    """The slips of the days asked (one PDF per village) and the station's schedule, made by a
    background job: the answer is the job's page, which links the files once made."""
    station = _station(request, code)
    require_persons(request.user)
    purpose = request.POST.get("muc_dich", "")
    if purpose not in PURPOSES:
        raise PermissionDenied(_("Cần chọn mục đích tải danh sách."))
    first, last = _period(request)
    params = {
        "station": station.code,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "purpose": purpose,
    }
    try:
        job = job_submit(
            SLIPS, params=params, target=station.code, unit=station.unit, by=request.user
        )
    except JobBusy as busy:
        messages.info(request, _("Phiếu hẹn của điểm này đang được làm."))
        job = busy.job
    return redirect("jobs:job", pk=job.pk)


@area_scoped
@require_safe
def slips_file_download(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A file a slips job made (``?tep=`` its name), for those who may see the station and
    its people; the download of names is audited with the purpose the job was asked for. A
    job of another station, or a file it did not make, is a 404."""
    station = _station(request, code)
    require_persons(request.user)
    job = Job.objects.filter(pk=pk, kind=SLIPS, target=station.code).first()
    name = request.GET.get("tep", "")
    path = slips_file(job, name) if job is not None else None
    if path is None:
        raise Http404(_("Không có tệp này."))
    audit_record(
        action="export",
        obj=station,
        purpose=job.params["purpose"],
        detail={
            "document": "slips",
            "from": job.params["first"],
            "to": job.params["last"],
            "job": job.pk,
            "file": name,
        },
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


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


def _public_page(request: HttpRequest, code: str) -> tuple[str, date]:
    """The unit's own code (``038`` and ``38`` name one page) and the day the page counts
    from: today, or ``?ngay=`` within ``DAYS_AHEAD`` days of it. The cache keys hold these,
    so that no spelling of a URL makes a page be built again."""
    unit = kept(public_key("unit", code), lambda: unit_by_code(code).code)
    on, asked = today(), as_of(request)
    return unit, asked if abs((asked - on).days) <= DAYS_AHEAD else on


@per_address_limit("lich")
def public_schedule(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's schedule for citizens, with its fanpage post: at most ``PAGE_OPENINGS``
    rows (whole days), and the units below to choose from when there are more; built once
    per unit, day and language and kept (public_cache)."""
    code, first = _public_page(request, code)

    def build() -> Page:
        unit = unit_by_code(code)
        openings, complete = first_days(public_openings(unit=unit, first=first), PAGE_OPENINGS)
        below = [] if complete else list(unit.children.order_by("code"))
        content = render_to_string(
            "scheduling/public_schedule_content.html",
            {
                "unit": unit,
                "first": first,
                "openings": openings,
                "complete": complete,
                "shown": PAGE_OPENINGS,
                "below": below,
                "bring": BRING,
                "post": fanpage_post(unit=unit, openings=openings, bring=BRING),
            },
        )
        return Page(unit=unit.name, content=content)

    page = kept(public_key("page", code, first, translation.get_language()), build)
    # The content is a template's output (escaped there), kept as a plain string.
    content = mark_safe(page.content)
    response = render(
        request, "scheduling/public_schedule.html", {"unit": page.unit, "content": content}
    )
    patch_cache_control(response, private=True)
    return response


@per_address_limit("lich")
def public_ical(request: HttpRequest, code: str) -> HttpResponse:
    code, first = _public_page(request, code)

    def build() -> Document:
        unit = unit_by_code(code)
        content = openings_ical(unit=unit, openings=public_openings(unit=unit, first=first))
        return Document(content, "text/calendar; charset=utf-8", made=time.time())

    return document_response(request, kept(public_key("ical", code, first), build))


@per_address_limit("lich")
def public_post_image(request: HttpRequest, code: str) -> HttpResponse:
    code, first = _public_page(request, code)

    def build() -> Document:
        unit = unit_by_code(code)
        image = fanpage_image(
            unit=unit, openings=public_openings(unit=unit, first=first), bring=BRING
        )
        name = f"lich-cap-can-cuoc-{unit.code}.png"
        return Document(image, "image/png", made=time.time(), filename=name)

    return document_response(request, kept(public_key("png", code, first), build))


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
        label=gettext_lazy("Ngày sinh"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "invalid": gettext_lazy("Nhập ngày sinh."),
            "required": gettext_lazy("Nhập ngày sinh."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def lookup(request: HttpRequest) -> HttpResponse:
    """Tra cứu: a citizen's own appointment and card status, by ID number and date of birth."""
    form = LookupForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        result = citizen_lookup(
            personal_id=form.cleaned_data["so_dinh_danh"],
            birth_date=form.cleaned_data["ngay_sinh"],
            ip=client_ip(request),
        )
        if result.throttled:
            status = 429
    return render(
        request, "scheduling/lookup.html", {"form": form, "result": result}, status=status
    )
