"""Reads of the check-in desk: who is this person, in a station's queue.

An officer types or scans what the citizen brings: the appointment slip (its code, or the
address its QR code holds, as a USB or Bluetooth scanner types it), the ID number or the last
digits the worklists show, or the name, with or without its diacritics, in any word order.
"""

import operator
import re
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.utils.translation import gettext as _

from cancuoc.accounts.scope import Scope
from cancuoc.geo.models import AdministrativeUnit, path_upper_bound
from cancuoc.lib.slip_codes import is_slip_code
from cancuoc.lib.text import normalise_name, sort_key, strip_diacritics
from cancuoc.planning.models import Station
from cancuoc.planning.selectors import service_roots, stations_visible
from cancuoc.registry.dates import years_before
from cancuoc.registry.eligibility import NoPolicy, policy_in_force
from cancuoc.registry.models import Home, Person, PersonQuerySet
from cancuoc.registry.personal_id import mask
from cancuoc.registry.selectors import persons_visible

from .models import OPEN_STATES, Application, CardState

PER_PAGE = 20
# The ID number in full, or its last digits as worklists show them (••••••••1234).
ID_LENGTH = 12
FEWEST_DIGITS = 4
# What a slip's QR code holds: the public address of the appointment, on whatever host.
_SLIP_URL = re.compile(r"/hen/([0-9a-z]+)", re.IGNORECASE)
# Spaces, dashes, dots and the masking dots a person may copy along with a number or a code.
_SEPARATORS = re.compile(r"[\s\-.•*·]+")
# Letters typed without their marks stand for every Vietnamese letter written with them.
_BARE_LETTERS = {"a": "aăâ", "d": "dđ", "e": "eê", "o": "oôơ", "u": "uư"}


@dataclass(frozen=True)
class CheckinQuery:
    """What the officer typed, read as each thing it may be."""

    code: str = ""  # an appointment code (from a slip's address: nothing else is meant)
    digits: str = ""  # the ID number or its last digits
    too_few_digits: bool = False
    words: tuple[str, ...] = ()  # the name's words, normalised

    @property
    def empty(self) -> bool:
        return not (self.code or self.digits or self.words)


def checkin_query_parse(text: str) -> CheckinQuery:
    text = text.strip()
    slips = _SLIP_URL.findall(text)
    if slips:  # a scan typed after an earlier one left in the field: the last is meant
        return CheckinQuery(code=slips[-1].upper())
    compact = _SEPARATORS.sub("", text).upper()
    code = compact if is_slip_code(compact) else ""
    if compact.isdigit():
        enough = len(compact) >= FEWEST_DIGITS
        return CheckinQuery(code=code, digits=compact if enough else "", too_few_digits=not enough)
    return CheckinQuery(code=code, words=tuple(normalise_name(text).split()))


def _letter_codes(letter: str) -> str:
    """The letter as ``Person.sort_key`` spells it (two digits, before the tones' part)."""
    return sort_key(letter).split("|", 1)[0]


def _unmarked_word_pattern(word: str) -> str:
    """A regular expression for ``sort_key`` that finds a word of the name written with or
    without its marks: "NGUYEN" finds NGUYỄN, NGUYÊN, NGUYỆN. ``sort_key`` spells each word's
    letters without tones (ă, â, ê, ô, ơ, ư and đ keep their own codes), words apart by
    spaces, then "|" and the tones; the same pattern runs on SQLite and PostgreSQL."""
    letters = []
    for letter in word.lower():
        variants = sorted({_letter_codes(v) for v in _BARE_LETTERS.get(letter, letter)})
        letters.append(variants[0] if len(variants) == 1 else f"({'|'.join(variants)})")
    return rf"(^| ){''.join(letters)}( |\||$)"


def _name_filter(words: tuple[str, ...]) -> Q:
    """Every word must be a word of the name, in any order. A name typed with its marks is
    looked for as written (one tone placement); typed without, in any spelling of it."""
    if any(strip_diacritics(word) != word for word in words):
        found = [Q(name_key__regex=rf"(^| ){re.escape(word)}( |$)") for word in words]
    else:
        found = [Q(sort_key__regex=_unmarked_word_pattern(word)) for word in words]
    return reduce(operator.and_, found)


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _area_filter(roots: list[AdministrativeUnit], day: date) -> Q:
    """Persons whose home on ``day`` lies in the subtree of one of ``roots``."""
    in_roots = [
        Q(unit__path__gte=root.path, unit__path__lt=path_upper_bound(root.path)) for root in roots
    ]
    homes = Home.objects.active_on(day).filter(reduce(operator.or_, in_roots))
    return Q(pk__in=homes.values("person_id"))


def with_cautions(persons: PersonQuerySet, *, on: date) -> PersonQuerySet:
    """Annotate ``under_age`` (younger than the age from which the policy in force asks for a
    card) and ``holds_card`` (holds a card the policy counts as valid): both want the
    officer's confirmation before an application is recorded."""
    try:
        policy = policy_in_force(on)
    except NoPolicy:
        return persons.annotate(under_age=Value(False), holds_card=Value(False))
    young = Q(birth_date__gt=years_before(on, policy.minimum_age))
    return persons.annotate(
        under_age=_flag(young),
        holds_card=persons.holding_valid_card(on=on, policy=policy),
    )


def cautions_text(*, under_age: bool, holds_card: bool, on: date) -> list[str]:
    """What the officer is warned of, in the active language."""
    found = []
    if under_age:
        age = policy_in_force(on).minimum_age
        found.append(_("Chưa đủ %(age)s tuổi: chưa phải cấp thẻ.") % {"age": age})
    if holds_card:
        found.append(_("Đã có thẻ còn giá trị."))
    return found


def person_cautions(person_id: int, *, on: date) -> list[str]:
    """What to warn of before taking this person's application on ``on`` (none: nothing)."""
    flags = with_cautions(Person.objects.filter(pk=person_id), on=on).values(
        "under_age", "holds_card"
    )
    found = flags.first()
    return cautions_text(**found, on=on) if found else []


@dataclass(frozen=True)
class CheckinRow:
    pk: int
    name: str
    birth: date
    masked_id: str
    place: str  # the village and its commune
    in_station_area: bool
    by_slip: bool  # found by the appointment code
    open_state: str  # the label of an application still on its way, or ""
    cautions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckinResults:
    rows: list[CheckinRow]
    total: int
    number: int
    pages: int
    first: int  # the place of the first row shown among all found, from 1
    last: int
    too_few_digits: bool = False

    @property
    def paged(self) -> bool:
        return self.pages > 1


def checkin_search(
    *, scope: Scope, query: str, station: Station | None, page: int | str | None, on: date
) -> CheckinResults:
    """The persons of the user's scope that the query finds: the slip's person first, then
    those living in the station's area, then the rest, by name; a page of ``PER_PAGE``."""
    parsed = checkin_query_parse(query)
    if parsed.empty:
        return CheckinResults(
            rows=[],
            total=0,
            number=1,
            pages=1,
            first=0,
            last=0,
            too_few_digits=parsed.too_few_digits,
        )
    by_slip = Q(pk__in=Person.objects.filter(appointments__code=parsed.code).values("pk"))
    criteria = []
    if parsed.code:
        criteria.append(by_slip)
    if parsed.digits:
        whole = len(parsed.digits) == ID_LENGTH
        criteria.append(
            Q(personal_id=parsed.digits) if whole else Q(personal_id__endswith=parsed.digits)
        )
    if parsed.words:
        criteria.append(_name_filter(parsed.words))
    persons = with_cautions(persons_visible(scope).filter(reduce(operator.or_, criteria)), on=on)
    persons = persons.annotate(
        by_slip=_flag(by_slip) if parsed.code else Value(False),
        in_area=_flag(_area_filter(service_roots(station), on)) if station else Value(False),
    )
    ordered = persons.order_by("-by_slip", "-in_area", "sort_key", "pk").values(
        "pk",
        "full_name",
        "birth_date",
        "personal_id",
        "by_slip",
        "in_area",
        "under_age",
        "holds_card",
    )
    paginator = Paginator(ordered, PER_PAGE)
    shown = paginator.get_page(page)
    found_rows = list(shown.object_list)
    pks = [row["pk"] for row in found_rows]
    places, open_states = _places(pks, on), _open_states(pks)
    rows = [
        CheckinRow(
            pk=row["pk"],
            name=row["full_name"],
            birth=row["birth_date"],
            masked_id=mask(row["personal_id"]) if row["personal_id"] else "",
            place=places.get(row["pk"], ""),
            in_station_area=row["in_area"],
            by_slip=row["by_slip"],
            open_state=open_states.get(row["pk"], ""),
            cautions=cautions_text(under_age=row["under_age"], holds_card=row["holds_card"], on=on),
        )
        for row in found_rows
    ]
    return CheckinResults(
        rows=rows,
        total=paginator.count,
        number=shown.number,
        pages=paginator.num_pages,
        first=shown.start_index(),
        last=shown.end_index(),
    )


def _places(person_ids: list[int], day: date) -> dict[int, str]:
    """Where each person lives on ``day`` ("Thôn 1, Xã Một"), else their latest home: one
    query for the page."""
    homes = (
        Home.objects.filter(person_id__in=person_ids)
        .select_related("unit__parent")
        .order_by("person_id", "-id")
    )
    chosen: dict[int, Home] = {}
    for home in homes:
        kept = chosen.get(home.person_id)
        if kept is None or (_active(home, day) and not _active(kept, day)):
            chosen[home.person_id] = home
    return {pk: _unit_with_parent(home.unit) for pk, home in chosen.items()}


def _active(home: Home, day: date) -> bool:
    return (home.start_date is None or home.start_date <= day) and (
        home.end_date is None or home.end_date > day
    )


def _unit_with_parent(unit: AdministrativeUnit) -> str:
    return f"{unit.name}, {unit.parent.name}" if unit.parent else unit.name


def _open_states(person_ids: list[int]) -> dict[int, str]:
    found = Application.objects.filter(person_id__in=person_ids, state__in=OPEN_STATES)
    pairs = found.values_list("person_id", "state")
    return {pk: str(CardState(state).label) for pk, state in pairs}


def stations_with_kits(scope: Scope) -> QuerySet[Station]:
    """The stations of the user's area, by name, with their kits."""
    return stations_visible(scope).order_by("name").prefetch_related("kits")
