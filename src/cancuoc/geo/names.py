"""Administrative units found by the names people type: "UBND xã Quảng Hải", "Thôn 3, xã
Quảng Hải, huyện Quảng Xương, Thanh Hóa", "CONG AN XA QUANG HAI", on either map (before and
since 1 July 2025).

A text is cut into *mentions*: a kind word ("xã", "phường", "thị trấn", "huyện", "quận",
"thị xã", "thành phố", "TP.", "tỉnh", …) and the words after it. The kind word says the level
(province, district, commune), not the name: "Xã Quảng Hải" and "Quảng Hải" are one name. A
mention is matched against the units of its level, inside the units the same text names above
it (a province narrows its districts, a district its communes), without diacritics, and with
them too when typed, to choose between "Quảng Hải" and "Quang Hải". When nothing or several
units match, the nearest names are offered (name, code, map).

The names are held in memory (:class:`UnitNames`, one query, about 14,000 units without
villages): an import matches thousands of addresses, and its rows are parsed in a process
that does not use the database.

Nearest names by the standard library's :mod:`difflib` rather than rapidfuzz: it is asked
only when a name matched nothing (once per distinct name, a few times a file), over at most
the ~10,000 communes of one level, a few milliseconds, so a compiled dependency buys nothing.
"""

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from cancuoc.lib.text import nfc, normalise_name, strip_diacritics

from .models import COMMUNE_KINDS, PROVINCE_KINDS, AdministrativeUnit, Reorganisation, UnitKind

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"
LEVELS = (PROVINCE, DISTRICT, COMMUNE)
NEAREST_SHOWN = 5
LONGEST_NAME_WORDS = 5  # "Phường Nguyễn Thái Bình" has 4 after its kind

# Kind words as typed (without diacritics, lower case) -> the levels they name; longest first
# so that "thi xa" is not read as "thi" + "xa".
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "thanh pho": (PROVINCE, DISTRICT),
    "thi tran": (COMMUNE,),
    "thi xa": (DISTRICT,),
    "dac khu": (COMMUNE,),
    "tp": (PROVINCE, DISTRICT),
    "tx": (DISTRICT,),
    "tt": (COMMUNE,),
    "tinh": (PROVINCE,),
    "huyen": (DISTRICT,),
    "quan": (DISTRICT,),
    "xa": (COMMUNE,),
    "phuong": (COMMUNE,),
}
_ABBREVIATED = {"tp": "thanh pho", "tx": "thi xa", "tt": "thi tran"}
# Words before the unit in a title row: the body that writes the list.
_BODIES = re.compile(
    r"^(?:(?:uy ban nhan dan|ubnd|cong an|ca|ban chi dao|bcd|dang uy|hdnd|tm\.?)\s+)+"
)
# Parts of an address below the commune: not on the map by name.
_BELOW_COMMUNE = re.compile(
    r"^(?:thon|xom|ban|lang|ap|to|to dan pho|khu pho|kp|khoi|khu|so nha|so|doi|cum|sn)\b"
)
_KIND_AT = re.compile(
    r"(?<![a-z0-9])("
    + "|".join(re.escape(k) for k in sorted(_KIND_WORDS, key=len, reverse=True))
    + r")(?:\.\s*|\s+)(?=[a-z0-9])"
)
# "Cộng hòa xã hội chủ nghĩa Việt Nam" says "xã" but names no commune.
_NOT_A_KIND = re.compile(r"xa hoi chu nghia")
_PARTS = re.compile(r"\s*(?:[,;\n]|\s-\s|\s–\s)\s*")
_NUMBER = re.compile(r"\b0+(\d)")


def plain(text: str) -> str:
    """Lower case, no diacritics, words of letters and digits: "Q. Ba Đình" -> "q. ba dinh"."""
    return " ".join(strip_diacritics(text).lower().split())


def _core(words: str) -> str:
    """A name as compared: numbers without leading zeros ("Phường 01" is "Phường 1")."""
    return _NUMBER.sub(r"\1", re.sub(r"[^a-z0-9 ]+", " ", words)).strip()


def _toned(text: str) -> str:
    """With diacritics, one tone style, lower case: "Quảng Hải" and "Quãng Hải" differ."""
    return normalise_name(text).lower()


def _level(kind: str) -> str | None:
    if kind in PROVINCE_KINDS:
        return PROVINCE
    if kind == UnitKind.DISTRICT:
        return DISTRICT
    if kind in COMMUNE_KINDS:
        return COMMUNE
    return None


def _without_kind(name_plain: str) -> str:
    """ "xa quang hai" -> "quang hai": a unit's name without the kind it starts with."""
    for word in sorted(_KIND_WORDS, key=len, reverse=True):
        if name_plain.startswith(word + " "):
            return name_plain[len(word) + 1 :]
    return name_plain


@dataclass(frozen=True, slots=True)
class UnitName:
    """A unit as names are matched against it."""

    id: int
    code: str
    name: str
    kind: str
    level: str
    reorganisation: str
    parent_id: int | None
    core: str  # plain, without its kind: "quang hai"
    toned: str  # with diacritics, without its kind: "quảng hải"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A unit offered when a name matched nothing or several: name, its parents, code, map."""

    name: str
    parents: str
    code: str
    reorganisation: str

    def __str__(self) -> str:
        where = f", {self.parents}" if self.parents else ""
        year = "2021" if self.reorganisation == Reorganisation.PRE_2025 else "2025"
        return f"{self.name}{where} ({self.code}, bản đồ {year})"

    @property
    def english(self) -> str:
        where = f", {self.parents}" if self.parents else ""
        year = "2021" if self.reorganisation == Reorganisation.PRE_2025 else "2025"
        return f"{self.name}{where} ({self.code}, {year} map)"


@dataclass(frozen=True, slots=True)
class Mention:
    """A unit named in a text: the levels its kind word allows and the words after it."""

    levels: tuple[str, ...]
    words: tuple[str, ...]  # as typed, lower case, with diacritics
    typed: str  # the part of the text, as typed, for messages
    kind: str = ""  # the kind word in full, plain ("thi tran"): preferred among the matches


@dataclass
class NameMatch:
    """What a text names: ``unit`` when exactly one unit; else why not, with ``candidates``."""

    text: str
    unit: UnitName | None = None
    named: str = ""  # the mention that failed, as typed
    several: bool = False  # several units bear it (else: none)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.unit is not None

    @property
    def mentioned(self) -> bool:
        """The text names a unit at all (else there is nothing to report)."""
        return self.unit is not None or bool(self.named)

    def reason(self) -> tuple[str, str]:
        """Why not, in Vietnamese and English, with the nearest candidates."""
        offered_vi = "; ".join(str(c) for c in self.candidates) or "không có tên gần giống"
        offered_en = "; ".join(c.english for c in self.candidates) or "no similar name"
        if self.several:
            return (
                f"có nhiều đơn vị tên “{self.named}”: {offered_vi}; ghi thêm huyện/tỉnh "
                "hoặc dùng mã",
                f"several units are named “{self.named}”: {offered_en}; add the district or "
                "province, or use the code",
            )
        return (
            f"không có đơn vị hành chính tên “{self.named}”; tên gần nhất: {offered_vi}",
            f"no administrative unit is named “{self.named}”; nearest names: {offered_en}",
        )


def mentions(text: str, *, anywhere: bool = False) -> list[Mention]:
    """The units a text names, in the order typed. An address ("Thôn 3, xã Quảng Hải, huyện
    Quảng Xương, Thanh Hóa") is cut at commas and dashes; a part below the commune ("Thôn 3")
    names nothing; its last part without a kind word names a province. ``anywhere``: a kind
    word anywhere in a part starts a mention (a title "DANH SÁCH CÔNG DÂN XÃ QUẢNG HẢI"),
    else only at its start, after the body that writes ("UBND", "Công an")."""
    found: list[Mention] = []
    parts = [p for p in _PARTS.split(text) if p.strip()]
    for number, part in enumerate(parts):
        typed = " ".join(nfc(part).split())
        lower = typed.lower()
        key = plain(typed)
        if len(key) != len(lower):  # strip_diacritics keeps one character for one
            key = plain(lower)
            lower = key
        body = _BODIES.match(key)
        start = body.end() if body else 0
        if _BELOW_COMMUNE.match(key, start):
            continue
        starts = [
            m
            for m in _KIND_AT.finditer(key, start)
            if (anywhere or m.start() == start) and not _NOT_A_KIND.match(key, m.start())
        ]
        if not starts:
            if number == len(parts) - 1 and len(parts) > 1 and not anywhere:
                words = tuple(_core_words(lower[start:]))
                if words:
                    found.append(Mention((PROVINCE,), words, typed[start:]))
            continue
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(key)
            words = tuple(_core_words(lower[m.end() : end]))
            if words:
                kind = _ABBREVIATED.get(m.group(1), m.group(1))
                found.append(Mention(_KIND_WORDS[m.group(1)], words, typed[m.start() : end], kind))
    return found


def _core_words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text) if w]


class UnitNames:
    """The names of the provinces, districts and communes of both maps, in memory."""

    def __init__(self, units: Iterable[tuple]) -> None:
        self.units: dict[int, UnitName] = {}
        self._codes: dict[tuple[str, str], UnitName] = {}
        self.by_core: dict[tuple[str, str], list[UnitName]] = defaultdict(list)
        for pk, code, name, kind, parent_id, reorganisation in units:
            level = _level(kind)
            if level is None:
                continue
            named = plain(name)
            kind_words = len(named.split()) - len(_without_kind(named).split())
            core = _core(_without_kind(named))
            toned = " ".join(_core_words(" ".join(_toned(name).split()[kind_words:])))
            unit = UnitName(pk, code, name, kind, level, reorganisation, parent_id, core, toned)
            self.units[pk] = unit
            self.by_core[(level, core)].append(unit)
            self._codes[(reorganisation, code)] = unit

    @classmethod
    def load(cls) -> "UnitNames":
        """Every province, district and commune of both maps: one query."""
        kinds = [*PROVINCE_KINDS, UnitKind.DISTRICT, *COMMUNE_KINDS]
        return cls(
            AdministrativeUnit.objects.filter(kind__in=kinds).values_list(
                "pk", "code", "name", "kind", "parent_id", "reorganisation"
            )
        )

    def ancestors(self, unit: UnitName) -> list[UnitName]:
        """The unit's parents, nearest first."""
        found = []
        parent = unit.parent_id
        while parent is not None and parent in self.units:
            found.append(self.units[parent])
            parent = self.units[parent].parent_id
        return found

    def by_code(self, code: str, reorganisation: str) -> UnitName | None:
        return self._codes.get((reorganisation, code))

    def find(
        self, text: str, *, within: UnitName | None = None, anywhere: bool = False
    ) -> NameMatch:
        """The unit ``text`` names (its lowest level named), on the map where all it names
        fits: a text naming a district is of the map before 2025 (today's has none);
        otherwise ``within``'s map first, then today's. ``within``: a unit the text is known
        to be about (the file's), whose province and district narrow names the text leaves
        open (a row's "xã Quảng Hải" without its district)."""
        return self.find_mentions(text, mentions(text, anywhere=anywhere), within=within)

    def find_mentions(
        self, text: str, named: list[Mention], *, within: UnitName | None = None
    ) -> NameMatch:
        if not named:
            return NameMatch(text)
        maps = [Reorganisation.Y2025, Reorganisation.PRE_2025]
        if within is not None and within.reorganisation == Reorganisation.PRE_2025:
            maps.reverse()
        if any(m.levels == (DISTRICT,) for m in named):
            maps = [Reorganisation.PRE_2025]
        first_failure: NameMatch | None = None
        # The kind typed first ("thị trấn" exists only on the old map), then any of its level;
        # a name several units bear on one map is not taken from the next map.
        for strict in (True, False):
            for reorganisation in maps:
                same = within is not None and within.reorganisation == reorganisation
                scope = within if same else None
                match = self._on_map(text, named, reorganisation, scope, strict)
                if match.found and not (first_failure and first_failure.several):
                    return match
                if first_failure is None or (match.several and not first_failure.several):
                    first_failure = match
        assert first_failure is not None
        if not first_failure.several:
            first_failure.candidates = self._nearest(first_failure.named, named)
        return first_failure

    def _on_map(
        self,
        text: str,
        named: list[Mention],
        reorganisation: str,
        within: UnitName | None,
        strict: bool = False,
    ) -> NameMatch:
        # "tỉnh X" before "thành phố X" (a province or a district), higher levels first
        ordered = sorted(named, key=lambda m: (LEVELS.index(m.levels[0]), len(m.levels)))
        found: UnitName | None = None
        for mention in ordered:
            inside = found or self._widest_scope(mention, within)
            units, several = self._match(mention, reorganisation, inside, strict)
            if units is None:
                return NameMatch(text, named=mention.typed)
            if several:
                return NameMatch(
                    text,
                    named=mention.typed,
                    several=True,
                    candidates=[self.candidate(u) for u in units[:NEAREST_SHOWN]],
                )
            found = units[0]
        return NameMatch(text, unit=found)

    def _widest_scope(self, mention: Mention, within: UnitName | None) -> UnitName | None:
        """Of ``within`` and its parents, the lowest above the mention's level: a row's
        commune is looked for in the file's district, a district in the file's province."""
        if within is None:
            return None
        chain = [within, *self.ancestors(within)]
        rank = LEVELS.index(mention.levels[0])
        above = [u for u in chain if LEVELS.index(u.level) < rank]
        return above[0] if above else None

    def _match(
        self, mention: Mention, reorganisation: str, inside: UnitName | None, strict: bool
    ) -> tuple[list[UnitName] | None, bool]:
        """(units, several): the longest run of the mention's first words that names a unit
        of its level, inside ``inside``; None when none does. ``strict``: only units whose
        name starts with the kind typed ("Phường Ba Đình", not "Xã Ba Đình")."""
        words = mention.words[:LONGEST_NAME_WORDS]
        for n in range(len(words), 0, -1):
            typed = " ".join(words[:n])
            core = _core(plain(typed))
            units = [
                u
                for level in mention.levels
                for u in self.by_core.get((level, core), ())
                if u.reorganisation == reorganisation and self._is_inside(u, inside)
            ]
            if strict and mention.kind:
                units = [u for u in units if plain(u.name).startswith(mention.kind + " ")]
            if not units:
                continue
            if len(units) > 1 and typed != plain(typed):
                toned = [u for u in units if u.toned == _toned(typed)]
                units = toned or units
            if len(units) > 1:  # a province and a district both "Thành phố X": the province
                units = [u for u in units if u.level == units[0].level] or units
            return units, len(units) > 1
        return None, False

    def _is_inside(self, unit: UnitName, inside: UnitName | None) -> bool:
        return inside is None or inside.id in {a.id for a in self.ancestors(unit)}

    def candidate(self, unit: UnitName) -> Candidate:
        parents = ", ".join(a.name for a in self.ancestors(unit))
        return Candidate(unit.name, parents, unit.code, unit.reorganisation)

    def _nearest(self, typed: str, named: list[Mention]) -> list[Candidate]:
        """The units of the failed mention's level whose names are nearest to it, both maps."""
        mention = next((m for m in named if m.typed == typed), None)
        if mention is None:
            return []
        query = _core(plain(" ".join(mention.words[:LONGEST_NAME_WORDS])))
        cores = {core for (level, core) in self.by_core if level in mention.levels}
        close = difflib.get_close_matches(query, cores, n=NEAREST_SHOWN, cutoff=0.6)
        units = [
            u
            for core in close
            for level in mention.levels
            for u in self.by_core.get((level, core), ())
        ]
        return [self.candidate(u) for u in units[:NEAREST_SHOWN]]
