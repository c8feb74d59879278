"""The two records of a pair side by side, as a reviewer sees them on the review page and in
the admin: a row a field, ID numbers and phones masked, and what the matcher made of the
field (the level of its comparison, in words)."""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cancuoc.registry.models import Person
from cancuoc.registry.personal_id import mask

from .model import level_label
from .models import MatchPair

# label, the person's fields shown in the row, the comparison whose level is shown (if any)
ROWS: list[tuple[Promise, tuple[str, ...], str | None]] = [
    (_("Họ tên"), ("full_name",), "name"),
    (_("Ngày sinh"), ("birth_date", "sex"), "birth"),
    (_("Số định danh"), ("personal_id",), "personal_id"),
    (_("Điện thoại"), ("phone",), "phone"),
    (_("Quê quán"), ("native_place",), "native_place"),
    (_("Dân tộc"), ("ethnicity",), "ethnicity"),
    (_("Hộ, nơi ở"), ("household",), "place"),
    (_("Tình trạng"), ("presence",), None),
    (_("Nguồn"), ("source",), None),
]
MASKED = {"personal_id", "phone"}


@dataclass(frozen=True)
class Row:
    label: str
    left: str
    right: str
    level: str  # empty: a field the matcher does not compare


def side_by_side(pair: MatchPair) -> list[Row]:
    """The rows in the active language. Select the pair with ``left__household`` and
    ``right__household``."""
    return [
        Row(
            str(label),
            _shown(pair.left, names),
            _shown(pair.right, names),
            str(level_label(comparison, pair.levels.get(comparison))) if comparison else "",
        )
        for label, names, comparison in ROWS
    ]


def _shown(person: Person, names: tuple[str, ...]) -> str:
    return " · ".join(text for name in names if (text := _text(person, name))) or "—"


def _text(person: Person, name: str) -> str:
    if name in {"sex", "presence"}:
        return str(getattr(person, f"get_{name}_display")())
    value = getattr(person, name)
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if name == "household":
        return value.code
    return mask(value) if name in MASKED else str(value)
