"""One row of a commune's file read into a PersonRecord, with every problem named by column.

What a row may look like: text in NFC or NFD with stray spaces, dates as dd/mm/yyyy text
(also d-m-yyyy, d.m.yyyy, yyyy-mm-dd), mm/yyyy or yyyy when only the month or year of birth
is known, Excel dates and serial numbers, numbers whose leading zero Excel dropped.

Rejected: a row the register cannot hold as typed (a required field empty, a date that is not
a date or not plausible, an unknown value of a closed list, text too long for its column).
Accepted with a warning: a personal ID that fails the rules of Circular 07/2016 (kept as
``unverified_id`` for correction, as register_load does), a relation to the head that is not
in the list (recorded as "Khác").
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils.datetime import from_excel

from cancuoc.geo.models import Reorganisation
from cancuoc.lib.text import nfc, normalise_name, strip_diacritics, unsafe_character
from cancuoc.registry import personal_id
from cancuoc.registry.choices import CardKind, DatePrecision, Presence, Relation, Sex
from cancuoc.registry.records import PersonRecord

from .errors import FieldError, ImportRowError
from .limits import LongText
from .places import Places
from .readers import SourceRow

EARLIEST_BIRTH = date(1900, 1, 1)  # digit 4 of the personal ID starts its centuries here
# When a card says only "CCCD", the chip card replaced the barcode one from 2021.
CHIP_CARDS_FROM = date(2021, 1, 1)
BARCODE_CARDS_FROM = date(2016, 1, 1)  # the CCCD (with a barcode) replaced the CMND
# Lengths of the register's columns (registry.models); longer text would fail the batch.
MAX_LENGTH = {
    "ref": 64,
    "full_name": 200,
    "ethnicity": 64,
    "religion": 64,
    "nationality": 64,
    "birth_registration_place": 255,
    "native_place": 255,
    "household_code": 32,
    "permanent_address": 255,
    "temporary_address": 255,
    "whereabouts": 255,
    "permanent_unit": 16,
    "temporary_unit": 16,
    "permanent_recorded_unit": 16,
    "personal_id": 32,
    "phone": 20,
    "card_number": 12,
}
TEXT_FIELDS = [
    "ref",
    "full_name",
    "ethnicity",
    "religion",
    "nationality",
    "birth_registration_place",
    "native_place",
    "household_code",
    "permanent_address",
    "temporary_address",
    "whereabouts",
]
OTHER_DATES = ["temporary_since", "presence_since", "card_issued_on", "card_expires_on"]
# Digits that Excel turns into a number lose their leading zero: the lengths they come back to.
# Personal IDs all begin with 0 (province codes 001–096); commune codes have 5 digits and
# village codes 8; mobile numbers 10; CMND 9 or 12.
# A personal ID typed as text is never padded: "38090001234" is an 11-digit number, and
# padded it would name another province (see _personal_id).
PAD_TO = {
    "personal_id": {11: 12},
    "phone": {9: 10},
    "card_number": {8: 9, 11: 12},
    "permanent_unit": {n: 5 for n in range(1, 5)} | {6: 8, 7: 8},
    "temporary_unit": {n: 5 for n in range(1, 5)} | {6: 8, 7: 8},
    "permanent_recorded_unit": {n: 5 for n in range(1, 5)},
}
CARD_LENGTHS = {
    CardKind.CMND_9: 9,
    CardKind.CMND_12: 12,
    CardKind.CCCD_BARCODE: 12,
    CardKind.CCCD_CHIP: 12,
    CardKind.CAN_CUOC: 12,
}

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_MY = re.compile(r"(\d{1,2})[/.-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_SEPARATORS = re.compile(r"[\s.\-]")
# Plain strings, not the enum members: parsed rows cross to the writing process pickled, and
# an enum member pickles and unpickles through Python code, once per row.
_DAY, _MONTH, _YEAR = DatePrecision.DAY.value, DatePrecision.MONTH.value, DatePrecision.YEAR.value
_OTHER = Relation.OTHER.value
_ALIVE = Presence.ALIVE.value


def text(cell: Any) -> str:
    """NFC, single spaces, no spaces around; whole numbers without ".0"."""
    if type(cell) is str:  # most cells: the same result, without the checks below
        value = " ".join((cell if cell.isascii() else unicodedata.normalize("NFC", cell)).split())
        # The cell itself when it was clean: the record then shares the row's string, which
        # pickles as a reference when the batch crosses to the writer.
        return cell if value == cell else value
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime | date):
        return f"{cell:%d/%m/%Y}"
    return " ".join(nfc(str(cell)).split())


def digits(cell: Any, name: str) -> str:
    """A number that is typed as text: spaces, dots and dashes dropped, the leading zero that
    Excel took away put back (of a personal ID, only where Excel held it as a number). What
    is not digits stays as typed, for the rules to judge."""
    value = text(cell)
    if not value.isdigit():
        value = _SEPARATORS.sub("", value)
    if value.isdigit() and (name != "personal_id" or type(cell) is not str):
        width = PAD_TO.get(name, {}).get(len(value))
        if width:
            value = value.zfill(width)
    return value


def parse_date(cell: Any) -> tuple[date, str]:
    """A date and how much of it is known (DatePrecision)."""
    if isinstance(cell, datetime):
        return cell.date(), _DAY
    if isinstance(cell, date):
        return cell, _DAY
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if float(cell).is_integer() and 1000 <= cell <= 2200:
            return date(int(cell), 1, 1), _YEAR
        return _serial(cell), _DAY
    value = _TIME.sub("", text(cell))
    if match := _DMY.fullmatch(value):
        return _day(value, int(match[3]), int(match[2]), int(match[1])), _DAY
    if match := _YMD.fullmatch(value):
        return _day(value, int(match[1]), int(match[2]), int(match[3])), _DAY
    if match := _MY.fullmatch(value):
        return _day(value, int(match[2]), int(match[1]), 1), _MONTH
    if value.isdigit() and len(value) == 4:
        return _day(value, int(value), 1, 1), _YEAR
    if _SERIAL.fullmatch(value):
        return _serial(float(value)), _DAY
    raise FieldError(
        f"“{value}” không phải ngày (dd/mm/yyyy, mm/yyyy hoặc yyyy)",
        f"“{value}” is not a date (dd/mm/yyyy, mm/yyyy or yyyy)",
    )


def _day(typed: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldError(
            f"“{typed}” không phải ngày có thật", f"“{typed}” is not a real date"
        ) from None


def _serial(number: float) -> date:
    """An Excel date serial number (days since 30/12/1899), as an unformatted cell shows it."""
    try:
        return from_excel(number).date()
    except (ValueError, OverflowError, TypeError, AttributeError):
        raise FieldError(
            f"số {number} không phải ngày Excel", f"number {number} is not an Excel date"
        ) from None


class Choices:
    """The values of a closed list, matched on NFC lower-case text; without diacritics too,
    where that is not ambiguous ("ba" could be "bà" or the southern "ba", father)."""

    def __init__(self, choices, aliases: dict[str, str]) -> None:
        named = {label: value for value, label in choices.choices} | aliases
        named |= {value: value for value in choices.values}
        self.exact = {self.key(k): str(v) for k, v in named.items()}  # plain: see _DAY
        plain: dict[str, set[str]] = {}
        for key, value in self.exact.items():
            plain.setdefault(strip_diacritics(key), set()).add(value)
        self.plain = {k: next(iter(v)) for k, v in plain.items() if len(v) == 1}
        self._seen: dict[str, str | None] = {}

    @staticmethod
    def key(value: str) -> str:
        return " ".join(nfc(value).lower().replace("/", " / ").split())

    def get(self, value: str) -> str | None:
        try:
            return self._seen[value]
        except KeyError:
            pass
        key = self.key(value)
        found = self.exact.get(key) or self.plain.get(strip_diacritics(key))
        if len(self._seen) < 10_000:  # a file types a closed list a few ways: keep them
            self._seen[value] = found
        return found


SEXES = Choices(
    Sex, {"male": Sex.MALE, "female": Sex.FEMALE, "nữ giới": Sex.FEMALE, "nam giới": Sex.MALE}
)
RELATIONS = Choices(
    Relation,
    {
        "vợ": Relation.SPOUSE,
        "chồng": Relation.SPOUSE,
        "con đẻ": Relation.CHILD,
        "con ruột": Relation.CHILD,
        "con nuôi": Relation.CHILD,
        "cha": Relation.PARENT,
        "mẹ": Relation.PARENT,
        "bố": Relation.PARENT,
        "cha đẻ": Relation.PARENT,
        "ba": Relation.PARENT,
        "má": Relation.PARENT,  # father and mother in the South
        "mẹ đẻ": Relation.PARENT,
        "cháu nội": Relation.GRANDCHILD,
        "cháu ngoại": Relation.GRANDCHILD,
        "ông": Relation.GRANDPARENT,
        "bà": Relation.GRANDPARENT,
        "ông nội": Relation.GRANDPARENT,
        "bà nội": Relation.GRANDPARENT,
        "ông ngoại": Relation.GRANDPARENT,
        "bà ngoại": Relation.GRANDPARENT,
        "anh": Relation.SIBLING,
        "chị": Relation.SIBLING,
        "em": Relation.SIBLING,
        "anh trai": Relation.SIBLING,
        "chị gái": Relation.SIBLING,
        "em trai": Relation.SIBLING,
        "em gái": Relation.SIBLING,
        "chủ hộ": Relation.HEAD,
    },
)
PRESENCES = Choices(
    Presence,
    {
        "có mặt": Presence.ALIVE,
        "thường trú": Presence.ALIVE,
        "vắng mặt": Presence.ABSENT,
        "vắng": Presence.ABSENT,
        "đã mất": Presence.DECEASED,
        "chết": Presence.DECEASED,
        "chuyển đi": Presence.MOVED_OUT,
    },
)
CARD_KINDS = Choices(
    CardKind,
    {
        "cmnd 9": CardKind.CMND_9,
        "cmnd 12": CardKind.CMND_12,
        "cccd chip": CardKind.CCCD_CHIP,
        "cccd có gắn chip": CardKind.CCCD_CHIP,
        "căn cước": CardKind.CAN_CUOC,
        "căn cước công dân gắn chip": CardKind.CCCD_CHIP,
        "cmnd": "cmnd",
        "chứng minh nhân dân": "cmnd",
        "cccd": "cccd",
        "căn cước công dân": "cccd",
    },
)


@dataclass(slots=True)
class ParsedRow:
    row: SourceRow
    record: PersonRecord | None = None
    errors: list[ImportRowError] = field(default_factory=list)
    warnings: list[ImportRowError] = field(default_factory=list)
    # The unit of the map before 2025 the row's address or file named (its id): the writer
    # puts today's unit it became in record.permanent_unit (services._units_resolve).
    recorded_unit: int | None = None

    def __reduce__(self):
        # By position, as SourceRow and PersonRecord: a batch is a hundred thousand objects.
        return (
            ParsedRow,
            (self.row, self.record, self.errors, self.warnings, self.recorded_unit),
        )

    def problem(
        self, name: str, vi: str, en: str, *, warning: bool = False, column: str | None = None
    ) -> None:
        """``name``: the field; ``column``: the header, for a cell of no field."""
        if column is None:
            column = self.row.header(name) if name else ""
        found = ImportRowError(
            sheet=self.row.sheet_name,
            row=self.row.number,
            column=column,
            message_vi=vi,
            message_en=en,
        )
        (self.warnings if warning else self.errors).append(found)


def row_parse(row: SourceRow, *, today: date, places: Places | None = None) -> ParsedRow:
    """Read one row; ``record`` is None when the row is rejected (``errors`` say why).
    ``places``: where the file's persons live when a row gives no unit code."""
    parsed = ParsedRow(row)
    values = _cells_read(parsed, row.cells, row.sheet.max_cell_chars)
    _unmapped_check(parsed, row)
    for name in ("ref", "full_name", "birth_date", "sex"):
        if name in row.cells and not values.get(name) and not _failed(parsed, row, name):
            parsed.problem(name, "không được để trống", "must not be empty")
    for name, limit in MAX_LENGTH.items():
        if len(values.get(name) or "") > limit:
            parsed.problem(name, f"dài quá {limit} ký tự", f"longer than {limit} characters")
    birth, precision = values.get("birth_date") or (None, _DAY)
    if birth is not None:
        _check_dates(parsed, values, birth, today)
    _numbers_placed(parsed, values)
    _place(parsed, values, places)
    _check_residence(parsed, values)
    card_kind = _card(parsed, values)
    relation = values.get("relation_to_head", "")
    if relation and RELATIONS.get(relation) is None:
        parsed.problem(
            "relation_to_head",
            f"quan hệ “{relation}” không có trong danh mục, ghi là “Khác”",
            f"relation “{relation}” is not in the list, recorded as “Khác” (other)",
            warning=True,
        )
    if parsed.errors:
        return parsed
    number = _personal_id(parsed, values, birth)
    if parsed.errors:
        return parsed
    parsed.record = PersonRecord(
        ref=values.get("ref") or content_key(values),
        personal_id=number,
        full_name=values["full_name"],
        birth_date=birth,
        birth_date_precision=precision,
        sex=values["sex"],
        ethnicity=values.get("ethnicity", ""),
        religion=values.get("religion", ""),
        nationality=values.get("nationality") or "Việt Nam",
        birth_registration_place=values.get("birth_registration_place", ""),
        native_place=values.get("native_place", ""),
        phone=values.get("phone", ""),
        household_code=values.get("household_code", ""),
        relation_to_head=(RELATIONS.get(relation) or _OTHER) if relation else "",
        permanent_unit=values.get("permanent_unit", ""),
        permanent_address=values.get("permanent_address", ""),
        temporary_unit=values.get("temporary_unit", ""),
        temporary_address=values.get("temporary_address", ""),
        temporary_since=values.get("temporary_since"),
        presence=values.get("presence") or _ALIVE,
        presence_since=values.get("presence_since"),
        whereabouts=values.get("whereabouts", ""),
        card_kind=card_kind,
        card_number=values.get("card_number", ""),
        card_issued_on=values.get("card_issued_on"),
        card_expires_on=values.get("card_expires_on"),
        permanent_recorded_unit=values.get("permanent_recorded_unit", ""),
    )
    return parsed


# What identifies a row of a file without a Mã bản ghi: the same person typed the same way
# gives the same key in every import of the file (so a re-import changes nothing), whatever
# its place in the file (STT changes when a row is added above it).
KEY_FIELDS = ("full_name", "birth_date", "sex", "personal_id", "card_number", "household_code")
KEY_PREFIX = "#"  # no commune's own record ids start so


def content_key(values: dict[str, Any]) -> str:
    """ "#" and 20 hex digits of a hash of the row's identifying fields, normalised (tone
    style, case, spaces: "Nguyễn Văn Hoà" and "NGUYỄN VĂN HÒA" are one person); with the
    source name it identifies the record across imports."""
    birth = values.get("birth_date") or (None, "")
    parts = [
        normalise_name(values.get("full_name", "")),
        f"{birth[0]}/{birth[1]}",
        values.get("sex", ""),
        values.get("personal_id", ""),
        values.get("card_number", ""),
        values.get("household_code", ""),
        " ".join(strip_diacritics(values.get("permanent_address", "")).lower().split()),
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()
    return KEY_PREFIX + digest


def _numbers_placed(parsed: ParsedRow, values: dict[str, Any]) -> None:
    """The values of "Số CMND/CCCD" columns, each where its length says: 9 digits an old
    card (CMND), 12 digits the personal ID (a 12-digit CMND and the CCCD carry it)."""
    found = values.pop("id_numbers", None)
    if not found:
        return
    for number in found:
        if not number.isdigit() or len(number) not in (9, 12):
            parsed.problem(
                "id_numbers",
                f"“{number}” không phải số CMND (9 chữ số) hay số định danh (12 chữ số)",
                f"“{number}” is neither a CMND number (9 digits) nor a personal ID (12 digits)",
            )
            continue
        name = "card_number" if len(number) == 9 else "personal_id"
        if values.get(name) and values[name] != number:
            parsed.problem(
                "id_numbers",
                f"hai số khác nhau cho {parsed.row.header(name)}: {values[name]} và {number}",
                f"two different numbers for {parsed.row.header(name)}: {values[name]} and {number}",
            )
            continue
        values[name] = number
        values.setdefault("_from", {})[name] = "id_numbers"


def _column(values: dict[str, Any], name: str) -> str:
    """The field whose column a value came from: its own, or "Số CMND/CCCD"."""
    return values.get("_from", {}).get(name, name)


def _ids_split(cell: Any, name: str) -> tuple[str, ...]:
    """The numbers of one or more "Số CMND/CCCD" cells: "123456789 / 038090001234"."""
    found: list[str] = []
    for one in cell:
        if type(one) is not str:  # a number Excel held: its leading zero may be gone
            typed = digits(one, "card_number")
            if typed:
                found.append(typed)
            continue
        found += [digits(p, "id_numbers") for p in _ID_SEPARATORS.split(text(one)) if p.strip()]
    return tuple(found)


_ID_SEPARATORS = re.compile(r"\s*(?:[/,;|\n]|\s-\s)\s*")


def _place(parsed: ParsedRow, values: dict[str, Any], places: Places | None) -> None:
    """A row without a unit code lives in the unit its address or its file names."""
    if places is None or any(
        values.get(name) for name in ("permanent_unit", "temporary_unit", "permanent_recorded_unit")
    ):
        return
    address = values.get("permanent_address", "")
    place = places.row_place(parsed.row.sheet.index, address)
    column = "permanent_address" if address else ""
    if place.unit is None:
        parsed.problem(column, place.vi, place.en)
        values["permanent_unit_failed"] = True
        return
    if place.doubt:
        parsed.problem(column, place.vi, place.en, warning=True)
    if place.unit.reorganisation == Reorganisation.Y2025:
        values["permanent_unit"] = place.unit.code
    else:
        parsed.recorded_unit = place.unit.id


def _personal_id(parsed: ParsedRow, values: dict[str, Any], birth: date) -> str:
    """The personal ID, checked against the row. Rejected: a number of the wrong length or
    not digits, or whose digit 4 contradicts the row's sex or century (the row is fixed and
    imported again). Kept unverified, with a warning: an unknown province code, digits 5–6
    that differ from the year of birth (either may be the typo)."""
    number = values.get("personal_id", "")
    if not number:
        return ""
    sex = values["sex"]
    if len(number) == 11 and number.isdigit() and parsed.row.sheet.text_only:
        # a CSV holds what Excel showed: a number that lost its leading zero, if padded it
        # is an ID of this person; otherwise it is 11 digits typed, and wrong
        padded = "0" + number
        if not personal_id.problems(padded, birth_year=birth.year, sex=sex):
            number = padded
    column = _column(values, "personal_id")
    for problem in personal_id.problems(number, birth_year=birth.year, sex=sex):
        if problem.reason in REJECTED_ID_PROBLEMS:
            parsed.problem(column, problem.message_vi, problem.message_en)
        else:
            parsed.problem(
                column,
                f"{problem.message_vi}; lưu là số chưa hợp lệ để sửa",
                f"{problem.message_en}; kept as an unverified number for correction",
                warning=True,
            )
    return number


REJECTED_ID_PROBLEMS = {
    personal_id.Rejection.LENGTH,
    personal_id.Rejection.NOT_DIGITS,
    personal_id.Rejection.CENTURY_SEX,
    personal_id.Rejection.SEX_MISMATCH,
    personal_id.Rejection.CENTURY_MISMATCH,
}


def _cells_read(parsed: ParsedRow, cells: dict[str, Any], longest: int) -> dict[str, Any]:
    """Each cell read by its field's reader. A file repeats most of its texts (ethnicities,
    places, unit codes, dates, empty cells), so what a text cell of such a field read to is
    remembered, up to :data:`CELLS_REMEMBERED` values a field: the readers are pure.
    A cell longer than ``longest`` characters, or holding a character no text of the
    register may hold (lib.text.unsafe_character), is not read: its row is rejected."""
    values: dict[str, Any] = {}
    for name, cell in cells.items():
        kind = type(cell)
        suspect = kind is str and (len(cell) > longest or not cell.isprintable())
        if (suspect or kind is LongText) and (refused := _refused(cell, longest)):
            parsed.problem(name, *refused)
            continue
        # Only text: 1, 1.0 and True are one key to a dict.
        seen = _SEEN.get(name) if type(cell) is str else None
        if seen is not None and cell in seen:
            values[name] = seen[cell]
            continue
        try:
            value = values[name] = _READERS[name](cell, name)
        except FieldError as error:
            parsed.problem(name, error.vi, error.en)
            continue
        if seen is not None and len(seen) < CELLS_REMEMBERED:
            seen[cell] = value
    return values


def _refused(cell: str | LongText, longest: int) -> tuple[str, str] | None:
    """Why a text cell is not read, in Vietnamese and English; None when it may be."""
    length = cell.length if type(cell) is LongText else len(cell)
    if length > longest:
        return (
            f"ô dài {length:,} ký tự, quá giới hạn {longest:,} (CANCUOC_IMPORT_MAX_CELL_CHARS)",
            f"the cell is {length:,} characters long, over the limit of {longest:,} "
            "(CANCUOC_IMPORT_MAX_CELL_CHARS)",
        )
    # Tabs and line breaks are spaces here (text() makes them so): only the others.
    found = unsafe_character(cell, multiline=True)
    if found is None:
        return None
    position, code = found
    return (
        f"có ký tự điều khiển hoặc ký tự đổi chiều văn bản {code} ở vị trí {position}",
        f"holds a control or text-direction character {code} at position {position}",
    )


def _unmapped_check(parsed: ParsedRow, row: SourceRow) -> None:
    """A cell of no field is not imported, but is kept with a rejected row: one too long to
    keep rejects its row too."""
    raw, longest = row.raw, row.sheet.max_cell_chars
    width = len(raw)
    for position in row.sheet.unmapped_positions:
        if position < width:
            _long_cell(parsed, row, position, raw[position], longest)
    for position in range(len(row.sheet.headers), width):
        _long_cell(parsed, row, position, raw[position], longest)


def _long_cell(parsed: ParsedRow, row: SourceRow, position: int, cell: Any, longest: int) -> None:
    if (type(cell) is str and len(cell) > longest) or type(cell) is LongText:
        refused = _refused(cell, longest)
        if refused:
            parsed.problem("", *refused, column=row.sheet.column(position))


def _failed(parsed: ParsedRow, row: SourceRow, name: str) -> bool:
    return any(e.column == row.header(name) for e in parsed.errors)


def _check_dates(parsed: ParsedRow, values: dict, birth: date, today: date) -> None:
    if not EARLIEST_BIRTH <= birth <= today:
        parsed.problem(
            "birth_date",
            f"ngày sinh phải trong khoảng 01/01/1900 đến hôm nay ({today:%d/%m/%Y})",
            f"the date of birth must lie between 01/01/1900 and today ({today:%d/%m/%Y})",
        )
        return
    for name in OTHER_DATES:
        day = values.get(name)
        if day is None or name == "card_expires_on":
            continue
        if day < birth:
            parsed.problem(
                name,
                f"{day:%d/%m/%Y} trước ngày sinh {birth:%d/%m/%Y}",
                f"{day:%d/%m/%Y} is before the date of birth {birth:%d/%m/%Y}",
            )
        elif day > today:
            parsed.problem(
                name, f"{day:%d/%m/%Y} là ngày trong tương lai", f"{day:%d/%m/%Y} is in the future"
            )
    issued, expires = values.get("card_issued_on"), values.get("card_expires_on")
    if issued and expires and expires <= issued:
        parsed.problem("card_expires_on", "hết hạn trước ngày cấp", "expires before it was issued")


def _check_residence(parsed: ParsedRow, values: dict) -> None:
    """Every person lives somewhere; a household is where its members are permanent residents
    (hộ khẩu: thường trú); an address needs its unit, or it would have nowhere to be kept.
    A unit found by name (places.py) counts; when none was, _place said why."""
    if values.pop("permanent_unit_failed", False):
        return
    if parsed.recorded_unit is not None or values.get("permanent_recorded_unit"):
        return  # today's unit: the one the old unit became (services._units_resolve)
    if not values.get("permanent_unit") and not values.get("temporary_unit"):
        parsed.problem(
            "permanent_unit" if "permanent_unit" in parsed.row.cells else "",
            "cần mã đơn vị thường trú hoặc tạm trú",
            "a unit of permanent or temporary residence is needed",
        )
    elif values.get("household_code") and not values.get("permanent_unit"):
        parsed.problem(
            "permanent_unit",
            "thành viên hộ cần mã đơn vị thường trú",
            "a household member needs a unit of permanent residence",
        )
    for kind, vi in (("permanent", "thường trú"), ("temporary", "tạm trú")):
        if values.get(f"{kind}_address") and not values.get(f"{kind}_unit"):
            parsed.problem(
                f"{kind}_unit",
                f"có địa chỉ {vi} nhưng thiếu mã đơn vị {vi}",
                f"an address of {kind} residence needs its unit code",
            )


def _card(parsed: ParsedRow, values: dict) -> str:
    """The kind of the latest card; "CMND" and "CCCD" alone are told apart by the number's
    length and the issue date. A number without its kind gets the kind its length and date
    say, with a warning; without its issue date the person is imported and the card is not
    recorded (the register keeps cards with their date), with a warning."""
    kind, number, issued = (
        values.get("card_kind", ""),
        values.get("card_number", ""),
        values.get("card_issued_on"),
    )
    if not (kind or number):
        return ""
    column = _column(values, "card_number")
    if not kind:
        kind = _kind_of(number, issued)
        if not kind:
            parsed.problem(
                column,
                f"số giấy tờ {number} không phải CMND (9 chữ số) hay CCCD (12 chữ số)",
                f"card number {number} is neither a CMND (9 digits) nor a CCCD (12 digits)",
            )
            return ""
        if issued:
            parsed.problem(
                "card_kind" if "card_kind" in parsed.row.cells else column,
                f"không ghi loại giấy tờ: ghi là {CardKind(kind).label} theo số và ngày cấp",
                f"no kind of card: recorded as {CardKind(kind).label} by its number and date",
                warning=True,
            )
    elif kind == "cmnd":
        kind = (CardKind.CMND_12 if len(number) == 12 else CardKind.CMND_9).value
    elif kind == "cccd":
        chip = issued is not None and issued >= CHIP_CARDS_FROM
        kind = (CardKind.CCCD_CHIP if chip else CardKind.CCCD_BARCODE).value
    length = CARD_LENGTHS[CardKind(kind)]
    if number and not (number.isdigit() and len(number) == length):
        parsed.problem(
            column,
            f"số {CardKind(kind).label} phải có {length} chữ số",
            f"a {CardKind(kind).label} number has {length} digits",
        )
    elif not issued:
        parsed.problem(
            "card_issued_on" if "card_issued_on" in parsed.row.cells else column,
            f"{CardKind(kind).label} {_hidden(number)} không có ngày cấp: người được nhập, "
            "giấy tờ chưa ghi vào sổ; bổ sung ngày cấp qua phiếu DC02",
            f"{CardKind(kind).label} {_hidden(number)} has no issue date: the person is "
            "imported, the card is not recorded; add its date with a DC02 request",
            warning=True,
        )
    return kind


def _kind_of(number: str, issued: date | None) -> str:
    """The kind of a card by its number and issue date: 9 digits a CMND; 12 digits a CMND
    of 12 digits before 2016, a barcode CCCD until 2020, a chip CCCD from 2021."""
    if not number.isdigit():
        return ""
    if len(number) == 9:
        return CardKind.CMND_9.value
    if len(number) != 12:
        return ""
    if issued is None or issued >= CHIP_CARDS_FROM:
        return CardKind.CCCD_CHIP.value
    if issued < BARCODE_CARDS_FROM:
        return CardKind.CMND_12.value
    return CardKind.CCCD_BARCODE.value


def _hidden(number: str) -> str:
    """A card number as a warning shows it: its last three digits."""
    return f"…{number[-3:]}" if number else ""


def _choice(choices: Choices, what_vi: str, what_en: str) -> Callable[[Any, str], str]:
    def read(cell: Any, name: str) -> str:
        typed = text(cell)
        if not typed:
            return ""
        found = choices.get(typed)
        if found is None:
            raise FieldError(
                f"không hiểu {what_vi} “{typed}”", f"“{typed}” is not a known {what_en}"
            )
        return found

    return read


def _birth(cell: Any, name: str) -> tuple[date, str] | None:
    return parse_date(cell) if text(cell) else None


def _full_date(cell: Any, name: str) -> date | None:
    if not text(cell):
        return None
    day, precision = parse_date(cell)
    if precision != _DAY:
        raise FieldError("cần ngày đầy đủ dd/mm/yyyy", "a full date dd/mm/yyyy is needed")
    return day


def _phone(cell: Any, name: str) -> str:
    value = digits(cell, name)
    if value.startswith("+84"):
        value = "0" + value[3:]
    if value and not value.isdigit():
        raise FieldError(f"số điện thoại “{value}” có ký tự lạ", f"phone “{value}” is not digits")
    return value


_READERS: dict[str, Callable[[Any, str], Any]] = {
    **{name: lambda cell, name: text(cell) for name in TEXT_FIELDS},
    **{name: _full_date for name in OTHER_DATES},
    "birth_date": _birth,
    "personal_id": digits,
    "card_number": digits,
    "permanent_unit": digits,
    "temporary_unit": digits,
    "permanent_recorded_unit": digits,
    "phone": _phone,
    "sex": _choice(SEXES, "giới tính", "sex"),
    "presence": _choice(PRESENCES, "tình trạng", "presence"),
    "card_kind": _choice(CARD_KINDS, "loại giấy tờ", "kind of card"),
    "relation_to_head": lambda cell, name: text(cell),
    "id_numbers": _ids_split,
}
CELLS_REMEMBERED = 20_000
_UNIQUE = {
    "ref",
    "personal_id",
    "full_name",
    "phone",
    "household_code",
    "card_number",
    "id_numbers",
}
_SEEN: dict[str, dict[str, Any]] = {name: {} for name in _READERS if name not in _UNIQUE}
