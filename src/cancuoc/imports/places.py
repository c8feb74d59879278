"""Where the persons of a file live when its rows give no unit code: the unit given for the
whole file (``--unit``, the upload page's picker), the unit its title rows name ("UBND xã
Quảng Hải", "CÔNG AN HUYỆN QUẢNG XƯƠNG"), or the commune a row's free-text address names
("Thôn 3, xã Quảng Hải, huyện Quảng Xương, Thanh Hóa"), by name on either map
(geo/names.py). Names are matched in memory: rows are parsed in a process without the
database (pipeline.py), and a unit of the map before 2025 is turned into today's by the
writing process (services.py)."""

from dataclasses import dataclass, field

from cancuoc.geo.models import Reorganisation
from cancuoc.geo.names import (
    COMMUNE,
    DISTRICT,
    PROVINCE,
    Mention,
    NameMatch,
    UnitName,
    UnitNames,
    mentions,
)

from .errors import ImportFileError

ADDRESSES_REMEMBERED = 50_000


@dataclass(frozen=True, slots=True)
class RowPlace:
    """A row's unit of permanent residence, or why there is none; ``doubt``: found, but with
    a warning (the address named a unit that does not exist: the file's unit is used)."""

    unit: UnitName | None
    vi: str = ""
    en: str = ""
    doubt: bool = False


@dataclass
class Places:
    names: UnitNames
    units: dict[int, UnitName]  # sheet index -> the unit the sheet is about
    given: UnitName | None = None  # by --unit or the picker: every sheet's
    # sheet index -> why its title rows name no unit (vi, en), for its rows' errors
    unnamed: dict[int, tuple[str, str]] = field(default_factory=dict)
    _seen: dict[tuple[int, str], RowPlace] = field(default_factory=dict)

    def sheet_unit(self, sheet: int) -> UnitName | None:
        return self.given or self.units.get(sheet)

    def row_place(self, sheet: int, address: str) -> RowPlace:
        """The unit of a row of ``sheet`` whose address is ``address`` (may be "")."""
        key = (sheet, address)
        found = self._seen.get(key)
        if found is None:
            found = self._row_place(self.sheet_unit(sheet), address, self.unnamed.get(sheet))
            if len(self._seen) < ADDRESSES_REMEMBERED:
                self._seen[key] = found
        return found

    def _row_place(
        self, unit: UnitName | None, address: str, unnamed: tuple[str, str] | None
    ) -> RowPlace:
        own = unit if unit is not None and unit.level == COMMUNE else None
        if address:
            match = self.names.find(address, within=unit)
            if match.found and match.unit.level == COMMUNE:
                return RowPlace(match.unit)
            if match.found and own is not None and match.unit in self.names.ancestors(own):
                return RowPlace(own)  # "huyện Quảng Xương" in a list of xã Quảng Hải
            if match.mentioned and not match.found:
                vi, en = match.reason()
                if own is not None:
                    return RowPlace(
                        own,
                        f"địa chỉ: {vi}; ghi theo đơn vị của tệp {own.name}",
                        f"address: {en}; recorded under the file's unit {own.name}",
                        doubt=True,
                    )
                return RowPlace(None, f"địa chỉ: {vi}", f"address: {en}")
        if own is not None:
            return RowPlace(own)
        if unit is not None:
            return RowPlace(
                None,
                f"địa chỉ không ghi xã/phường nào trong {unit.name}",
                f"the address names no commune or ward of {unit.name}",
            )
        if unnamed is not None:
            return RowPlace(
                None,
                f"không biết đơn vị nơi thường trú: dòng tên danh sách: {unnamed[0]}",
                f"no unit of residence: title rows: {unnamed[1]}",
            )
        return RowPlace(
            None,
            "không biết đơn vị nơi thường trú: tệp không có cột mã đơn vị, địa chỉ không ghi "
            "xã/phường, tiêu đề không ghi đơn vị; chọn đơn vị của tệp (--unit)",
            "no unit of residence: the file has no unit code column, the address names no "
            "commune, the title rows name no unit; give the file's unit (--unit)",
        )


def title_unit(titles: tuple[str, ...], names: UnitNames) -> NameMatch:
    """The unit the rows above a sheet's header name: the first mention of each level
    ("UBND HUYỆN QUẢNG XƯƠNG", "UBND XÃ QUẢNG HẢI"), the lowest the unit. "Cộng hòa xã hội
    chủ nghĩa Việt Nam" names none."""
    chosen: dict[tuple[str, ...], Mention] = {}
    for cell in titles:
        for mention in mentions(cell, anywhere=True):
            chosen.setdefault(mention.levels, mention)
    return names.find_mentions(" / ".join(titles), list(chosen.values()))


def unit_named(text: str, names: UnitNames) -> UnitName:
    """The unit ``--unit`` (or the upload's picker) names: a code of today's map ("16042"),
    "2021:16042" for a code of the map before 2025, a picker's entry ending in "(code)", or
    a name with or without its kind and parents ("xã Quảng Hải, huyện Quảng Xương"). An
    :class:`ImportFileError` offers the nearest units when it names none or several."""
    typed = " ".join(text.split())
    code, reorganisation = typed, Reorganisation.Y2025
    if typed.endswith(")") and "(" in typed:
        code = typed.rsplit("(", 1)[1].rstrip(")").strip()
    if code.startswith("2021:"):
        code, reorganisation = code[5:], Reorganisation.PRE_2025
    if code.isdigit():
        unit = names.by_code(code, reorganisation)
        if unit is None:
            raise ImportFileError(
                f"không có đơn vị mã {code} (--unit)", f"there is no unit with code {code} (--unit)"
            )
        return unit
    match = names.find(typed)
    if not match.mentioned:  # a bare name: a commune, else a district, else a province
        for level in (COMMUNE, DISTRICT, PROVINCE):
            words = tuple(typed.lower().split())
            match = names.find_mentions(typed, [Mention((level,), words, typed)])
            if match.found or match.several:
                break
    if not match.found:
        vi, en = match.reason()
        raise ImportFileError(f"đơn vị của tệp (--unit): {vi}", f"the file's unit (--unit): {en}")
    return match.unit


def places_for(sheets, names: UnitNames, *, given: UnitName | None) -> tuple[Places, list[dict]]:
    """The places of a file's sheets (readers.SheetLayout), and notes for the job: which unit
    each sheet is about, or why its title rows name none."""
    units: dict[int, UnitName] = {}
    unnamed: dict[int, tuple[str, str]] = {}
    notes: list[dict[str, str]] = []
    for sheet in sheets:
        if given is not None:
            continue
        match = title_unit(sheet.titles, names)
        if match.found:
            units[sheet.index] = match.unit
            named = names.candidate(match.unit)
            notes.append(
                {
                    "vi": f"Trang tính “{sheet.name}”: đơn vị theo dòng tên danh sách: {named}",
                    "en": f"Sheet “{sheet.name}”: unit named by the title rows: {named.english}",
                }
            )
        elif match.mentioned:
            vi, en = match.reason()
            unnamed[sheet.index] = (vi, en)
            notes.append(
                {
                    "vi": f"Trang tính “{sheet.name}”, dòng tên danh sách: {vi}",
                    "en": f"Sheet “{sheet.name}”, title rows: {en}",
                }
            )
    return Places(names, units, given, unnamed), notes
