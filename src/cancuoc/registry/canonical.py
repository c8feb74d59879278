"""The canonical person file (persons.csv): Vietnamese headers, one row per person.

Documented in docs/import-format.md. Dates are dd/mm/yyyy, or mm/yyyy and yyyy when only the
month or year of birth is known.
"""

from collections.abc import Callable
from datetime import date
from functools import cache

from django.utils.translation import override

from .choices import CardKind, DatePrecision, Presence, Relation, Sex
from .records import PersonRecord


def date_text(day: date | None, precision: str = DatePrecision.DAY) -> str:
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{day:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{day:%m/%Y}"
    return f"{day:%d/%m/%Y}"


def _label(choices) -> Callable[[str], str]:
    """A choice's label as the file writes it: in Vietnamese whatever the active language
    (the file is read back by the import), computed on first use."""

    @cache
    def labels() -> dict[str, str]:
        with override("vi"):
            return {value: str(label) for value, label in choices.choices}

    return lambda value: labels().get(value, "") if value else ""


_sex, _relation, _presence, _card = (
    _label(Sex),
    _label(Relation),
    _label(Presence),
    _label(CardKind),
)

COLUMNS: list[tuple[str, Callable[[PersonRecord], str]]] = [
    ("Mã bản ghi", lambda r: r.ref),
    ("Số định danh cá nhân", lambda r: r.personal_id),
    ("Họ, chữ đệm và tên", lambda r: r.full_name),
    ("Ngày sinh", lambda r: date_text(r.birth_date, r.birth_date_precision)),
    ("Giới tính", lambda r: _sex(r.sex)),
    ("Dân tộc", lambda r: r.ethnicity),
    ("Tôn giáo", lambda r: r.religion),
    ("Quốc tịch", lambda r: r.nationality),
    ("Nơi đăng ký khai sinh", lambda r: r.birth_registration_place),
    ("Quê quán", lambda r: r.native_place),
    ("Số điện thoại", lambda r: r.phone),
    ("Mã hộ", lambda r: r.household_code),
    ("Quan hệ với chủ hộ", lambda r: _relation(r.relation_to_head)),
    ("Mã đơn vị thường trú", lambda r: r.permanent_unit),
    ("Địa chỉ thường trú", lambda r: r.permanent_address),
    ("Mã đơn vị tạm trú", lambda r: r.temporary_unit),
    ("Địa chỉ tạm trú", lambda r: r.temporary_address),
    ("Ngày đăng ký tạm trú", lambda r: date_text(r.temporary_since)),
    ("Tình trạng", lambda r: _presence(r.presence)),
    ("Ngày thay đổi tình trạng", lambda r: date_text(r.presence_since)),
    ("Nơi ở hiện tại khi vắng mặt", lambda r: r.whereabouts),
    ("Loại giấy tờ", lambda r: _card(r.card_kind)),
    ("Số giấy tờ", lambda r: r.card_number),
    ("Ngày cấp", lambda r: date_text(r.card_issued_on)),
    ("Có giá trị đến", lambda r: date_text(r.card_expires_on)),
    ("Mã đơn vị thường trú trước 01/7/2025", lambda r: r.permanent_recorded_unit),
]

HEADERS = [header for header, _ in COLUMNS]


def to_row(record: PersonRecord) -> list[str]:
    return [render(record) for _, render in COLUMNS]
