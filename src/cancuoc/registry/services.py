"""Writes to the register."""

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.mapping import former_places
from cancuoc.geo.models import AdministrativeUnit, Reorganisation
from cancuoc.lib.bulk import (
    analyse,
    copy_rows,
    foreign_keys_checked_once,
    long_lived_input,
    reserve_ids,
    reset_sequence,
    update_rows,
)
from cancuoc.lib.text import name_keys

from . import personal_id
from .cards import card_expiry
from .choices import Relation, ResidenceKind
from .homes import Span, home_spans
from .models import Card, Home, Household, Person, PersonChange, Residence
from .records import PERSON_FACTS, PersonRecord, person_facts
from .signals import persons_changed

log = logging.getLogger(__name__)


# From this many records a load checks foreign keys once at the end (lib.bulk) rather than
# row by row; below it, re-validating whole tables would cost more than the rows do.
CHECK_KEYS_ONCE_FROM = 50_000


class RegisterLoadError(ValueError):
    """A batch that cannot be written; nothing of it was."""


@dataclass(frozen=True)
class LoadResult:
    persons: int
    households: int
    residences: int
    homes: int
    cards: int
    invalid_ids: int
    first_person: int = 0  # the persons written have the keys first_person … + persons − 1

    @property
    def rows(self) -> int:
        return self.persons + self.households + self.residences + self.homes + self.cards


PERSON_COLUMNS = [
    "id",
    "personal_id",
    "unverified_id",
    "name_key",
    "sort_key",
    "household_id",
    *PERSON_FACTS,
    "source",
    "source_ref",
]


@transaction.atomic
def register_load(*, records: Sequence[PersonRecord], source: str) -> LoadResult:
    """Write persons with their households, residences and cards in bulk, all or nothing.
    A large load locks the register's tables on PostgreSQL until it commits.

    Personal IDs are checked against the date of birth and sex; one that fails is kept as
    ``unverified_id`` for correction and the person is loaded without it. A household whose
    code already exists is not created again: the new members join it (and its head, if it
    had none yet), so a file can be loaded in several batches."""
    unit_ids = _unit_ids(records)
    # The old commune a record names as recorded (the map before 1 July 2025).
    former_ids = _unit_ids(records, ("permanent_recorded_unit",), Reorganisation.PRE_2025)
    places = former_places(unit_ids.values())
    valid_ids = _valid_ids(records)

    households: dict[str, int] = {}
    heads: dict[str, int] = {}
    household_units: dict[str, tuple[int, str]] = {}
    person_id = reserve_ids(Person, len(records))
    first_person = person_id
    for record in records:
        if record.household_code:
            households.setdefault(record.household_code, 0)
            if record.relation_to_head == Relation.HEAD:
                heads[record.household_code] = person_id
            if record.permanent_unit:
                household_units.setdefault(
                    record.household_code,
                    (unit_ids[record.permanent_unit], record.permanent_address),
                )
        person_id += 1
    existing = _household_ids(households)
    new_codes = [code for code in households if code not in existing]
    households.update(existing)
    next_household = reserve_ids(Household, len(new_codes))
    for offset, code in enumerate(new_codes):
        households[code] = next_household + offset
    missing = [code for code in new_codes if code not in household_units]
    if missing:
        raise RegisterLoadError(
            _("Hộ %(household)s không có nơi thường trú.") % {"household": missing[0]}
        )

    def person_rows() -> Iterator[tuple[Any, ...]]:
        for pk, (record, valid) in enumerate(zip(records, valid_ids, strict=True), first_person):
            number = record.personal_id
            yield (
                pk,
                number if valid else "",
                "" if valid else number,
                *name_keys(record.full_name),
                households.get(record.household_code),
                *person_facts(record),
                source,
                record.ref,
            )

    def household_rows() -> Iterator[tuple[Any, ...]]:
        for code in new_codes:
            unit, address = household_units[code]
            yield households[code], code, unit, address, heads.get(code)

    first_residence = reserve_ids(Residence, 0)
    first_home = reserve_ids(Home, 0)
    first_card = reserve_ids(Card, 0)

    def residence_rows() -> Iterator[tuple[Any, ...]]:
        pk = first_residence
        for person, record in enumerate(records, start=first_person):
            if record.permanent_unit:
                yield (
                    pk,
                    person,
                    ResidenceKind.PERMANENT.value,
                    unit_ids[record.permanent_unit],
                    former_ids.get(record.permanent_recorded_unit),
                    record.permanent_address,
                    None,
                    None,
                )
                pk += 1
            if record.temporary_unit:
                yield (
                    pk,
                    person,
                    ResidenceKind.TEMPORARY.value,
                    unit_ids[record.temporary_unit],
                    None,
                    record.temporary_address,
                    record.temporary_since,
                    None,
                )
                pk += 1

    def home_rows() -> Iterator[tuple[Any, ...]]:
        pk = first_home
        for person, record in enumerate(records, start=first_person):
            for span in home_spans(_spans(record, unit_ids, former_ids, places)):
                yield pk, person, span.unit_id, span.former_id, span.kind, span.start, span.end
                pk += 1

    def card_rows() -> Iterator[tuple[Any, ...]]:
        pk = first_card
        for person, record in enumerate(records, start=first_person):
            if record.card_kind and record.card_issued_on:
                expires = record.card_expires_on or card_expiry(
                    record.card_kind, birth_date=record.birth_date, issued_on=record.card_issued_on
                )
                yield (
                    pk,
                    person,
                    record.card_kind,
                    record.card_number,
                    record.card_issued_on,
                    expires,
                )
                pk += 1

    tables = (Household, Person, Residence, Home, Card)
    large = len(records) >= CHECK_KEYS_ONCE_FROM
    with long_lived_input(), foreign_keys_checked_once(tables) if large else nullcontext():
        household_count = copy_rows(
            Household, ["id", "code", "unit_id", "address", "head_id"], household_rows()
        )
        person_count = copy_rows(Person, PERSON_COLUMNS, person_rows())
        residence_count = copy_rows(
            Residence,
            [
                "id",
                "person_id",
                "kind",
                "unit_id",
                "recorded_unit_id",
                "address",
                "start_date",
                "end_date",
            ],
            residence_rows(),
        )
        home_count = copy_rows(
            Home,
            ["id", "person_id", "unit_id", "former_unit_id", "kind", "start_date", "end_date"],
            home_rows(),
        )
        card_count = copy_rows(
            Card, ["id", "person_id", "kind", "number", "issued_on", "expires_on"], card_rows()
        )
    # Households whose first members came in an earlier load, without the head.
    update_rows(
        Household,
        ["head_id"],
        [(existing[c], head) for c, head in heads.items() if c in existing],
        only_null=True,
    )
    for model in tables:
        reset_sequence(model)
    invalid = sum(
        1 for r, valid in zip(records, valid_ids, strict=True) if r.personal_id and not valid
    )
    audit_record(
        action="bulk_load",
        object_type="registry.person",
        detail={"source": source, "persons": person_count, "households": household_count},
    )
    log.info(
        "register load from %s: %d persons (%d invalid IDs kept unverified), %d households",
        source,
        person_count,
        invalid,
        household_count,
    )
    persons_changed.send(sender=Person, person_ids=range(first_person, first_person + person_count))
    return LoadResult(
        person_count,
        household_count,
        residence_count,
        home_count,
        card_count,
        invalid,
        first_person,
    )


def register_analyse() -> None:
    """After a bulk load, outside its transaction: fresh statistics for the planner."""
    analyse([AdministrativeUnit, Household, Person, Residence, Home, Card])


def _spans(
    record: PersonRecord,
    unit_ids: dict[str, int],
    former_ids: dict[str, int],
    places: dict[int, int],
) -> list[Span]:
    spans = []
    if record.permanent_unit:
        unit_id = unit_ids[record.permanent_unit]
        former = former_ids.get(record.permanent_recorded_unit) or places.get(unit_id)
        spans.append(Span(ResidenceKind.PERMANENT, unit_id, None, None, former))
    if record.temporary_unit:
        unit_id = unit_ids[record.temporary_unit]
        spans.append(
            Span(
                ResidenceKind.TEMPORARY,
                unit_id,
                record.temporary_since,
                None,
                places.get(unit_id),
            )
        )
    return spans


@transaction.atomic
def person_homes_rebuild(person: Person) -> list[Home]:
    """Derive the person's homes again from their residences, after a residence changed."""
    residences = list(person.residences.order_by("pk"))
    places = former_places(r.unit_id for r in residences)
    spans = home_spans(
        [
            Span(
                r.kind,
                r.unit_id,
                r.start_date,
                r.end_date,
                r.recorded_unit_id or places.get(r.unit_id),
            )
            for r in residences
        ]
    )
    person.homes.all().delete()
    return Home.objects.bulk_create(
        Home(
            person=person,
            unit_id=s.unit_id,
            former_unit_id=s.former_id,
            kind=s.kind,
            start_date=s.start,
            end_date=s.end,
        )
        for s in spans
    )


@transaction.atomic
def home_places_fill() -> int:
    """Give every home its place on the map before 1 July 2025 (``Home.former_unit``), as a
    load would: the old commune its residence recorded, else the one its unit counts in.
    Run when the two maps are linked after persons were loaded (``cancuoc geo load``);
    idempotent. Returns how many homes have such a place."""
    places = former_places(Home.objects.values_list("unit_id", flat=True).distinct())
    recorded = Residence.objects.filter(
        person=OuterRef("person_id"),
        unit=OuterRef("unit_id"),
        kind=OuterRef("kind"),
        recorded_unit__isnull=False,
    ).values("recorded_unit_id")[:1]
    Home.objects.filter(kind=ResidenceKind.PERMANENT).update(former_unit=Subquery(recorded))
    by_place: dict[int, list[int]] = {}
    for unit_id, former_id in places.items():
        by_place.setdefault(former_id, []).append(unit_id)
    for former_id, unit_ids in by_place.items():
        Home.objects.filter(former_unit__isnull=True, unit_id__in=unit_ids).update(
            former_unit=former_id
        )
    return Home.objects.filter(former_unit__isnull=False).count()


def _unit_ids(
    records: Sequence[PersonRecord],
    columns: tuple[str, ...] = ("permanent_unit", "temporary_unit"),
    reorganisation: str = Reorganisation.Y2025,
) -> dict[str, int]:
    """The ids of the units the records' ``columns`` name by code, on the map of
    ``reorganisation``; a code that names none stops the load, saying where."""
    codes = {getattr(r, column) for r in records for column in columns} - {""}
    if not codes:
        return {}
    found = dict(
        AdministrativeUnit.objects.filter(
            reorganisation=reorganisation, code__any_of=codes
        ).values_list("code", "pk")
    )
    for index, record in enumerate(records, start=1):
        for column in columns:
            code = getattr(record, column)
            if code and code not in found:
                raise RegisterLoadError(
                    _("Bản ghi %(index)s (%(ref)s), cột %(column)s: không có đơn vị mã %(code)s.")
                    % {"index": index, "ref": record.ref, "column": column, "code": code}
                )
    return found


def _household_ids(codes: Iterable[str], chunk: int = 10_000) -> dict[str, int]:
    """The households that already exist among ``codes`` (a later load of the same
    households: their members join them), asked in chunks to stay under the databases'
    limits on query parameters."""
    codes = list(codes)
    found: dict[str, int] = {}
    for start in range(0, len(codes), chunk):
        part = codes[start : start + chunk]
        found.update(Household.objects.filter(code__any_of=part).values_list("code", "pk"))
    return found


def _valid_ids(records: Sequence[PersonRecord]) -> list[bool]:
    """Whether each record's personal ID is valid for its birth data; a valid number given
    twice refuses the batch (a number that fails validation is kept unverified instead)."""
    seen: dict[str, str] = {}
    valid = []
    for record in records:
        number = record.personal_id
        ok = bool(number) and not personal_id.problems(
            number, birth_year=record.birth_date.year, sex=record.sex
        )
        if ok and number in seen:
            raise RegisterLoadError(
                _("Số định danh %(number)s xuất hiện ở cả %(first)s và %(second)s.")
                % {"number": personal_id.mask(number), "first": seen[number], "second": record.ref}
            )
        if ok:
            seen[number] = record.ref
        valid.append(ok)
    return valid


PERSON_EDITABLE = {"personal_id", "household", *PERSON_FACTS}


@transaction.atomic
def person_update(
    *, person: Person, changes: dict[str, Any], by: Any = None, source: str, reason: str = ""
) -> list[PersonChange]:
    """Change fields of a person and record each change (before, after, who, why)."""
    unknown = set(changes) - PERSON_EDITABLE
    if unknown:
        raise ValueError(
            _("Không sửa được các trường: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    merged = {name: changes.get(name, getattr(person, name)) for name in ("birth_date", "sex")}
    if changes.get("personal_id"):
        personal_id.validate(changes["personal_id"], **merged)
    recorded = person_changes(person=person, changes=changes, by=by, source=source, reason=reason)
    if not recorded:
        return []
    if "full_name" in changes:
        person.name_key, person.sort_key = name_keys(person.full_name)
    person.save()
    persons_changed.send(sender=Person, person_ids=[person.pk])
    return PersonChange.objects.bulk_create(recorded)


def person_changes(
    *, person: Person, changes: dict[str, Any], by: Any = None, source: str, reason: str = ""
) -> list[PersonChange]:
    """Set the changed fields on ``person`` (unsaved) and return the history rows (unsaved)
    of those that really change: for callers that save many persons in bulk."""
    recorded = []
    for name, new in changes.items():
        old = getattr(person, name)
        if old == new:
            continue
        setattr(person, name, new)
        recorded.append(
            PersonChange(
                person=person,
                field=name,
                old_value=_text(old),
                new_value=_text(new),
                changed_by=by if getattr(by, "pk", None) else None,
                source=source,
                reason=reason,
            )
        )
    if recorded:
        person.updated_at = timezone.now()
    return recorded


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def card_issue(*, person: Person, kind: str, number: str, issued_on) -> Card:
    """Record a card issued to a person, with its expiry as the law sets it."""
    return Card.objects.create(
        person=person,
        kind=kind,
        number=number,
        issued_on=issued_on,
        expires_on=card_expiry(kind, birth_date=person.birth_date, issued_on=issued_on),
    )
