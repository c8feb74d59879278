"""What citizens see without a login: when and where a commune's stations and mobile teams take
people in (a page, an iCal feed, a post for the commune's fanpage), and the status of their
own appointment and card, looked up by ID number and date of birth (throttled)."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.intake.models import Application, CardState
from cancuoc.planning.calendar import working_spans
from cancuoc.planning.models import Station, StationKind
from cancuoc.registry.models import Person

from .documents import CITIZENS_LANGUAGE, slot_places, time_window, unit_address
from .models import Appointment, AppointmentState, Lookup, Visit

DAYS_AHEAD = 14
# Lookups allowed: from one address in ten minutes, and failures for one ID number in a day
# (a date of birth is one of some 36,500: the second limit is what stops guessing it).
LOOKUPS_PER_ADDRESS = 10
ADDRESS_WINDOW = timedelta(minutes=10)
FAILURES_PER_ID = 5
ID_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Opening:
    """One stretch of time when people are taken in somewhere."""

    starts: datetime
    ends: datetime
    station: str
    place: str  # the address to go to
    mobile: bool
    residents_of: str = ""  # the unit whose residents should come
    members_of: str = ""  # or the institution whose members should (by its list)

    @property
    def who(self) -> str:
        """Who should come, in the active language."""
        if self.members_of:
            return _("Thành viên của %(institution)s, theo danh sách của đơn vị") % {
                "institution": self.members_of
            }
        return _("Công dân từ đủ 14 tuổi chưa có thẻ căn cước, cư trú tại %(unit)s") % {
            "unit": self.residents_of
        }


def public_openings(*, unit: AdministrativeUnit, first: date, days: int = DAYS_AHEAD):
    """The openings of the stations in ``unit``'s subtree (their shifts, day by day) and the
    stops of mobile teams in it, from ``first`` for ``days`` days, in time order."""
    last = first + timedelta(days=days - 1)
    subtree = AdministrativeUnit.objects.subtree(unit)
    fixed = list(
        Station.objects.filter(unit__in=subtree, kind=StationKind.FIXED).select_related("unit")
    )
    by_pk = {s.pk: s for s in fixed}
    openings = [
        Opening(
            starts=timezone.make_aware(span.starts),
            ends=timezone.make_aware(span.ends),
            station=by_pk[span.station_id].name,
            place=unit_address(by_pk[span.station_id].unit),
            residents_of=by_pk[span.station_id].unit.name,
            mobile=False,
        )
        for span in working_spans(fixed, first, last)
    ]
    visits = Visit.objects.filter(
        Q(unit__in=subtree) | Q(institution__unit__in=subtree), day__gte=first, day__lte=last
    ).select_related("station", "unit", "institution__unit")
    for visit in visits:
        if visit.institution is not None:
            place = f"{visit.institution.name}, {unit_address(visit.institution.unit)}"
            audience = {"members_of": visit.institution.name}
        else:
            place, audience = unit_address(visit.unit), {"residents_of": visit.unit.name}
        openings.append(
            Opening(
                starts=visit.arrives_at,
                ends=visit.leaves_at,
                station=visit.station.name,
                place=place,
                mobile=True,
                **audience,
            )
        )
    return sorted(openings, key=lambda o: (o.starts, o.station))


def _by_day(openings: list[Opening]) -> dict[date, list[Opening]]:
    """The openings by local day, in order."""
    days: dict[date, list[Opening]] = {}
    for opening in openings:
        days.setdefault(timezone.localtime(opening.starts).date(), []).append(opening)
    return days


@translation.override(CITIZENS_LANGUAGE)
def openings_ical(*, unit: AdministrativeUnit, openings: list[Opening]) -> bytes:
    """The openings as an iCalendar feed (RFC 5545) people can subscribe to."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//cancuoc//lich cap can cuoc//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Lịch cấp căn cước — %(unit)s") % {"unit": unit.name})
    for opening in openings:
        event = Event()
        digest = hashlib.sha1(
            f"{opening.station}|{opening.starts.isoformat()}|{opening.place}".encode()
        ).hexdigest()
        event.add("uid", f"{digest}@cancuoc")
        event.add("dtstamp", opening.starts)
        event.add("dtstart", opening.starts)
        event.add("dtend", opening.ends)
        event.add("summary", _("Cấp căn cước: %(station)s") % {"station": opening.station})
        event.add("location", opening.place)
        event.add("description", opening.who)
        calendar.add_component(event)
    return calendar.to_ical()


@translation.override(CITIZENS_LANGUAGE)
def fanpage_post(*, unit: AdministrativeUnit, openings: list[Opening], bring: tuple) -> str:
    """A ready-to-post notice for the commune's Facebook or Zalo page (the seeds: "thông báo
    về thời gian, địa điểm"), in Vietnamese whatever the page's language."""
    lines = [
        "📢 " + _("THÔNG BÁO LỊCH CẤP THẺ CĂN CƯỚC — %(unit)s") % {"unit": unit.name.upper()},
        "",
        _("Công an xã thông báo lịch thu nhận hồ sơ cấp thẻ căn cước:"),
    ]
    by_day = _by_day(openings)
    for day, day_openings in by_day.items():
        lines.append(f"🗓 {day:%d/%m/%Y}:")
        for o in day_openings:
            starts, ends = timezone.localtime(o.starts), timezone.localtime(o.ends)
            kind = _("lưu động") if o.mobile else _("tại trụ sở")
            lines.append(f"  • {starts:%H:%M}–{ends:%H:%M} {kind}: {o.place}")
    lines += [
        "",
        _("Mang theo: %(items)s.") % {"items": "; ".join(str(item) for item in bring)},
        _("Xem lịch: %(url)s") % {"url": _schedule_url(unit)},
    ]
    return "\n".join(lines)


def _schedule_url(unit: AdministrativeUnit) -> str:
    return f"{settings.CANCUOC_PUBLIC_URL.rstrip('/')}/lich/{unit.code}/"


@dataclass(frozen=True)
class LookupResult:
    found: bool
    throttled: bool = False
    appointment: Appointment | None = None
    place: str = ""
    starts: datetime | None = None
    ends: datetime | None = None
    card_state: str = ""  # the latest application's state, in words


def id_digest(personal_id: str) -> str:
    """A keyed hash of an ID number: the lookup log never holds the number."""
    return hmac.new(settings.SECRET_KEY.encode(), personal_id.encode(), hashlib.sha256).hexdigest()


def _throttled(ip: str | None, digest: str) -> bool:
    now = timezone.now()
    from_address = Lookup.objects.filter(ip=ip, at__gte=now - ADDRESS_WINDOW).count()
    failures = Lookup.objects.filter(id_digest=digest, found=False, at__gte=now - ID_WINDOW).count()
    return from_address >= LOOKUPS_PER_ADDRESS or failures >= FAILURES_PER_ID


@transaction.atomic
def citizen_lookup(*, personal_id: str, birth_date: date, ip: str | None) -> LookupResult:
    """The appointment still to come and the card's progress of the person with this ID number
    and date of birth; nothing else about them. Refused (``throttled``) past the limits, and
    counted either way."""
    digest = id_digest(personal_id)
    if _throttled(ip, digest):
        return LookupResult(found=False, throttled=True)
    person = Person.objects.filter(personal_id=personal_id, birth_date=birth_date).first()
    Lookup.objects.create(ip=ip, id_digest=digest, found=person is not None)
    if person is None:
        return LookupResult(found=False)
    appointment = (
        Appointment.objects.filter(person=person, state=AppointmentState.BOOKED)
        .select_related("slot__station__unit")
        .first()
    )
    application = Application.objects.filter(person=person).order_by("-started_at").first()
    card_state = dict(CardState.choices)[application.state] if application else ""
    if appointment is None:
        return LookupResult(found=True, card_state=card_state)
    starts, ends = time_window(appointment.slot)
    place = slot_places([appointment.slot])[appointment.slot.pk]
    return LookupResult(
        found=True, appointment=appointment, place=f"{place.station}, {place.address}",
        starts=starts, ends=ends, card_state=card_state,
    )  # fmt: skip


def fanpage_image(*, unit: AdministrativeUnit, openings: list[Opening], bring: tuple) -> bytes:
    """The notice as a square PNG image to post with the text: an HTML card printed by
    WeasyPrint and rasterised by PDFium (WeasyPrint writes only PDF)."""
    import io

    import pypdfium2
    from django.template.loader import render_to_string
    from weasyprint import HTML

    by_day = _by_day(openings)
    with translation.override(CITIZENS_LANGUAGE):
        html = render_to_string(
            "scheduling/fanpage_card.html",
            {
                "unit": unit,
                "days": list(by_day.items())[:7],
                "bring": [str(item) for item in bring],
                "url": _schedule_url(unit),
            },
        )
    pdf = pypdfium2.PdfDocument(HTML(string=html).write_pdf())
    image = pdf[0].render(scale=2).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
