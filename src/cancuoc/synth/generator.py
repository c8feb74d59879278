"""A synthetic province: people, households, villages, cards and institutions, deterministic
for a seed, with labelled defects for the data-quality work.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, so the same arguments
give the same province, byte for byte.
"""

import bisect
import itertools
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from cancuoc.geo import dataset
from cancuoc.geo.models import OLD_MAP_PREFIX, InstitutionKind, Reorganisation, UnitKind
from cancuoc.geo.records import NewUnit
from cancuoc.lib.text import place_tone, strip_diacritics
from cancuoc.registry import personal_id
from cancuoc.registry.cards import card_expiry
from cancuoc.registry.choices import CardKind, DatePrecision, Presence, Relation
from cancuoc.registry.dates import age_on, anniversary, years_before
from cancuoc.registry.records import PersonRecord

from . import defects, names

CAMPAIGN_START = date(2021, 3, 1)
HOUSEHOLD_MEAN = 3.5
VILLAGE_PEOPLE = 700
DUPLICATE_SHARE = 0.015
MISSING_SHARE = 0.02
INVALID_ID_SHARE = 0.005
DUPLICATE_KINDS = ("nfd", "tone", "no_diacritics", "day_month_swap", "id_typo", "new_address")
INVALID_ID_KINDS = ("province", "century_sex", "year", "length", "not_digits")
MISSING_FIELDS = ("ethnicity", "native_place", "phone")
DEFECT_PROFILES = ("default", "hard")
UNUSED_PROVINCE_CODES = [
    f"{n:03d}" for n in range(100) if f"{n:03d}" not in personal_id.PROVINCE_CODES
]


@dataclass(frozen=True)
class Defect:
    ref: str
    kind: str  # e.g. "duplicate:nfd", "invalid_id:province", "missing:phone"
    original_ref: str = ""
    detail: str = ""


@dataclass(frozen=True)
class NewInstitution:
    code: str
    name: str
    kind: str
    unit_code: str
    deadline: date | None
    member_refs: tuple[str, ...]


@dataclass
class SynthProvince:
    province_code: str
    province_name: str
    seed: int
    reference: date
    reorganisation: str = Reorganisation.Y2025
    villages: list[NewUnit] = field(default_factory=list)
    records: list[PersonRecord] = field(default_factory=list)
    institutions: list[NewInstitution] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)

    @property
    def tag(self) -> str:
        """ "38" for a province of today's map, "2021-91" for one of the map before 1 July
        2025: in the source, household and institution codes, so that both can be loaded
        into one database (province 91 is Kiên Giang on the old map, An Giang today)."""
        return province_tag(self.province_code, self.reorganisation)

    @property
    def source(self) -> str:
        return f"synth-{self.tag}-{self.seed}"


def synth_map(province: str) -> tuple[str, str]:
    """ "38" is province 38 of today's map, "2021:91" province 91 of the map before 1 July
    2025 (as ``geo.selectors.unit_by_code`` reads them): (reorganisation, two-digit code)."""
    reorganisation = Reorganisation.Y2025
    if province.startswith(OLD_MAP_PREFIX):
        province, reorganisation = province.removeprefix(OLD_MAP_PREFIX), Reorganisation.PRE_2025
    if not province.isdigit():
        raise ValueError(
            f"mã tỉnh {province} không hợp lệ (ví dụ 38 hoặc 2021:91) / "
            f"province {province} is not a code such as 38 or 2021:91"
        )
    return reorganisation, f"{int(province):02d}"


def province_tag(code: str, reorganisation: str) -> str:
    return code if reorganisation == Reorganisation.Y2025 else f"2021-{code}"


def synth_source(province: str, seed: int) -> str:
    """The source name a synthetic province's persons are loaded under ("38", "2021:91")."""
    reorganisation, code = synth_map(province)
    return f"synth-{province_tag(code, reorganisation)}-{seed}"


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]):
    values = [value for value, _ in pairs]
    cumulative = list(itertools.accumulate(weight for _, weight in pairs))
    return lambda: values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


class _Draw:
    """The random choices of one province, all from one generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surname = _weighted(rng, names.SURNAMES)
        self.middle = {sex: _weighted(rng, pairs) for sex, pairs in names.MIDDLE_NAMES.items()}
        self.ethnicity = _weighted(rng, names.ETHNICITIES)
        self.religion = _weighted(rng, names.RELIGIONS)
        self.band = _weighted(rng, [((low, high), share) for low, high, share in names.AGE_BANDS])

    def age(self) -> int:
        low, high = self.band()
        return self.rng.randint(low, high)

    def sex(self, age: int) -> str:
        male_share = 0.52 if age < 15 else 0.5 if age < 60 else 0.42
        return "M" if self.rng.random() < male_share else "F"

    def given(self, sex: str) -> str:
        return self.rng.choice(names.GIVEN_NAMES[sex])

    def phone(self) -> str:
        return "0" + self.rng.choice(names.PHONE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def day_between(self, first: date, last: date) -> date | None:
        if last < first:
            return None
        return first + timedelta(days=self.rng.randint(0, (last - first).days))


@dataclass
class _Person:
    age: int
    sex: str
    household: int = -1
    relation: str = ""


@dataclass(frozen=True)
class _Commune:
    """A commune people are drawn in. Its villages get codes starting with ``code`` and are
    created under today's commune ``unit_code``; ``recorded`` is the commune of the map before
    1 July 2025 that residences record ("" on today's map)."""

    code: str
    name: str
    kind: str
    unit_code: str
    recorded: str
    native: str  # quê quán of those born there


def synth_province(
    *,
    province: str,
    people: int,
    seed: int,
    communes: int | None = None,
    reference: date = CAMPAIGN_START,
    defects: str = "default",
) -> SynthProvince:
    """Build a province of about ``people`` persons (plus injected duplicates), optionally in
    its first ``communes`` communes only. ``province`` is a province of today's map ("38") or
    of the map before 1 July 2025 ("2021:91"): on the old map the communes are taken district
    by district in turn, so that every district has some, villages are created under the new
    commune each old commune became (its default part when it was divided) and residences
    record the old commune. ``defects``: "default", one clean defect a duplicate, or "hard",
    several at once (synth.defects)."""
    if defects not in DEFECT_PROFILES:
        raise ValueError(f"defects: {defects!r} is not one of {', '.join(DEFECT_PROFILES)}")
    reorganisation, code = synth_map(province)
    try:
        if reorganisation == Reorganisation.Y2025:
            found, wards = _current_communes(code)
        else:
            found, wards = _former_communes(code, communes)
    except KeyError:
        raise ValueError(
            f"không có tỉnh mã {province} / no province with code {province}"
        ) from None
    wards = wards[:communes]
    rng = random.Random(seed)
    draw = _Draw(rng)
    result = SynthProvince(code, found.name, seed, reference, reorganisation)
    weights = [rng.lognormvariate(0, 0.5) for _ in wards]
    sizes = _split(people, weights)
    home_code = f"0{code}" if f"0{code}" in personal_id.PROVINCE_CODES else "038"
    used_ids: set[str] = set()
    village_lists: list[list[NewUnit]] = []
    for ward, size in zip(wards, sizes, strict=True):
        village_lists.append(_villages(rng, ward, size))
        result.villages.extend(village_lists[-1])
    households = itertools.count(1)
    refs = itertools.count(1)
    for ward, size, villages in zip(wards, sizes, village_lists, strict=True):
        persons = [_Person(age, draw.sex(age)) for age in (draw.age() for _ in range(size))]
        heads = _form_households(rng, persons)
        codes = {h: f"H{result.tag}{next(households):07d}" for h in heads}
        homes = {h: rng.choice(villages) for h in heads}
        surnames = {h: draw.surname() for h in heads}
        house_numbers = {h: rng.randint(1, 250) for h in heads}
        for person in persons:
            home = person.household
            kin = person.relation in (
                Relation.HEAD,
                Relation.CHILD,
                Relation.GRANDCHILD,
                Relation.SIBLING,
            )
            record = _record(
                draw,
                person,
                ref=f"R{next(refs):08d}",
                reference=reference,
                surname=surnames[home] if kin else draw.surname(),
                home_code=home_code,
                used_ids=used_ids,
                household_code=codes[home],
                village=homes[home],
                address=f"Số {house_numbers[home]}, {homes[home].name}",
                native=ward.native,
            )
            record.permanent_recorded_unit = ward.recorded
            result.records.append(record)
    _migrate(rng, result, village_lists, reference)
    _institutions(rng, result, wards, village_lists, reference)
    recorded_of = {
        village.code: ward.recorded
        for ward, villages in zip(wards, village_lists, strict=True)
        for village in villages
    }
    _inject_defects(rng, result, village_lists, recorded_of, used_ids, profile=defects)
    return result


def _current_communes(code: str) -> tuple[NewUnit, list[_Commune]]:
    found, wards = dataset.province_communes(code)
    return found, [
        _Commune(w.code, w.name, w.kind, w.code, "", f"{w.name}, {found.name}") for w in wards
    ]


def _former_communes(code: str, wanted: int | None) -> tuple[NewUnit, list[_Commune]]:
    """Old province ``code`` and ``wanted`` of its communes (all by default), taken from its
    districts in turn (the first commune of each, then the second…), in the order of codes."""
    units = dataset.former_units()
    province = next((u for u in units if u.parent_code is None and u.code == code), None)
    if province is None:
        raise KeyError(code)
    districts = {u.code: u for u in units if u.parent_code == code}
    by_district = [[u for u in units if u.parent_code == d] for d in districts]
    turns = itertools.chain.from_iterable(itertools.zip_longest(*by_district))
    chosen = list(itertools.islice((u for u in turns if u is not None), wanted))
    chosen.sort(key=lambda u: (u.parent_code, u.code))
    default = {s.old_code: s.new_code for s in dataset.successions() if s.is_default}
    return province, [
        _Commune(
            u.code,
            u.name,
            u.kind,
            default[u.code],
            u.code,
            f"{u.name}, {districts[u.parent_code].name}, {province.name}",
        )
        for u in chosen
    ]


def _split(total: int, weights: list[float]) -> list[int]:
    scale = sum(weights)
    sizes = [int(total * w / scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def _villages(rng: random.Random, ward: _Commune, size: int) -> list[NewUnit]:
    """A commune's villages. On the old map their names carry the old commune's: two old
    communes merged into one new one both had a "Thôn 1"."""
    urban = ward.kind == UnitKind.WARD
    kind = UnitKind.RESIDENTIAL_GROUP if urban else UnitKind.VILLAGE
    label = "Tổ dân phố" if urban else "Thôn"
    suffix = f", {ward.name}" if ward.recorded else ""
    count = max(2, min(40, round(size / VILLAGE_PEOPLE)))
    return [
        NewUnit(
            code=f"{ward.code}{i:03d}",
            name=f"{label} {i}{suffix}",
            kind=kind,
            parent_code=ward.unit_code,
            is_remote=not urban and rng.random() < 0.08,
        )
        for i in range(1, count + 1)
    ]


# The relation a non-head member has, by their age, and the head's age range it needs.
def _relation_wish(rng: random.Random, age: int) -> tuple[str, int, int]:
    roll = rng.random()
    if age < 18:
        return (
            (Relation.CHILD, age + 18, age + 45)
            if roll < 0.9
            else (Relation.GRANDCHILD, age + 40, age + 75)
        )
    if age < 30:
        if roll < 0.6:
            return Relation.CHILD, age + 18, age + 45
        if roll < 0.9:
            return Relation.SPOUSE, age - 8, age + 10
        return Relation.SIBLING, age - 10, age + 10
    if age < 60:
        if roll < 0.7:
            return Relation.SPOUSE, age - 10, age + 10
        if roll < 0.8:
            return Relation.SIBLING, age - 10, age + 10
        return Relation.CHILD, age + 18, age + 45
    if roll < 0.6:
        return Relation.PARENT, age - 45, age - 18
    return Relation.SPOUSE, age - 10, age + 10


def _form_households(rng: random.Random, persons: list[_Person]) -> list[int]:
    """Choose heads and attach everyone else to a head whose age fits the relation; the age
    pyramid stays exactly as drawn. Returns the heads' indexes (household ids)."""
    wanted = max(1, round(len(persons) / HOUSEHOLD_MEAN))
    candidates = [i for i, p in enumerate(persons) if p.age >= 22]
    if not candidates:
        candidates = list(range(len(persons)))
    weights = [
        (3 if persons[i].sex == "M" else 1) * (1 if persons[i].age < 30 else 3) for i in candidates
    ]
    # Weighted sampling without replacement (Efraimidis–Spirakis keys).
    keyed = sorted(
        ((rng.random() ** (1 / w), i) for w, i in zip(weights, candidates, strict=True)),
        reverse=True,
    )
    heads = sorted((i for _, i in keyed[:wanted]), key=lambda i: persons[i].age)
    head_ages = [persons[i].age for i in heads]
    sizes = dict.fromkeys(heads, 1)
    has_spouse: set[int] = set()
    for h in heads:
        persons[h].household, persons[h].relation = h, Relation.HEAD
    for person in persons:
        if person.relation:
            continue
        relation, low, high = _relation_wish(rng, person.age)
        start, stop = bisect.bisect_left(head_ages, low), bisect.bisect_right(head_ages, high)
        chosen = None
        for _ in range(5 if stop > start else 0):
            h = heads[rng.randrange(start, stop)]
            spouse_ok = relation != Relation.SPOUSE or (
                h not in has_spouse and persons[h].sex != person.sex
            )
            if spouse_ok and sizes[h] < 10:
                chosen = h
                break
        if chosen is None:
            relation, chosen = Relation.OTHER, rng.choice(heads)
        if relation == Relation.SPOUSE:
            has_spouse.add(chosen)
        person.household, person.relation = chosen, relation
        sizes[chosen] += 1
    return heads


def _birth(draw: _Draw, age: int, reference: date) -> tuple[date, str]:
    born = years_before(reference, age) - timedelta(days=draw.rng.randrange(365))
    roll = draw.rng.random()
    if (age >= 70 and roll < 0.2) or roll < 0.003:
        return date(born.year, 1, 1), DatePrecision.YEAR
    if age >= 70 and roll < 0.25:
        return date(born.year, born.month, 1), DatePrecision.MONTH
    return born, DatePrecision.DAY


def _new_id(draw: _Draw, used: set[str], province_code: str, year: int, sex: str) -> str:
    while True:
        number = personal_id.generate(
            province_code=province_code,
            birth_year=year,
            sex=sex,
            serial=draw.rng.randrange(1_000_000),
        )
        if number not in used:
            used.add(number)
            return number


_CARD_ERAS = {
    CardKind.CMND_9: (date(1996, 1, 1), date(2015, 12, 31)),
    CardKind.CMND_12: (date(2012, 6, 1), date(2016, 6, 30)),
    CardKind.CCCD_BARCODE: (date(2016, 1, 1), date(2020, 12, 31)),
    CardKind.CCCD_CHIP: (date(2021, 1, 1), date(2099, 1, 1)),
}
_CARD_MIX = [
    (CardKind.CMND_9, 50),
    (CardKind.CMND_12, 7),
    (CardKind.CCCD_BARCODE, 30),
    (CardKind.CCCD_CHIP, 3),
    ("", 10),
]


def _card(draw: _Draw, birth: date, age: int, number: str, reference: date):
    if age < 14 or (age < 16 and draw.rng.random() < 0.6):
        return "", "", None, None
    roll = draw.rng.random() * 100
    kind = ""
    for candidate, share in _CARD_MIX:
        roll -= share
        if roll < 0:
            kind = candidate
            break
    if not kind:
        return "", "", None, None
    first, last = _CARD_ERAS[kind]
    issued = draw.day_between(
        max(first, anniversary(birth, 14)), min(last, reference - timedelta(1))
    )
    if issued is None:
        return "", "", None, None
    card_number = f"{draw.rng.randrange(10**8, 10**9)}" if kind == CardKind.CMND_9 else number
    return kind, card_number, issued, card_expiry(kind, birth_date=birth, issued_on=issued)


def _record(
    draw: _Draw,
    person: _Person,
    *,
    ref: str,
    reference: date,
    surname: str,
    home_code: str,
    used_ids: set[str],
    household_code: str,
    village: NewUnit,
    address: str,
    native: str,
) -> PersonRecord:
    rng = draw.rng
    birth, precision = _birth(draw, person.age, reference)
    born_here = rng.random() < 0.9
    id_province = home_code if born_here else rng.choice(sorted(personal_id.PROVINCE_CODES))
    number = _new_id(draw, used_ids, id_province, birth.year, person.sex)
    kind, card_number, issued, expires = _card(draw, birth, person.age, number, reference)
    presence, since, whereabouts = Presence.ALIVE, None, ""
    roll = rng.random()
    if roll < (0.03 if person.age >= 70 else 0.002):
        presence, since = Presence.DECEASED, draw.day_between(date(2019, 1, 1), reference)
    elif roll < 0.04 and 18 <= person.age <= 45:
        whereabouts = rng.choice(names.WHEREABOUTS)
        presence = Presence.ABROAD if whereabouts in names.ABROAD else Presence.ABSENT
        since = draw.day_between(date(2015, 1, 1), reference)
    elif roll < 0.045:
        presence, since = Presence.MOVED_OUT, draw.day_between(date(2019, 1, 1), reference)
    has_phone = rng.random() < (0.88 if person.age >= 18 else 0.4 if person.age >= 14 else 0)
    return PersonRecord(
        ref=ref,
        personal_id=number,
        full_name=f"{surname} {draw.middle[person.sex]()} {draw.given(person.sex)}",
        birth_date=birth,
        birth_date_precision=precision,
        sex=person.sex,
        ethnicity=draw.ethnicity(),
        religion=draw.religion(),
        birth_registration_place=(native if born_here else personal_id.PROVINCE_CODES[id_province]),
        native_place=native,
        phone=draw.phone() if has_phone else "",
        household_code=household_code,
        relation_to_head=person.relation,
        permanent_unit=village.code,
        permanent_address=address,
        presence=presence,
        presence_since=since,
        whereabouts=whereabouts,
        card_kind=kind,
        card_number=card_number,
        card_issued_on=issued,
        card_expires_on=expires,
    )


def _age(record: PersonRecord, reference: date) -> int:
    return age_on(record.birth_date, reference)


def _migrate(
    rng: random.Random, result: SynthProvince, village_lists: list[list[NewUnit]], reference: date
) -> None:
    """Some working-age people live with a temporary residence in another commune."""
    if len(village_lists) < 2:
        return
    commune_of = {v.code: i for i, villages in enumerate(village_lists) for v in villages}
    for record in result.records:
        if (
            record.presence == Presence.ALIVE
            and 18 <= _age(record, reference) <= 45
            and rng.random() < 0.06
        ):
            home = commune_of[record.permanent_unit]
            other = (home + rng.randint(1, len(village_lists) - 1)) % len(village_lists)
            village = rng.choice(village_lists[other])
            record.temporary_unit = village.code
            record.temporary_address = f"Phòng trọ số {rng.randint(1, 80)}, {village.name}"
            record.temporary_since = reference - timedelta(days=rng.randint(30, 1500))


_INSTITUTION_PLAN = [
    # kind, one per how many communes, name, ages, share of those ages enrolled, deadline
    (InstitutionKind.SCHOOL, 3, "Trường THPT {n}", (15, 17), 0.8, None),
    (InstitutionKind.ENTERPRISE, 8, "Công ty May {n}", (18, 40), 0.25, None),
    (InstitutionKind.AGENCY, 10, "Sở, ngành số {n}", (25, 59), 0.03, date(2021, 4, 30)),
    (InstitutionKind.BARRACKS, 1000, "Doanh trại {n}", (18, 25), 0.05, None),
]


def _institutions(
    rng: random.Random,
    result: SynthProvince,
    wards: list[_Commune],
    village_lists: list[list[NewUnit]],
    reference: date,
) -> None:
    by_commune: dict[int, list[PersonRecord]] = {}
    commune_of = {v.code: i for i, villages in enumerate(village_lists) for v in villages}
    for record in result.records:
        if record.presence in (Presence.ALIVE, Presence.ABSENT, Presence.ABROAD):
            by_commune.setdefault(commune_of[record.permanent_unit], []).append(record)
    for kind, every, title, (low, high), share, deadline in _INSTITUTION_PLAN:
        for n, start in enumerate(range(0, len(wards), every), start=1):
            served = range(start, min(start + every, len(wards)))
            members = tuple(
                record.ref
                for c in served
                for record in by_commune.get(c, [])
                if low <= _age(record, reference) <= high
                and (kind != InstitutionKind.BARRACKS or record.sex == "M")
                and rng.random() < share
            )
            result.institutions.append(
                NewInstitution(
                    code=f"{kind.value.upper()}-{result.tag}-{n:03d}",
                    name=title.format(n=n),
                    kind=kind,
                    unit_code=wards[start].unit_code,
                    deadline=deadline,
                    member_refs=members,
                )
            )


def _old_tone_style(name: str) -> str:
    """The same name with the tone of open oa/oe/uy on the first vowel (Hòa, Thủy)."""
    out = []
    for word in name.split(" "):
        decomposed = unicodedata.normalize("NFD", word)
        tones = [ch for ch in decomposed if ch in "\u0300\u0301\u0303\u0309\u0323"]
        bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        lower = bare.lower()
        cluster = next((c for c in ("oa", "oe", "uy") if lower.endswith(c)), None)
        if tones and cluster and not lower.startswith("qu"):
            i = len(bare) - 2
            word = unicodedata.normalize("NFC", bare[: i + 1] + tones[0] + bare[i + 1 :])
        out.append(word)
    return " ".join(out)


def _other_tone_style(name: str) -> str | None:
    new = " ".join(place_tone(word) for word in name.split(" "))
    other = new if new != name else _old_tone_style(name)
    return other if other != name else None


def _inject_defects(
    rng: random.Random,
    result: SynthProvince,
    village_lists: list[list[NewUnit]],
    recorded_of: dict[str, str],
    used_ids: set[str],
    *,
    profile: str = "default",
) -> None:
    originals = list(result.records)
    all_villages = [v for villages in village_lists for v in villages]
    next_ref = len(originals) + 1
    duplicated: set[str] = set()
    context = defects.Context(all_villages, recorded_of, used_ids, result.reference)
    for n in range(round(len(originals) * DUPLICATE_SHARE)):
        kind = DUPLICATE_KINDS[n % len(DUPLICATE_KINDS)]
        for _ in range(50):  # draw until a record fits the kind (a tone to move, a day ≤ 12…)
            original = rng.choice(originals)
            made = None
            if original.ref in duplicated:
                continue
            if profile == "hard":
                hard = defects.hard_duplicate(rng, original, context)
                if hard is not None:
                    copy, kinds, detail = hard
                    kind, made = "+".join(kinds), (copy, detail)
            else:
                made = _duplicate(rng, original, kind, all_villages, recorded_of, used_ids)
            if made is not None:
                break
        else:
            continue
        duplicate, detail = made
        duplicate.ref = f"R{next_ref:08d}"
        next_ref += 1
        duplicated.add(original.ref)
        result.records.append(duplicate)
        result.defects.append(Defect(duplicate.ref, f"duplicate:{kind}", original.ref, detail))
    candidates = [r for r in originals if r.ref not in duplicated]
    for record in rng.sample(candidates, k=round(len(originals) * MISSING_SHARE)):
        name = rng.choice(MISSING_FIELDS)
        if getattr(record, name):
            setattr(record, name, "")
            result.defects.append(Defect(record.ref, f"missing:{name}"))
    with_id = [r for r in candidates if r.personal_id]
    for n, record in enumerate(rng.sample(with_id, k=round(len(originals) * INVALID_ID_SHARE))):
        kind = INVALID_ID_KINDS[n % len(INVALID_ID_KINDS)]
        wrong = _invalid_id(rng, record, kind)
        if wrong in used_ids:  # a changed year or sex digit may hit someone else's number
            continue
        used_ids.add(wrong)
        record.personal_id = wrong
        result.defects.append(Defect(record.ref, f"invalid_id:{kind}", detail=record.personal_id))


def _duplicate(
    rng: random.Random,
    original: PersonRecord,
    kind: str,
    villages: list[NewUnit],
    recorded_of: dict[str, str],
    used_ids: set[str],
) -> tuple[PersonRecord, str] | None:
    """A second record of the same person, as a commune would type it again."""
    copy = replace(original, personal_id="", household_code="", relation_to_head="")
    if kind == "nfd":
        copy.full_name = unicodedata.normalize("NFD", original.full_name)
        return copy, "NFD"
    if kind == "tone":
        other = _other_tone_style(original.full_name)
        if other is None:
            return None
        copy.full_name = other
        return copy, other
    if kind == "no_diacritics":
        copy.full_name = strip_diacritics(original.full_name)
        return copy, copy.full_name
    if kind == "day_month_swap":
        born = original.birth_date
        if (
            original.birth_date_precision != DatePrecision.DAY
            or born.day > 12
            or born.day == born.month
        ):
            return None
        copy.birth_date = date(born.year, born.day, born.month)
        return copy, f"{copy.birth_date:%d/%m/%Y}"
    if kind == "id_typo":
        if not original.personal_id:
            return None
        position = rng.randrange(6, 12)
        digits = [d for d in "0123456789" if d != original.personal_id[position]]
        typo = (
            original.personal_id[:position]
            + rng.choice(digits)
            + original.personal_id[position + 1 :]
        )
        if typo in used_ids:
            return None
        used_ids.add(typo)
        copy.personal_id = typo
        if original.card_number == original.personal_id:
            copy.card_number = typo
        return copy, typo
    village = rng.choice([v for v in villages if v.code != original.permanent_unit] or villages)
    copy.permanent_unit = village.code
    copy.permanent_recorded_unit = recorded_of[village.code]
    copy.permanent_address = f"Số {rng.randint(1, 250)}, {village.name}"
    copy.temporary_unit, copy.temporary_address, copy.temporary_since = "", "", None
    return copy, village.code


def _invalid_id(rng: random.Random, record: PersonRecord, kind: str) -> str:
    number = record.personal_id
    if kind == "province":
        return rng.choice(UNUSED_PROVINCE_CODES) + number[3:]
    if kind == "century_sex":
        digit = int(number[3])
        return number[:3] + str(digit + 1 if digit % 2 == 0 else digit - 1) + number[4:]
    if kind == "year":
        wrong = (int(number[4:6]) + rng.randint(1, 9)) % 100
        return number[:4] + f"{wrong:02d}" + number[6:]
    if kind == "length":
        return number[:-1]
    return number[:7] + "O" + number[8:]
