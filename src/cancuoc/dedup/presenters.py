"""The two records of a pair side by side, as a reviewer sees them on the review page and in
the admin: a row a field, ID numbers and phones masked, and what the matcher made of the
field (the level of its comparison, in words)."""

from dataclasses import dataclass
from datetime import date

from cancuoc.registry.models import Person
from cancuoc.registry.personal_id import mask

from .model import level_label
from .models import MatchPair

# label, the person's fields shown in the row, the comparison whose level is shown (if any)
ROWS: list[tuple[str, tuple[str, ...], str | None]] = [
    ("Họ tên / name", ("full_name",), "name"),
    ("Ngày sinh / born", ("birth_date", "sex"), "birth"),
    ("Số định danh / ID", ("personal_id",), "personal_id"),
    ("Điện thoại / phone", ("phone",), "phone"),
    ("Quê quán / native place", ("native_place",), "native_place"),
    ("Dân tộc / ethnicity", ("ethnicity",), "ethnicity"),
    ("Hộ, nơi ở / household, place", ("household",), "place"),
    ("Tình trạng / state", ("presence",), None),
    ("Nguồn / source", ("source",), None),
]
MASKED = {"personal_id", "phone"}


@dataclass(frozen=True)
class Row:
    label: str
    left: str
    right: str
    level: str  # empty: a field the matcher does not compare


def side_by_side(pair: MatchPair) -> list[Row]:
    """Select the pair with ``left__household`` and ``right__household``."""
    return [
        Row(
            label,
            _shown(pair.left, names),
            _shown(pair.right, names),
            level_label(comparison, pair.levels.get(comparison)) if comparison else "",
        )
        for label, names, comparison in ROWS
    ]


def _shown(person: Person, names: tuple[str, ...]) -> str:
    return " · ".join(text for name in names if (text := _text(person, name))) or "—"


def _text(person: Person, name: str) -> str:
    if name in {"sex", "presence"}:
        return getattr(person, f"get_{name}_display")()
    value = getattr(person, name)
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if name == "household":
        return value.code
    return mask(value) if name in MASKED else str(value)
