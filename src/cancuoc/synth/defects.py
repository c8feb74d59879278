"""The hard profile of duplicates (``cancuoc synth --defects hard``): a person typed again by
another commune, with several defects at once, as real lists carry them.

Modelled on the published generators of corrupted records, FEBRL's ``dsgen`` and GeCo
(Christen & Vatsalan): a record gets a drawn number of modifications, each on a field drawn
by weight, each of a kind drawn by weight among those that fit the field; character edits
(insert, delete, substitute, transpose) draw their letters from keyboard neighbours and OCR
confusions, and a field may be missing. Written for Vietnamese records: marks lost on a word
or the whole name, old/new tone placement, hỏi/ngã confused, Telex and VNI remnants
("Nguyeenx", "Nguye6n4"), the regional sound confusions (d/gi/v/r, l/n, s/x, tr/ch, n/ng,
c/t), given and family name swapped, the middle name dropped or changed; dates known to the
year or month only, day and month swapped, a digit of the date wrong; one or two digits of a
phone or ID number wrong or swapped, a phone's leading 0 dropped; moved to another village;
the native place (quê quán) written with or without "xã/huyện/tỉnh", without marks, or by
the names of the map before 1 July 2025.

Every choice is drawn from the province's one generator, so a seed gives the same
duplicates. The ground truth is written as for the default profile: one ``Defect`` per
duplicate, its kind "duplicate:" and the defects joined by "+" ("duplicate:name_keyboard+
year_only+phone_typo")."""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from cancuoc.geo import dataset
from cancuoc.geo.records import NewUnit
from cancuoc.lib.text import TONES, place_tone, strip_diacritics
from cancuoc.registry.choices import DatePrecision
from cancuoc.registry.records import PersonRecord

from . import names

# How many defects a duplicate carries, with weights: FEBRL's "maximum modifications per
# record" drawn, at least two (the default profile has one clean defect each).
DEFECTS_PER_DUPLICATE = ((2, 0.45), (3, 0.35), (4, 0.20))
# The fields defects fall on, with weights and how many defects one field may take: a name
# often carries two (marks lost and a typo); the other fields one.
FIELDS = {
    "name": (0.34, 2),
    "birth": (0.2, 1),
    "phone": (0.12, 1),
    "personal_id": (0.06, 1),
    "place": (0.1, 1),
    "native_place": (0.12, 1),
    "ethnicity": (0.06, 1),
}
# The kinds of each field, with weights.
KINDS: dict[str, tuple[tuple[str, float], ...]] = {
    "name": (
        ("name_keyboard", 0.22),
        ("name_ocr", 0.14),
        ("name_phonetic", 0.14),
        ("name_marks", 0.22),
        ("name_telex", 0.08),
        ("name_order", 0.08),
        ("middle_name", 0.12),
    ),
    "birth": (
        ("year_only", 0.25),
        ("month_only", 0.15),
        ("day_month_swap", 0.2),
        ("date_typo", 0.4),
    ),
    "phone": (("phone_typo", 0.6), ("phone_changed", 0.15), ("missing_phone", 0.25)),
    "personal_id": (("id_typo", 1.0),),
    "place": (("moved", 1.0),),
    "native_place": (("native_place_written", 0.75), ("missing_native_place", 0.25)),
    "ethnicity": (("missing_ethnicity", 1.0),),
}
ALL_KINDS = tuple(kind for kinds in KINDS.values() for kind, _weight in kinds)

# QWERTY neighbours (the layout Telex and VNI are typed on).
_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _key in enumerate(_row):
        _near = [_row[i] for i in (_c - 1, _c + 1) if 0 <= i < len(_row)]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_ROWS):
                _near += [_ROWS[_other][i] for i in (_c - 1, _c) if 0 <= i < len(_ROWS[_other])]
        _NEIGHBOURS[_key] = "".join(_near)
# Letters a scanned or handwritten list is misread as: the marks of a vowel (the commonest),
# and the Latin shapes OCR confuses.
_OCR_LETTERS = {
    "a": "ăâ",
    "ă": "aâ",
    "â": "aă",
    "o": "ôơ",
    "ô": "oơ",
    "ơ": "oô",
    "u": "ư",
    "ư": "u",
    "e": "ê",
    "ê": "e",
    "đ": "d",
    "d": "đ",
    "m": ["rn"],
    "h": "bn",
    "n": "h",
    "l": "i",
    "i": "l",
    "c": "e",
    "g": "q",
}
# Tones read or typed as another: hỏi/ngã above all, sắc/huyền, nặng lost.
_TONE_CONFUSED = {
    "\u0309": "\u0303",
    "\u0303": "\u0309",
    "\u0301": "\u0300",
    "\u0300": "\u0301",
    "\u0323": "",
}
# Sound confusions of the regional accents (start of a word, end of a word).
_INITIALS = (("gi", "d"), ("d", "gi"), ("v", "d"), ("r", "g"), ("l", "n"), ("n", "l"))
_INITIALS += (("s", "x"), ("x", "s"), ("tr", "ch"), ("ch", "tr"))
_FINALS = (("ng", "n"), ("n", "ng"), ("c", "t"), ("t", "c"), ("y", "i"), ("i", "y"))
# Telex and VNI: the keystrokes of a mark, left in the text when the input method was off.
_TELEX_LETTERS = {"â": "aa", "ă": "aw", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"}
_TELEX_TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_VNI_LETTERS = {"â": "a6", "ê": "e6", "ô": "o6", "ơ": "o7", "ư": "u7", "ă": "a8", "đ": "d9"}
_VNI_TONES = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_UNIT_KINDS = ("Xã", "Phường", "Thị trấn", "Đặc khu")


@dataclass(frozen=True)
class Context:
    """What a defect may draw from besides the record: the province's villages, the old
    commune each village records, the ID numbers in use."""

    villages: list[NewUnit]
    recorded_of: dict[str, str]
    used_ids: set[str]
    reference: date  # no date of birth after it


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...] | list) -> str:
    values = [value for value, _ in pairs]
    return rng.choices(values, weights=[weight for _, weight in pairs])[0]


def hard_duplicate(
    rng: random.Random, original: PersonRecord, context: Context
) -> tuple[PersonRecord, list[str], str] | None:
    """A second record of ``original`` with 2–4 defects: (the record, the kinds applied,
    a detail for the ground truth), or None when too few defects fit the record. Like the
    default profile's duplicates it comes without ID number (unless an ``id_typo``) and
    without household."""
    copy = replace(original, personal_id="", household_code="", relation_to_head="")
    wanted = int(_weighted(rng, [(str(n), w) for n, w in DEFECTS_PER_DUPLICATE]))
    room = {name: limit for name, (_weight, limit) in FIELDS.items()}
    applied: list[str] = []
    details: list[str] = []
    for _attempt in range(wanted * 6):
        if len(applied) == wanted:
            break
        open_fields = [(name, FIELDS[name][0]) for name, left in room.items() if left]
        if not open_fields:
            break
        field = _weighted(rng, open_fields)
        choices = [(kind, w) for kind, w in KINDS[field] if kind not in applied]
        if not choices:
            room[field] = 0
            continue
        kind = _weighted(rng, choices)
        detail = _APPLY[kind](rng, copy, original, context)
        if detail is None:
            continue
        applied.append(kind)
        details.append(detail)
        room[field] -= 1
    if len(applied) < 2:
        return None
    return copy, applied, "; ".join(details)


# --- names -------------------------------------------------------------------------------


def _word_at(rng: random.Random, name: str) -> tuple[list[str], int]:
    words = name.split(" ")
    return words, rng.randrange(len(words))


def _letter_edit(rng: random.Random, word: str, pick: Callable[[str], str | None]) -> str:
    """One character edit of ``word`` (NFC): substitute (a letter ``pick`` gives), insert,
    delete or transpose, at a position drawn away from the first letter more often, as
    FEBRL's position distribution."""
    if len(word) < 2:
        return word
    i = rng.randrange(1, len(word)) if rng.random() < 0.8 else 0
    operation = rng.random()
    if operation < 0.45:
        replacement = pick(word[i])
        if replacement is None:
            return word
        return word[:i] + replacement + word[i + 1 :]
    if operation < 0.65:
        extra = pick(word[i]) or word[i]
        return word[:i] + extra + word[i:]
    if operation < 0.82 and len(word) > 2:
        return word[:i] + word[i + 1 :]
    j = min(i, len(word) - 2)
    return word[:j] + word[j + 1] + word[j] + word[j + 2 :]


def _with_case(letter: str, like: str) -> str:
    return letter.upper() if like.isupper() else letter


def _keyboard_letter(rng: random.Random) -> Callable[[str], str | None]:
    def pick(letter: str) -> str | None:
        base = strip_diacritics(letter).lower()
        near = _NEIGHBOURS.get(base)
        return _with_case(rng.choice(near), letter) if near else None

    return pick


def _name_keyboard(rng, copy, original, context) -> str | None:
    words, i = _word_at(rng, copy.full_name)
    edited = _letter_edit(rng, words[i], _keyboard_letter(rng))
    if edited == words[i]:
        return None
    words[i] = edited
    copy.full_name = " ".join(words)
    return copy.full_name


def _ocr_letter(rng: random.Random) -> Callable[[str], str | None]:
    def pick(letter: str) -> str | None:
        decomposed = unicodedata.normalize("NFD", letter)
        tone = "".join(ch for ch in decomposed if ch in TONES)
        bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES))
        if tone and rng.random() < 0.5:
            return unicodedata.normalize("NFC", bare + _TONE_CONFUSED[tone])
        options = _OCR_LETTERS.get(bare.lower())
        if not options:
            return None
        chosen = rng.choice(list(options))
        return unicodedata.normalize("NFC", _with_case(chosen, letter) + tone)

    return pick


def _ocr_fits(letter: str) -> bool:
    decomposed = unicodedata.normalize("NFD", letter)
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES))
    return bare.lower() in _OCR_LETTERS or any(ch in TONES for ch in decomposed)


def _name_ocr(rng, copy, original, context) -> str | None:
    words, i = _word_at(rng, copy.full_name)
    word = words[i]
    positions = [k for k, ch in enumerate(word) if _ocr_fits(ch)]
    if not positions:
        return None
    k = rng.choice(positions)
    replacement = _ocr_letter(rng)(word[k])
    if replacement is None or replacement == word[k]:
        return None
    words[i] = word[:k] + replacement + word[k + 1 :]
    copy.full_name = " ".join(words)
    return copy.full_name


def _name_phonetic(rng, copy, original, context) -> str | None:
    words = copy.full_name.split(" ")
    options = []
    for i, word in enumerate(words):
        lower = word.lower()
        options += [(i, "start", a, b) for a, b in _INITIALS if lower.startswith(a)]
        options += [(i, "end", a, b) for a, b in _FINALS if lower.endswith(a) and len(lower) > 2]
    if not options:
        return None
    i, where, old, new = rng.choice(options)
    word = words[i]
    if where == "start":
        words[i] = _with_case(new[0], word[0]) + new[1:] + word[len(old) :]
    else:
        words[i] = word[: len(word) - len(old)] + new
    copy.full_name = unicodedata.normalize("NFC", " ".join(words))
    return copy.full_name


def _old_tone_style(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in TONES]
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
    lower = bare.lower()
    cluster = next((c for c in ("oa", "oe", "uy") if lower.endswith(c)), None)
    if tones and cluster and not lower.startswith("qu"):
        i = len(bare) - 2
        return unicodedata.normalize("NFC", bare[: i + 1] + tones[0] + bare[i + 1 :])
    return word


def _name_marks(rng, copy, original, context) -> str | None:
    name = copy.full_name
    roll = rng.random()
    words, i = _word_at(rng, name)
    if roll < 0.35:
        words[i] = strip_diacritics(words[i])  # marks lost on one word
        changed = " ".join(words)
    elif roll < 0.6:
        changed = strip_diacritics(name)  # typed without marks at all
    elif roll < 0.8:
        styled = [_old_tone_style(w) for w in words]
        if styled == words:
            styled = [place_tone(w) for w in words]
        changed = " ".join(styled)
    else:
        decomposed = unicodedata.normalize("NFD", words[i])
        tone = next((ch for ch in decomposed if ch in TONES), "")
        if not tone:
            return None
        words[i] = unicodedata.normalize("NFC", decomposed.replace(tone, _TONE_CONFUSED[tone]))
        changed = " ".join(words)
    if changed == name:
        return None
    copy.full_name = changed
    return changed


def _telex(word: str, vni: bool) -> str:
    letters, tones = (_VNI_LETTERS, _VNI_TONES) if vni else (_TELEX_LETTERS, _TELEX_TONES)
    decomposed = unicodedata.normalize("NFD", word)
    tone = next((ch for ch in decomposed if ch in TONES), "")
    bare = unicodedata.normalize("NFC", decomposed.replace(tone, "") if tone else decomposed)
    typed = "".join(
        _with_case(letters[ch.lower()], ch) if ch.lower() in letters else ch for ch in bare
    )
    return typed + tones.get(tone, "")


def _name_telex(rng, copy, original, context) -> str | None:
    words = copy.full_name.split(" ")
    marked = [i for i, w in enumerate(words) if strip_diacritics(w) != w]
    if not marked:
        return None
    i = rng.choice(marked)
    words[i] = _telex(words[i], vni=rng.random() < 0.3)
    copy.full_name = " ".join(words)
    return copy.full_name


def _name_order(rng, copy, original, context) -> str | None:
    words = copy.full_name.split(" ")
    if len(words) < 2:
        return None
    copy.full_name = " ".join([words[-1], *words[:-1]])  # given name first, as abroad
    return copy.full_name


def _middle_name(rng, copy, original, context) -> str | None:
    words = copy.full_name.split(" ")
    if len(words) < 3 or rng.random() < 0.5:
        if len(words) < 3:
            return None
        words = [words[0], *words[2:]]  # dropped
    else:
        middles = [m for m, _weight in names.MIDDLE_NAMES[copy.sex] if m != words[1]]
        words[1] = rng.choice(middles)
    copy.full_name = " ".join(words)
    return copy.full_name


# --- dates -------------------------------------------------------------------------------


def _year_only(rng, copy, original, context) -> str | None:
    if copy.birth_date_precision == DatePrecision.YEAR:
        return None
    copy.birth_date = date(copy.birth_date.year, 1, 1)
    copy.birth_date_precision = DatePrecision.YEAR
    return str(copy.birth_date.year)


def _month_only(rng, copy, original, context) -> str | None:
    if copy.birth_date_precision != DatePrecision.DAY:
        return None
    copy.birth_date = copy.birth_date.replace(day=1)
    copy.birth_date_precision = DatePrecision.MONTH
    return f"{copy.birth_date:%m/%Y}"


def _day_month_swap(rng, copy, original, context) -> str | None:
    born = copy.birth_date
    if copy.birth_date_precision != DatePrecision.DAY or born.day > 12 or born.day == born.month:
        return None
    copy.birth_date = date(born.year, born.day, born.month)
    return f"{copy.birth_date:%d/%m/%Y}"


def _date_typo(rng, copy, original, context) -> str | None:
    """One digit of dd/mm/yyyy typed wrong (a neighbouring key or a slip of ±1), or two
    digits of the day swapped; the result must still be a date and not in the future."""
    if copy.birth_date_precision != DatePrecision.DAY:
        return None
    text = f"{copy.birth_date:%d%m%Y}"
    for _attempt in range(10):
        if rng.random() < 0.2 and text[0] != text[1]:
            typed = text[1] + text[0] + text[2:]
        else:
            i = rng.choice([0, 1, 2, 3, 6, 7] if rng.random() < 0.9 else [4, 5])
            digit = int(text[i])
            new = (digit + rng.choice((-1, 1))) % 10 if rng.random() < 0.6 else rng.randrange(10)
            typed = text[:i] + str(new) + text[i + 1 :]
        try:
            born = date(int(typed[4:]), int(typed[2:4]), int(typed[:2]))
        except ValueError:
            continue
        if born != copy.birth_date and born.year > 1900 and born < context.reference:
            copy.birth_date = born
            return f"{born:%d/%m/%Y}"
    return None


# --- numbers -----------------------------------------------------------------------------


def _digits_typo(rng: random.Random, number: str, start: int = 0) -> str:
    """One or two digits wrong, or two neighbouring digits swapped, from position
    ``start`` on."""
    digits = list(number)
    roll = rng.random()
    if roll < 0.3 and len(digits) - start >= 2:
        i = rng.randrange(start, len(digits) - 1)
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
    else:
        for i in rng.sample(range(start, len(digits)), k=1 if roll < 0.8 else 2):
            digits[i] = rng.choice([d for d in "0123456789" if d != digits[i]])
    return "".join(digits)


def _phone_typo(rng, copy, original, context) -> str | None:
    if not original.phone:
        return None
    roll = rng.random()
    if roll < 0.2:
        typed = original.phone[1:]  # the leading 0 dropped (a spreadsheet read it as a number)
    elif roll < 0.3:
        typed = "+84 " + original.phone[1:]
    else:
        typed = _digits_typo(rng, original.phone, start=1)
    if typed == original.phone:
        return None
    copy.phone = typed
    return typed


def _phone_changed(rng, copy, original, context) -> str | None:
    if not original.phone:
        return None
    copy.phone = "0" + rng.choice(names.PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    return copy.phone


def _missing(field: str) -> Callable[..., str | None]:
    def apply(rng, copy, original, context) -> str | None:
        if not getattr(copy, field):
            return None
        setattr(copy, field, "")
        return f"{field}=''"

    return apply


def _id_typo(rng, copy, original, context) -> str | None:
    """One or two digits of the serial (the last six) wrong, or two swapped: still a valid
    number for the person, so the register keeps it (a number that fails validation is
    kept aside, never matched on), and not anyone else's."""
    if not original.personal_id:
        return None
    for _attempt in range(5):
        typed = _digits_typo(rng, original.personal_id, start=6)
        if typed != original.personal_id and typed not in context.used_ids:
            context.used_ids.add(typed)
            copy.personal_id = typed
            if original.card_number == original.personal_id:
                copy.card_number = typed
            return typed
    return None


# --- places ------------------------------------------------------------------------------


def _moved(rng, copy, original, context) -> str | None:
    others = [v for v in context.villages if v.code != original.permanent_unit]
    if not others:
        return None
    village = rng.choice(others)
    copy.permanent_unit = village.code
    copy.permanent_recorded_unit = context.recorded_of[village.code]
    copy.permanent_address = f"Số {rng.randint(1, 250)}, {village.name}"
    copy.temporary_unit, copy.temporary_address, copy.temporary_since = "", "", None
    return village.code


@cache
def _former_names() -> dict[str, list[str]]:
    """Today's commune name, plain ("xa quang hai"), -> the full names of the old communes it
    was formed from ("Xã Quảng Hải, Huyện Quảng Xương, Tỉnh Thanh Hóa")."""
    old = {unit.code: unit for unit in dataset.former_units()}
    new = {unit.code: unit for unit in dataset.current_units()}
    found: dict[str, list[str]] = {}
    for succession in dataset.successions():
        commune, today = old.get(succession.old_code), new.get(succession.new_code)
        if commune is None or today is None or commune.parent_code not in old:
            continue
        district = old[commune.parent_code]
        province = old.get(district.parent_code or "")
        if province is None:
            continue
        written = f"{commune.name}, {district.name}, {province.name}"
        found.setdefault(_plain(today.name), []).append(written)
    return found


def _plain(text: str) -> str:
    return " ".join(strip_diacritics(text).lower().split())


def _native_place_written(rng, copy, original, context) -> str | None:
    """The same native place written otherwise: by the old map's names, with or without
    the kind of unit and "tỉnh", without marks, in capitals, with the old tone style."""
    native = original.native_place
    if not native:
        return None
    parts = [part.strip() for part in native.split(",")]
    commune = parts[0]
    roll = rng.random()
    if roll < 0.35:
        former = _former_names().get(_plain(commune))
        if not former:
            return None
        written = rng.choice(former)
    elif roll < 0.6:
        bare = commune
        for kind in _UNIT_KINDS:
            if commune.startswith(kind + " "):
                bare = commune[len(kind) + 1 :]
        written = ", ".join([bare, *(f"tỉnh {p}" for p in parts[1:])])
    elif roll < 0.75:
        written = strip_diacritics(native)
    elif roll < 0.9:
        written = " - ".join(" ".join(_old_tone_style(w) for w in p.split(" ")) for p in parts)
    else:
        written = native.upper()
    if written == native:
        return None
    copy.native_place = written
    return written


_APPLY: dict[str, Callable[..., str | None]] = {
    "name_keyboard": _name_keyboard,
    "name_ocr": _name_ocr,
    "name_phonetic": _name_phonetic,
    "name_marks": _name_marks,
    "name_telex": _name_telex,
    "name_order": _name_order,
    "middle_name": _middle_name,
    "year_only": _year_only,
    "month_only": _month_only,
    "day_month_swap": _day_month_swap,
    "date_typo": _date_typo,
    "phone_typo": _phone_typo,
    "phone_changed": _phone_changed,
    "missing_phone": _missing("phone"),
    "id_typo": _id_typo,
    "moved": _moved,
    "native_place_written": _native_place_written,
    "missing_native_place": _missing("native_place"),
    "missing_ethnicity": _missing("ethnicity"),
}
assert set(_APPLY) == set(ALL_KINDS)
