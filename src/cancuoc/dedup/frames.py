"""The register's persons as one column frame for the matcher: read in one pass, compared in
DuckDB (DESIGN: "Arrow/DuckDB for analytics"), never person by person through the ORM.

Besides the fields as stored, the frame carries what the comparisons need and SQL cannot
derive cheaply: how much of the date of birth is known, the phone in one form, the native
place reduced to its commune and province by today's names, and a phonetic key of the name.
Each is computed once per distinct value (names and places repeat a lot in a province)."""

import re
from datetime import date
from functools import cache, lru_cache

import pyarrow as pa

from cancuoc.geo import dataset
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.text import normalise_name, strip_diacritics
from cancuoc.registry.choices import Presence
from cancuoc.registry.models import Home, Person

FIELDS = [
    "pk",
    "name_key",
    "personal_id",
    "birth_date",
    "birth_date_precision",
    "sex",
    "phone",
    "native_place",
    "ethnicity",
    "household_id",
]
COLUMNS = [
    "unique_id",
    "name_key",
    "name_sound",
    "personal_id",
    "birth_date",
    "birth_precision",
    "sex",
    "phone",
    "native_place",
    "native_commune",
    "native_province",
    "ethnicity",
    "household",
    "village",
    "commune",
]
CHUNK = 20_000


@lru_cache(maxsize=65536)
def _place_key(text: str) -> str | None:
    return normalise_name(text) or None


# Kind words before a unit's name, without marks; longest first ("thi xa" before "thi").
_KINDS = sorted(
    [
        "xa",
        "phuong",
        "thi tran",
        "dac khu",
        "huyen",
        "quan",
        "thi xa",
        "thanh pho",
        "tinh",
        "tp",
        "tx",
        "tt",
        "x",
        "p",
        "h",
        "q",
        "t",
    ],
    key=len,
    reverse=True,
)
_KIND_AT_START = re.compile(r"^(?:" + "|".join(re.escape(k) for k in _KINDS) + r")(?:\.\s*|\s+)")
_PARTS = re.compile(r"\s*(?:[,;]|\s-\s|\s–\s)\s*")
_LEADING_ZEROS = re.compile(r"\b0+(\d)")


def unit_core(text: str) -> str:
    """A unit's name as compared: no marks, lower case, without its kind, numbers without
    leading zeros: "Xã Quảng Hải" -> "quang hai", "P. 01" -> "1"."""
    plain = " ".join(strip_diacritics(text).lower().replace(".", ". ").split())
    while (bare := _KIND_AT_START.sub("", plain, count=1)) != plain and bare:
        plain = bare
    return _LEADING_ZEROS.sub(r"\1", re.sub(r"[^a-z0-9 ]+", " ", plain)).strip()


@cache
def _today_of_former() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """The map before 1 July 2025 in today's names: (old commune, old district) -> today's
    commune each became (its default part when divided), and old province -> today's
    province most of it went to; all as :func:`unit_core` writes them."""
    old = {unit.code: unit for unit in dataset.former_units()}
    new = {unit.code: unit for unit in dataset.current_units()}
    communes: dict[tuple[str, str], str] = {}
    provinces: dict[str, dict[str, int]] = {}
    for succession in dataset.successions():
        commune, today = old.get(succession.old_code), new.get(succession.new_code)
        if commune is None or today is None or not succession.is_default:
            continue
        district = old.get(commune.parent_code or "")
        if district is None:
            continue
        communes[(unit_core(commune.name), unit_core(district.name))] = unit_core(today.name)
        old_province = old.get(district.parent_code or "")
        new_province = new.get(today.parent_code or "")
        if old_province is not None and new_province is not None:
            counts = provinces.setdefault(unit_core(old_province.name), {})
            name = unit_core(new_province.name)
            counts[name] = counts.get(name, 0) + 1
    return communes, {old: max(counts, key=counts.get) for old, counts in provinces.items()}


@lru_cache(maxsize=65536)
def native_place_parts(text: str) -> tuple[str | None, str | None]:
    """(commune, province) of a native place as typed, by today's names when it names the
    units of the map before 1 July 2025 (commune, district, province): "Xã Quảng Hải,
    huyện Quảng Xương, tỉnh Thanh Hóa" and "Quang Hai - Thanh Hoa" give the same. A text of
    one part is taken as a commune (a province alone is rarely written as quê quán)."""
    parts = [core for part in _PARTS.split(text) if (core := unit_core(part))]
    if not parts:
        return None, None
    if len(parts) == 1:
        return parts[0], None
    communes, provinces = _today_of_former()
    province = provinces.get(parts[-1], parts[-1])
    if len(parts) >= 3:
        return communes.get((parts[0], parts[1]), parts[0]), province
    return parts[0], province


# A phonetic key of a Vietnamese name for blocking and comparing: the regional sound
# confusions folded (d/gi/v/r, l/n, s/x, tr/ch, final ng/n and c/t, y/i), and the keystrokes of
# Telex and VNI left in the text by an input method switched off ("Nguyeenx", "Nguye6n4").
_TELEX = [("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"), ("dd", "d")]
_INITIALS = [("gi", "d"), ("v", "d"), ("r", "d"), ("l", "n"), ("s", "x"), ("tr", "ch")]
_FINALS = [("ng", "n"), ("c", "t"), ("y", "i")]
_TONE_KEYS = "sfrxj"  # a syllable never ends in these: Telex's tone keys


@lru_cache(maxsize=131072)
def _word_sound(word: str) -> str:
    plain = re.sub(r"[^a-z]", "", strip_diacritics(word).lower())  # VNI digits go too
    if len(plain) > 1 and plain[-1] in _TONE_KEYS:
        plain = plain[:-1]
    for typed, letter in _TELEX:
        plain = plain.replace(typed, letter)
    plain = plain.replace("w", "u")
    for old, new in _INITIALS:
        if plain.startswith(old):
            plain = new + plain[len(old) :]
            break
    for old, new in _FINALS:
        if plain.endswith(old) and len(plain) > len(old):
            plain = plain[: -len(old)] + new
            break
    return plain


@lru_cache(maxsize=131072)
def name_sound(name_key: str) -> str:
    """ "NGUYỄN VĂN CƯỜNG", "Nguyeenx Văn Cuong", "NGUYEN DAN CUONG" -> "nguien dan cuon"."""
    return " ".join(sound for word in name_key.split(" ") if (sound := _word_sound(word)))


def phone_key(phone: str) -> str | None:
    """A mobile number in one form, ten digits from 0: "+84 912…", "84912…" and "912…"
    (the 0 dropped by a spreadsheet) are "0912…"."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits
    return digits or None


def persons_frame(*, unit: AdministrativeUnit | None = None, on: date) -> pa.Table:
    """Every record not already merged into another (in ``unit``'s subtree where one is
    given, counted where they live on ``on``), one row each: the fields the model compares,
    empty text as null (so that two blanks are no evidence), and the village and commune of
    the home in force on ``on``."""
    people = Person.objects.exclude(presence=Presence.MERGED)
    homes = Home.objects.active_on(on)
    if unit is not None:
        people = people.living_in(unit, on=on)
        homes = homes.filter(unit__in=AdministrativeUnit.objects.subtree(unit).values("pk"))
    place_of = dict(homes.values_list("person_id", "unit_id").iterator(chunk_size=CHUNK))
    units = dict(AdministrativeUnit.objects.values_list("pk", "code"))
    parents = dict(AdministrativeUnit.objects.values_list("pk", "parent_id"))
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    for row in people.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        pk, name_key, number, born, precision, sex, phone, native, ethnicity, household = row
        home = place_of.get(pk)
        native_commune, native_province = native_place_parts(native) if native else (None, None)
        columns["unique_id"].append(pk)
        columns["name_key"].append(name_key or None)
        columns["name_sound"].append(name_sound(name_key) or None if name_key else None)
        columns["personal_id"].append(number or None)
        columns["birth_date"].append(born.isoformat())
        columns["birth_precision"].append(precision or None)
        columns["sex"].append(sex or None)
        columns["phone"].append(phone_key(phone) if phone else None)
        columns["native_place"].append(_place_key(native) if native else None)
        columns["native_commune"].append(native_commune)
        columns["native_province"].append(native_province)
        columns["ethnicity"].append(ethnicity or None)
        columns["household"].append(str(household) if household else None)
        columns["village"].append(units.get(home))
        columns["commune"].append(units.get(parents.get(home)))
    texts = [(name, pa.string()) for name in COLUMNS if name != "unique_id"]
    schema = pa.schema([("unique_id", pa.int64()), *texts])
    return pa.table(columns, schema=schema)
