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
from cancuoc.lib.geo import SEGMENT
from cancuoc.planning.calendar import working_spans
from cancuoc.planning.models import Station, StationKind
from cancuoc.registry.models import Person

from .documents import CITIZENS_LANGUAGE, slot_places, time_window
from .models import Appointment, AppointmentState, Lookup, Visit

DAYS_AHEAD = 14
# What one public page holds at most, whatever the unit (a province has thousands of
# openings in two weeks): whole days from the first, as many as fit.
PAGE_OPENINGS = 200
ICAL_EVENTS = 500
IMAGE_LINES = 12  # the fanpage card is 15 cm square
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


def unit_addresses(units: list[AdministrativeUnit]) -> dict[int, str]:
    """ "Thôn 1, Xã Một, Thanh Hóa" for each unit, by id: one query for the units above all
    of them (a province's schedule names hundreds of units)."""
    prefixes = {
        unit.path[:end] for unit in units for end in range(SEGMENT, len(unit.path), SEGMENT)
    }
    names = dict(AdministrativeUnit.objects.filter(path__in=prefixes).values_list("path", "name"))
    return {
        unit.pk: ", ".join(
            [unit.name]
            + [
                names[unit.path[:end]]
                for end in range(len(unit.path) - SEGMENT, 0, -SEGMENT)
                if unit.path[:end] in names
            ]
        )
        for unit in units
    }


def public_openings(*, unit: AdministrativeUnit, first: date, days: int = DAYS_AHEAD):
    """The openings of the stations in ``unit``'s subtree (their shifts, day by day) and the
    stops of mobile teams in it, from ``first`` for ``days`` days, in time order. Five
    queries whatever the size of the unit."""
    last = first + timedelta(days=days - 1)
    subtree = AdministrativeUnit.objects.subtree(unit)
    fixed = list(
        Station.objects.filter(unit__in=subtree, kind=StationKind.FIXED).select_related("unit")
    )
    visits = list(
        Visit.objects.filter(
            Q(unit__in=subtree) | Q(institution__unit__in=subtree), day__gte=first, day__lte=last
        ).select_related("station", "unit", "institution__unit")
    )
    address = unit_addresses(
        [s.unit for s in fixed]
        + [v.institution.unit if v.institution is not None else v.unit for v in visits]
    )
    by_pk = {s.pk: s for s in fixed}
    zone = timezone.get_current_timezone()  # looked up once: thousands of spans
    openings = [
        Opening(
            starts=timezone.make_aware(span.starts, zone),
            ends=timezone.make_aware(span.ends, zone),
            station=by_pk[span.station_id].name,
            place=address[by_pk[span.station_id].unit_id],
            residents_of=by_pk[span.station_id].unit.name,
            mobile=False,
        )
        for span in working_spans(fixed, first, last)
    ]
    for visit in visits:
        if visit.institution is not None:
            place = f"{visit.institution.name}, {address[visit.institution.unit_id]}"
            audience = {"members_of": visit.institution.name}
        else:
            place, audience = address[visit.unit_id], {"residents_of": visit.unit.name}
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


def first_days(openings: list[Opening], limit: int) -> tuple[list[Opening], bool]:
    """At most ``limit`` openings: the whole days from the first that fit (the first day's
    first ``limit`` if it alone does not), and whether that is all of them."""
    if len(openings) <= limit:
        return openings, True
    cut = timezone.localtime(openings[limit].starts).date()
    whole = [o for o in openings[:limit] if timezone.localtime(o.starts).date() < cut]
    return whole or openings[:limit], False


def _by_day(openings: list[Opening]) -> dict[date, list[Opening]]:
    """The openings by local day, in order."""
    days: dict[date, list[Opening]] = {}
    for opening in openings:
        days.setdefault(timezone.localtime(opening.starts).date(), []).append(opening)
    return days


@translation.override(CITIZENS_LANGUAGE)
def openings_ical(*, unit: AdministrativeUnit, openings: list[Opening]) -> bytes:
    """The openings as an iCalendar feed (RFC 5545) people can subscribe to: the whole days
    from the first that fit in ``ICAL_EVENTS`` events."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//cancuoc//lich cap can cuoc//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Lịch cấp căn cước — %(unit)s") % {"unit": unit.name})
    for opening in first_days(openings, ICAL_EVENTS)[0]:
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
    về thời gian, địa điểm"), in Vietnamese whatever the page's language; as many days as
    the page shows."""
    lines = [
        "📢 " + _("THÔNG BÁO LỊCH CẤP THẺ CĂN CƯỚC — %(unit)s") % {"unit": unit.name.upper()},
        "",
        _("Công an xã thông báo lịch thu nhận hồ sơ cấp thẻ căn cước:"),
    ]
    by_day = _by_day(first_days(openings, PAGE_OPENINGS)[0])
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
        found=True,
        appointment=appointment,
        place=f"{place.station}, {place.address}",
        starts=starts,
        ends=ends,
        card_state=card_state,
    )


def fanpage_image(*, unit: AdministrativeUnit, openings: list[Opening], bring: tuple) -> bytes:
    """The notice as a square PNG image to post with the text: an HTML card printed by
    WeasyPrint and rasterised by PDFium (WeasyPrint writes only PDF). The card holds the
    whole days of the first week that fit in ``IMAGE_LINES`` lines, and says how many
    openings it leaves out."""
    import io

    import pypdfium2
    from django.template.loader import render_to_string
    from weasyprint import HTML

    week = [o for day in list(_by_day(openings).values())[:7] for o in day]
    shown = first_days(week, IMAGE_LINES)[0]
    with translation.override(CITIZENS_LANGUAGE):
        html = render_to_string(
            "scheduling/fanpage_card.html",
            {
                "unit": unit,
                "days": list(_by_day(shown).items()),
                "more": len(openings) - len(shown),
                "bring": [str(item) for item in bring],
                "url": _schedule_url(unit),
            },
        )
    pdf = pypdfium2.PdfDocument(HTML(string=html).write_pdf())
    image = pdf[0].render(scale=2).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
