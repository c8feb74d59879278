"""Who a campaign writes to (nhóm nhận tin): residents of a unit, an age band, those not yet
captured, those who missed their appointment, members of an institution; any of them
together. Reads only: the persons with a phone number, in the register."""

from dataclasses import asdict, dataclass, fields
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from cancuoc.geo.models import Institution, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.dates import years_before
from cancuoc.registry.models import Person, PersonQuerySet
from cancuoc.scheduling.models import Appointment, AppointmentState
from cancuoc.scheduling.worklists import institution_worklist, worklist


@dataclass(frozen=True)
class Segment:
    """A campaign's segment, stored as JSON on the campaign; the conditions given all hold."""

    unit: str | None = None  # code of a unit: residents of its subtree
    institution: str | None = None  # code of an institution: its members
    age_from: int | None = None  # years of age on the day, both ends included
    age_to: int | None = None
    not_captured: bool = False  # still on the worklist: no valid card, no application
    no_show: bool = False  # missed an appointment, not rebooked, nothing booked since

    @classmethod
    def from_json(cls, data: dict) -> "Segment":
        """The segment a campaign stores; ValueError naming what is wrong with it."""
        if not isinstance(data, dict):
            raise ValueError(
                _('Các điều kiện viết trong một đối tượng JSON: {"unit": "16000", "age_from": 14}.')
            )
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(
                _("Điều kiện không có: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        for condition in fields(cls):
            value = data.get(condition.name, condition.default)
            if not isinstance(value, condition.type):
                raise ValueError(
                    _("%(name)s: %(value)s không đúng kiểu, cần %(type)s.")
                    % {"name": condition.name, "value": repr(value), "type": condition.type}
                )
        segment = cls(**data)
        if segment.not_captured and not (segment.unit or segment.institution):
            raise ValueError(_("not_captured cần unit hoặc institution (danh sách của nơi nào?)."))
        return segment

    def to_json(self) -> dict:
        return {name: value for name, value in asdict(self).items() if value not in (None, False)}


def segment_persons(
    segment: Segment, *, on: date, persons: PersonQuerySet | None = None
) -> PersonQuerySet:
    """The persons of ``persons`` (default: everyone; pass a user's scope) in the register with
    a phone number who are in ``segment`` on ``on``."""
    persons = (Person.objects.all() if persons is None else persons).in_register()
    persons = persons.exclude(phone="")
    if segment.unit:
        persons = residents(persons, unit_code=segment.unit, on=on)
    if segment.institution:
        persons = members(persons, institution_code=segment.institution, on=on)
    if segment.age_from is not None or segment.age_to is not None:
        persons = aged(persons, age_from=segment.age_from, age_to=segment.age_to, on=on)
    if segment.not_captured:
        persons = not_captured(
            persons, unit_code=segment.unit, institution_code=segment.institution, on=on
        )
    if segment.no_show:
        persons = no_shows(persons)
    return persons


def residents(persons: PersonQuerySet, *, unit_code: str, on: date) -> PersonQuerySet:
    return persons.living_in(unit_by_code(unit_code), on=on)


def _institution(code: str) -> Institution:
    institution = Institution.objects.filter(code=code).first()
    if institution is None:
        raise LookupError(_("Không có cơ quan, tổ chức mã %(code)s.") % {"code": code})
    return institution


def members(persons: PersonQuerySet, *, institution_code: str, on: date) -> PersonQuerySet:
    institution = _institution(institution_code)
    active = InstitutionMember.objects.filter(
        InstitutionMember.active_on_q(on), institution=institution
    )
    return persons.filter(pk__in=active.values("person_id"))


def aged(
    persons: PersonQuerySet, *, age_from: int | None, age_to: int | None, on: date
) -> PersonQuerySet:
    """Aged ``age_from`` to ``age_to`` years on ``on``, both included."""
    if age_from is not None:
        persons = persons.aged_at_least(age_from, on=on)
    if age_to is not None:
        persons = persons.filter(birth_date__gt=years_before(on, age_to + 1))
    return persons


def not_captured(
    persons: PersonQuerySet, *, unit_code: str | None, institution_code: str | None, on: date
) -> PersonQuerySet:
    """On the worklist of the unit, or of the institution: they need a card and have not
    applied for one."""
    if unit_code:
        listed = worklist(unit=unit_by_code(unit_code), on=on)
        persons = persons.filter(pk__in=listed.values("pk"))
    if institution_code:
        listed = institution_worklist(institution=_institution(institution_code), on=on)
        persons = persons.filter(pk__in=listed.values("pk"))
    return persons


def no_shows(persons: PersonQuerySet) -> PersonQuerySet:
    """Who missed an appointment that was not rebooked, and has nothing booked since."""
    missed = Appointment.objects.filter(
        state=AppointmentState.NO_SHOW, rebooked_as__isnull=True
    ).values("person_id")
    booked = Appointment.objects.filter(person=OuterRef("pk"), state=AppointmentState.BOOKED)
    return persons.filter(pk__in=missed).filter(~Exists(booked))
