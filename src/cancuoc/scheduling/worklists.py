"""Worklists (danh sách cần cấp thẻ): who still needs a card, where, and how hard the case is."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cancuoc.geo.models import (
    SEGMENT,
    AdministrativeUnit,
    Institution,
    InstitutionMember,
    path_upper_bound,
)
from cancuoc.intake.models import OPEN_STATES, Application
from cancuoc.registry.canonical import date_text
from cancuoc.registry.choices import (
    CardKind,
    DatePrecision,
    Presence,
    ResidenceBasis,
    ResidenceKind,
    Sex,
)
from cancuoc.registry.dates import end_of_day, start_of_day
from cancuoc.registry.difficulty import RULES, hard_case, rules_in_force, with_difficulty
from cancuoc.registry.eligibility import NEED_LABELS, EligibilityPolicy, Need, policy_in_force
from cancuoc.registry.models import Card, Home, Person, PersonQuerySet, Residence
from cancuoc.scheduling.models import Appointment, AppointmentState


def worklist(
    *,
    unit: AdministrativeUnit,
    on: date,
    basis: str = ResidenceBasis.BOTH,
    policy: EligibilityPolicy | None = None,
) -> PersonQuerySet:
    """Everyone in ``unit``'s subtree who needs a card on ``on`` and has not applied for one
    yet, classified easy/hard."""
    persons = _living_in(unit, on=on, basis=basis).needing_card(
        on=on, policy=policy or policy_in_force(on)
    )
    return with_difficulty(without_open_application(persons, on=on), on=on)


def _living_in(unit: AdministrativeUnit, *, on: date, basis: str) -> PersonQuerySet:
    """``Person.objects.living_in``; where people are counted where they live (the usual
    page, on today's map) as a join to their home instead, annotated with the home's unit,
    path and kind: a worklist page sorts by village from the rows it has already found
    instead of looking each person's home up again (see :func:`worklist_table`). A person
    has one home on a day (``registry.homes``: its periods do not overlap), so the join
    repeats nobody."""
    if basis != ResidenceBasis.BOTH or unit.on_old_map:
        return Person.objects.living_in(unit, on=on, basis=basis)
    return Person.objects.filter(
        Q(homes__start_date__isnull=True) | Q(homes__start_date__lte=on),
        Q(homes__end_date__isnull=True) | Q(homes__end_date__gt=on),
        homes__unit__path__gte=unit.path,
        homes__unit__path__lt=path_upper_bound(unit.path),
    ).annotate(
        home_unit_id=F("homes__unit_id"),
        home_path=F("homes__unit__path"),
        residence_kind=F("homes__kind"),
    )


class Difficulty(models.TextChoices):
    """Which cases of a worklist to show: "dễ làm trước, khó làm sau"."""

    EASY = "easy", gettext_lazy("Dễ")
    HARD = "hard", gettext_lazy("Khó")


def of_difficulty(persons: PersonQuerySet, difficulty: str) -> PersonQuerySet:
    """The easy or the hard cases of a worklist (:func:`with_difficulty` annotated), or all
    of them for any other value."""
    if difficulty == Difficulty.HARD:
        return persons.filter(hard_case())
    if difficulty == Difficulty.EASY:
        return persons.exclude(hard_case())
    return persons


def without_open_application(persons: PersonQuerySet, *, on: date) -> PersonQuerySet:
    """Leave out people whose application, taken by ``on``, is on its way to a card."""
    applied = Application.objects.filter(
        person=OuterRef("pk"), state__in=OPEN_STATES, started_at__lt=end_of_day(on)
    )
    return persons.filter(~Exists(applied))


def institution_worklist(
    *, institution: Institution, on: date, policy: EligibilityPolicy | None = None
) -> PersonQuerySet:
    """Members of a school, factory, barracks or agency who need a card on ``on``."""
    members = InstitutionMember.objects.filter(
        InstitutionMember.active_on_q(on), institution=institution
    ).values("person_id")
    persons = Person.objects.filter(pk__in=members).needing_card(
        on=on, policy=policy or policy_in_force(on)
    )
    return with_difficulty(without_open_application(persons, on=on), on=on)


def absent_residents(
    *, unit: AdministrativeUnit, on: date, presence: str = Presence.ABSENT
) -> PersonQuerySet:
    """Residents of ``unit`` (by permanent residence) absent from it (vắng mặt), or living
    abroad (``presence=Presence.ABROAD``)."""
    return Person.objects.living_in(unit, on=on, basis=ResidenceBasis.PERMANENT).filter(
        presence=presence
    )


def counted_residence(on: date, basis: str = ResidenceBasis.BOTH):
    """Where the person at ``OuterRef("pk")`` is counted on ``on``: their home (see
    ``Home``), or their residence of the kind the basis names."""
    if basis == ResidenceBasis.BOTH:
        return Home.objects.active_on(on).filter(person=OuterRef("pk")).order_by("-id")
    kind = ResidenceKind.PERMANENT if basis == ResidenceBasis.PERMANENT else ResidenceKind.TEMPORARY
    return Residence.objects.active_on(on).filter(person=OuterRef("pk"), kind=kind).order_by("-id")


@dataclass(frozen=True)
class WorklistCount:
    unit: AdministrativeUnit
    total: int
    hard: int
    first: int


def worklist_summary(persons: PersonQuerySet) -> dict[str, int]:
    """How many on a worklist need a card, a first card, and are hard cases: one query."""
    return persons.aggregate(**_summary_counts())


def _summary_counts() -> dict:
    """The figures of a worklist: everyone, first cards, hard cases."""
    return {
        "total": Count("pk"),
        "first": Count("pk", filter=Q(need=Need.FIRST.value)),
        "hard": Count("pk", filter=hard_case()),
    }


def worklist_counts(
    *, unit: AdministrativeUnit, on: date, basis: str = ResidenceBasis.BOTH
) -> list[WorklistCount]:
    """For each unit directly below ``unit``: how many need a card, how many are hard cases,
    how many need a first card. One grouped query over the subtree (a unit of the map before
    1 July 2025 asked by residence kind: one query per unit below)."""
    children = AdministrativeUnit.objects.filter(parent=unit).order_by("name")
    old_map = unit.on_old_map
    if old_map and basis != ResidenceBasis.BOTH:
        return [
            WorklistCount(unit=child, **worklist_summary(worklist(unit=child, on=on, basis=basis)))
            for child in children
        ]
    place = "former_unit__path" if old_map else "unit__path"
    listed = worklist(unit=unit, on=on, basis=basis)
    if "home_path" in listed.query.annotations:  # found by their home (_living_in)
        where = F("home_path")
    else:
        where = Subquery(counted_residence(on, basis).values(place)[:1])
    rows = (
        listed.annotate(child_path=Substr(where, 1, len(unit.path) + SEGMENT))
        .order_by()
        .values("child_path")
        .annotate(**_summary_counts())
    )
    by_path = {row["child_path"]: row for row in rows}
    return [
        WorklistCount(
            unit=child,
            total=by_path.get(child.path, {}).get("total", 0),
            hard=by_path.get(child.path, {}).get("hard", 0),
            first=by_path.get(child.path, {}).get("first", 0),
        )
        for child in children
    ]


def worklist_title(unit: AdministrativeUnit, on: date) -> str:
    return _("Danh sách công dân cần cấp thẻ — %(unit)s — ngày %(day)s") % {
        "unit": unit.name,
        "day": date_format(on, "SHORT_DATE_FORMAT"),
    }


def worklist_columns() -> list[tuple[str, str]]:
    """The worklist file's headers (in the active language) and row keys. The keys
    ``birth_date`` (text when only the month or year is known) and ``appointment_day`` hold
    dates."""
    return [
        (_("STT"), "index"),
        (_("Họ, chữ đệm và tên"), "full_name"),
        (_("Ngày sinh"), "birth_date"),
        (_("Giới tính"), "sex"),
        (_("Số định danh cá nhân"), "personal_id"),
        (_("Số điện thoại"), "phone"),
        (_("Thôn/tổ dân phố"), "village"),
        (_("Xã/phường"), "commune"),
        (_("Loại cư trú"), "residence"),
        (_("Giấy tờ hiện có"), "card"),
        (_("Nhu cầu"), "need"),
        (_("Ngày hẹn"), "appointment_day"),
        (_("Giờ hẹn"), "appointment_time"),
        (_("Điểm thu nhận"), "appointment_station"),
        (_("Phân loại"), "difficulty"),
        (_("Lý do khó"), "reasons"),
    ]


TABLE_FIELDS = [
    "pk",
    "full_name",
    "birth_date",
    "birth_date_precision",
    "sex",
    "personal_id",
    "phone",
    "need",
    "home_unit_id",
    "residence_kind",
    "card_kind",
]


def worklist_table(
    persons: PersonQuerySet, *, on: date, basis: str = ResidenceBasis.BOTH
) -> "QuerySet[dict]":
    """The worklist as dicts with the unit and kind of each person's counted residence and the
    kind of their latest card, grouped by commune and village (in the tree's order), then by
    given name as Vietnamese lists are."""
    latest_card = Card.objects.filter(person=OuterRef("pk"), issued_on__lte=on).order_by(
        "-issued_on", "-id"
    )
    if "home_path" not in persons.query.annotations:  # not found by their home (_living_in)
        lives = counted_residence(on, basis)
        persons = persons.annotate(
            home_unit_id=Subquery(lives.values("unit_id")[:1]),
            home_path=Subquery(lives.values("unit__path")[:1]),
            residence_kind=Subquery(lives.values("kind")[:1]),
        )
    return (
        persons.annotate(card_kind=Subquery(latest_card.values("kind")[:1]))
        .order_by("home_path", "sort_key", "pk")
        .values(*TABLE_FIELDS, *(f"hard_{name}" for name in rules_in_force()))
    )


class UnitNames:
    """Village and commune names by unit id, fetched a batch at a time (one query for many
    rows instead of a join per row)."""

    def __init__(self) -> None:
        self._names: dict[int, tuple[str, str]] = {}

    def fill(self, rows: list[dict]) -> list[dict]:
        missing = {r["home_unit_id"] for r in rows} - self._names.keys() - {None}
        for pk, name, parent in AdministrativeUnit.objects.filter(pk__in=missing).values_list(
            "pk", "name", "parent__name"
        ):
            self._names[pk] = (name, parent or "")
        for row in rows:
            row["village"], row["commune"] = self._names.get(row["home_unit_id"], ("", ""))
        return rows


class NextAppointments:
    """Each person's next booked appointment (day, time, station), a batch of rows at a
    time: one query for many rows."""

    def __init__(self, on: date) -> None:
        self.since = start_of_day(on)

    def fill(self, rows: list[dict]) -> list[dict]:
        booked = {
            person: (starts, ends, station)
            for person, starts, ends, station in Appointment.objects.filter(
                person_id__in=[r["pk"] for r in rows],
                state=AppointmentState.BOOKED,
                slot__starts_at__gte=self.since,
            ).values_list("person_id", "slot__starts_at", "slot__ends_at", "slot__station__name")
        }
        for row in rows:
            starts, ends, station = booked.get(row["pk"], (None, None, ""))
            row["appointment_starts"] = starts and timezone.localtime(starts)
            row["appointment_ends"] = ends and timezone.localtime(ends)
            row["appointment_station"] = station
        return rows


BATCH = 2000


class RowLabels:
    """The words of a worklist row in the active language, translated once for a whole page
    or file: translating each label of each row cost more than reading the rows."""

    def __init__(self) -> None:
        self.sex = {value: str(label) for value, label in Sex.choices}
        self.card = {value: str(label) for value, label in CardKind.choices}
        self.no_card = _("Chưa có")
        self.residence = {value: str(label) for value, label in ResidenceKind.choices}
        self.need = {need.value: str(label) for need, label in NEED_LABELS.items()}
        self.hard, self.easy = _("Khó"), _("Dễ")
        # hard_reasons' labels, in its order
        self.reasons = {f"hard_{name}": str(label) for name, (label, _rule) in RULES.items()}


def worklist_row(row: dict, index: int, labels: RowLabels | None = None) -> dict:
    """One row of :func:`worklist_table` (with its place names, and its appointment when
    :class:`NextAppointments` filled it) as the worklist file shows it, labels in the active
    language. ``birth`` is text (dd/mm/yyyy, mm/yyyy or yyyy); ``birth_date`` the date when
    the day is known, else the same text."""
    labels = labels or RowLabels()
    reasons = [label for key, label in labels.reasons.items() if row.get(key)]
    starts, ends = row.get("appointment_starts"), row.get("appointment_ends")
    exact = row["birth_date_precision"] == DatePrecision.DAY
    birth = date_text(row["birth_date"], row["birth_date_precision"])
    return {
        "pk": row["pk"],
        "index": index,
        "full_name": row["full_name"],
        "birth": birth,
        "birth_date": row["birth_date"] if exact else birth,
        "sex": labels.sex.get(row["sex"], row["sex"]),
        "personal_id": row["personal_id"],
        "phone": row["phone"],
        "village": row["village"],
        "commune": row["commune"],
        "residence": labels.residence[row["residence_kind"] or ResidenceKind.PERMANENT],
        "card": labels.card.get(row["card_kind"], labels.no_card),
        "need": labels.need[row["need"]],
        "appointment_day": starts.date() if starts else None,
        "appointment_time": f"{starts:%H:%M}–{ends:%H:%M}" if starts else "",
        "appointment_station": row.get("appointment_station", ""),
        "difficulty": labels.hard if reasons else labels.easy,
        "reasons": ", ".join(reasons),
    }


def worklist_page(rows: list[dict], *, start: int, on: date) -> list[dict]:
    """Rows of :func:`worklist_table` numbered from ``start``, with place names and next
    appointments: two queries whatever the number of rows."""
    rows = NextAppointments(on).fill(UnitNames().fill(rows))
    labels = RowLabels()
    return [worklist_row(row, start + i, labels) for i, row in enumerate(rows)]


def worklist_rows(
    persons: PersonQuerySet, *, on: date, basis: str = ResidenceBasis.BOTH
) -> Iterator[dict]:
    """Every row of the worklist file, streamed a batch at a time."""
    names, appointments, labels = UnitNames(), NextAppointments(on), RowLabels()
    table = worklist_table(persons, on=on, basis=basis).iterator(chunk_size=BATCH)
    index = 0
    for batch in iter(lambda: list(itertools.islice(table, BATCH)), []):
        for row in appointments.fill(names.fill(batch)):
            index += 1
            yield worklist_row(row, index, labels)
