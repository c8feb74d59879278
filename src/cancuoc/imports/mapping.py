"""Which column of a commune's file is which field of a person (PersonRecord).

A header matches when it equals an alias once both are reduced to lower-case ASCII words
(diacritics, punctuation and notes in brackets dropped): "Ngày, tháng, năm sinh (*)" and
"ngay_thang_nam_sinh" both read as "ngay thang nam sinh". Sites add their own headers with
the setting ``CANCUOC_IMPORT_COLUMNS = {"ref": ["STT hồ sơ"], ...}`` (field: extra headers).
"""

import re
from dataclasses import dataclass

from django.conf import settings

from cancuoc.lib.text import nfc, strip_diacritics
from cancuoc.registry.canonical import HEADERS


@dataclass(frozen=True)
class Field:
    name: str  # the PersonRecord attribute
    header: str  # the header of the canonical file (docs/import-format.md)
    hint: str  # what the template tells the commune to type
    required: bool = False


FIELDS = [
    Field(
        "ref", HEADERS[0], "mã của dòng trong nguồn, không trùng; để trống: tính từ nội dung dòng"
    ),
    Field("personal_id", HEADERS[1], "12 chữ số"),
    Field("full_name", HEADERS[2], "họ, chữ đệm, tên (có dấu)", required=True),
    Field("birth_date", HEADERS[3], "dd/mm/yyyy, mm/yyyy hoặc yyyy", required=True),
    Field("sex", HEADERS[4], "Nam / Nữ", required=True),
    Field("ethnicity", HEADERS[5], "Kinh, Mường, …"),
    Field("religion", HEADERS[6], "Không nếu không theo tôn giáo"),
    Field("nationality", HEADERS[7], "để trống: Việt Nam"),
    Field("birth_registration_place", HEADERS[8], "văn bản"),
    Field("native_place", HEADERS[9], "văn bản"),
    Field("phone", HEADERS[10], "chữ số"),
    Field("household_code", HEADERS[11], "thành viên cùng hộ có cùng mã"),
    Field("relation_to_head", HEADERS[12], "Chủ hộ, Vợ/chồng, Con, Cha/mẹ, Cháu, …"),
    Field("permanent_unit", HEADERS[13], "mã thôn/tổ hoặc mã xã"),
    Field("permanent_address", HEADERS[14], "văn bản"),
    Field("temporary_unit", HEADERS[15], "mã thôn/tổ hoặc mã xã"),
    Field("temporary_address", HEADERS[16], "văn bản"),
    Field("temporary_since", HEADERS[17], "dd/mm/yyyy"),
    Field("presence", HEADERS[18], "Đang cư trú, Vắng mặt khỏi nơi cư trú, Đã chết, Đã chuyển đi"),
    Field("presence_since", HEADERS[19], "dd/mm/yyyy"),
    Field("whereabouts", HEADERS[20], "văn bản"),
    Field("card_kind", HEADERS[21], "CMND 9 số, CMND 12 số, CCCD mã vạch, CCCD gắn chip, …"),
    Field("card_number", HEADERS[22], "chữ số"),
    Field("card_issued_on", HEADERS[23], "dd/mm/yyyy"),
    Field("card_expires_on", HEADERS[24], "dd/mm/yyyy; để trống: tính theo luật"),
    Field(
        "permanent_recorded_unit",
        HEADERS[25],
        "mã xã trên bản đồ trước 01/7/2025, nếu danh sách ghi theo địa giới cũ",
    ),
]
FIELD_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = [f.name for f in FIELDS if f.required]
# A column of commune lists that holds either number: a 9-digit CMND (an old card) or a
# 12-digit number (the personal ID, which 12-digit CMND and CCCD carry), or both in one cell.
# Each value goes to its field (parsing.py); not a column of the canonical file.
ID_NUMBERS = Field("id_numbers", "Số CMND/CCCD", "9 hoặc 12 chữ số, hoặc cả hai")

# Headers seen in commune files and in the fields of form DC01 (Circular 66/2015, amended by
# 104/2020), besides the canonical header and the field's own name.
ALIASES: dict[str, list[str]] = {
    "ref": ["Mã", "Mã công dân", "Mã nhân khẩu", "ID", "Mã hồ sơ"],
    "personal_id": [
        "Số định danh",
        "Mã định danh",
        "Mã định danh cá nhân",
        "Số ĐDCN",
        "Số CCCD",
        "Số CCCD/ĐDCN",
        "Số CCCD/Số định danh",
    ],
    "id_numbers": [
        "Số CMND/CCCD",
        "CMND/CCCD",
        "Số CMND, CCCD",
        "Số CMND/CCCD/ĐDCN",
        "Số CMND/Số định danh",
        "Số định danh cá nhân/CMND",
        "Số CMND hoặc CCCD",
        "CMND/CCCD số",
        "Số CCCD/CMND",
    ],
    "full_name": [
        "Họ, chữ đệm và tên khai sinh",
        "Họ và tên",
        "Họ tên",
        "Họ tên khai sinh",
        "Họ và tên khai sinh",
        "Họ và tên công dân",
        "Họ tên công dân",
        "Name",
    ],
    "birth_date": [
        "Ngày, tháng, năm sinh",
        "Ngày tháng năm sinh",
        "Năm sinh",
        "Sinh ngày",
        "Ngày sinh (dd/mm/yyyy)",
        "NTNS",
    ],
    "sex": ["Giới", "Nam/Nữ", "Sex"],
    "birth_registration_place": ["Nơi ĐKKS", "Nơi đăng ký khai sinh (tỉnh)"],
    "native_place": ["Nguyên quán"],
    "phone": ["Điện thoại", "SĐT", "Số ĐT", "Điện thoại liên hệ"],
    "household_code": ["Số hộ khẩu", "Số sổ hộ khẩu", "Mã hộ gia đình", "Số hộ"],
    "relation_to_head": ["Quan hệ chủ hộ", "QH với chủ hộ", "Quan hệ"],
    "permanent_unit": ["Mã ĐV thường trú", "Mã thôn thường trú", "Mã nơi thường trú"],
    "permanent_address": [
        "Nơi thường trú",
        "Thường trú",
        "Địa chỉ",
        "Địa chỉ thường trú hiện nay",
        "Nơi ĐKTT",
        "Nơi đăng ký thường trú",
        "HKTT",
        "Hộ khẩu thường trú",
    ],
    "temporary_unit": ["Mã ĐV tạm trú", "Mã thôn tạm trú", "Mã nơi tạm trú"],
    "temporary_address": ["Nơi tạm trú", "Tạm trú"],
    "temporary_since": ["Tạm trú từ ngày", "Ngày tạm trú"],
    "presence": ["Tình trạng cư trú"],
    "whereabouts": ["Nơi ở khi vắng mặt", "Hiện ở"],
    "card_kind": ["Loại giấy tờ tùy thân", "Loại thẻ"],
    "card_number": ["Số CMND", "Số thẻ", "Số CMND cũ", "CMND"],
    "card_issued_on": ["Ngày cấp CMND/CCCD", "Ngày cấp thẻ", "Ngày cấp CMND"],
    "card_expires_on": ["Ngày hết hạn", "Giá trị đến"],
}

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def header_key(text: str) -> str:
    """ "Ngày, tháng, năm sinh (*)" -> "ngay thang nam sinh"."""
    plain = strip_diacritics(nfc(_BRACKETS.sub(" ", text))).lower()
    return _NOT_WORD.sub(" ", plain.replace("_", " ")).strip()


def column_aliases() -> dict[str, str]:
    """Header key -> field, with the site's additions from ``CANCUOC_IMPORT_COLUMNS``."""
    extra: dict[str, list[str]] = getattr(settings, "CANCUOC_IMPORT_COLUMNS", {})
    unknown = set(extra) - set(FIELD_BY_NAME) - {ID_NUMBERS.name}
    if unknown:
        raise ValueError(f"CANCUOC_IMPORT_COLUMNS: unknown fields {sorted(unknown)}")
    found = {
        header_key(text): field.name
        for field in (*FIELDS, ID_NUMBERS)
        for text in (field.header, field.name, *ALIASES.get(field.name, []))
    }
    found.update({header_key(text): name for name, texts in extra.items() for text in texts})
    return found


@dataclass(frozen=True)
class Columns:
    """What one kind of file holds, for the reader (readers.file_layout): each field's
    canonical header, the headers that name a field (by :func:`header_key`), the fields
    without which a sheet is not read, and what the file is, for messages."""

    headers: dict[str, str]  # field -> canonical header
    aliases: dict[str, str]  # header key -> field
    required: tuple[str, ...]
    what_vi: str
    what_en: str


def person_columns() -> Columns:
    """The person file (docs/import-format.md), with the site's added headers."""
    return Columns(
        headers={f.name: f.header for f in (*FIELDS, ID_NUMBERS)},
        aliases=column_aliases(),
        required=tuple(REQUIRED),
        what_vi="danh sách nhân khẩu",
        what_en="a list of persons",
    )
