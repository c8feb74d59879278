"""The SMS that tells a person their appointment (tin nhắn hẹn), in Vietnamese and unaccented.

Text with diacritics goes out in UCS-2: 70 characters in one message, 67 a part when split, so
an appointment takes two or three. Carriers (Viettel, Vinaphone, Mobifone) bill per part, and
brand-name SMS campaigns send Vietnamese without diacritics in GSM-7: 160 characters in one
message. The unaccented text is therefore made to fit one GSM-7 message whatever the names
are: the station's name is shortened first (common abbreviations, then cut at a word), the
person's name only when it is so long (over 40-odd letters) that the station's could not keep
even a recognisable stub.
"""

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from cancuoc.lib.text import nfc, strip_diacritics

from .documents import time_window
from .models import Appointment

# GSM 03.38: the basic table (one septet each; the escape character is left out) and the
# extension table reached through it (two septets each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[]~|€")
GSM7_SINGLE = 160
UCS2_SINGLE, UCS2_PART = 70, 67

# Typographic characters that have a plain GSM-7 look-alike (NFKC folds "…" and no-break
# spaces already).
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})

# Abbreviations officials themselves use for place and body names, longest first.
_ABBREVIATIONS = [
    (r"ủy ban nhân dân|uỷ ban nhân dân", "UBND"),
    (r"trung học phổ thông", "THPT"),
    (r"trung học cơ sở", "THCS"),
    (r"nhà văn hóa|nhà văn hoá", "NVH"),
    (r"tổ dân phố", "TDP"),
    (r"công an", "CA"),
    (r"thành phố", "TP"),
    (r"thị trấn", "TT"),
    (r"thị xã", "TX"),
    (r"khu phố", "KP"),
    (r"phường", "P."),
    (r"huyện", "H."),
    (r"xã", "X."),
    (r"trường", "Tr."),
]
_ABBREVIATION_RES = [
    (re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE), short)
    for words, short in _ABBREVIATIONS
]
# Fewer characters than this and a station's name no longer says which station it is.
_STATION_AT_LEAST = 12


@dataclass(frozen=True)
class Sms:
    text: str  # Vietnamese with diacritics, the names in full
    unaccented: str  # GSM-7 only, at most 160 septets: one message

    @property
    def ucs2_segments(self) -> int:
        return ucs2_segments(self.text)

    @property
    def gsm7_septets(self) -> int:
        return _septets(self.unaccented)


def appointment_sms(*, appointment: Appointment) -> Sms:
    """The appointment's SMS: who, where, when, the code, what to bring."""
    starts, ends = time_window(appointment.slot)

    def render(name: str, station: str) -> str:
        return nfc(
            f"Mời {name} đến {station} làm CCCD lúc {starts:%H:%M}-{ends:%H:%M} "
            f"ngày {starts:%d/%m/%Y}. Mã hẹn: {appointment.code}. "
            "Mang CMND cũ, sổ hộ khẩu nếu có."
        )

    name = " ".join(appointment.person.full_name.split())
    station = " ".join(appointment.slot.station.name.split())
    short_name, short_station = _fitted(name, station, lambda n, s: to_gsm7(render(n, s)))
    return Sms(text=render(name, station), unaccented=to_gsm7(render(short_name, short_station)))


def to_gsm7(text: str) -> str:
    """Vietnamese without diacritics (đ → d), in the GSM-7 alphabet; any character beyond it
    (a letter of another script) becomes "?"."""
    plain = strip_diacritics(unicodedata.normalize("NFKC", text).translate(_FOLD))
    return "".join(ch if ch in GSM7_BASIC or ch in GSM7_EXTENSION else "?" for ch in plain)


def gsm7_septets(text: str) -> int | None:
    """The length of ``text`` in GSM-7 septets, or None when it is not GSM-7 text."""
    if not all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        return None
    return len(text) + sum(1 for ch in text if ch in GSM7_EXTENSION)


def ucs2_segments(text: str) -> int:
    """How many messages ``text`` takes in UCS-2 (UTF-16 code units, as phones count)."""
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= UCS2_SINGLE else math.ceil(units / UCS2_PART)


def abbreviate(station: str) -> str:
    """ "Công an phường Đông Hương, thành phố Thanh Hóa" -> "CA P. Đông Hương, TP Thanh Hóa"."""
    for pattern, short in _ABBREVIATION_RES:
        station = pattern.sub(short, station)
    return station


def _fitted(name: str, station: str, render: Callable[[str, str], str]) -> tuple[str, str]:
    """The longest unaccented forms of the name and station that ``render`` fits into one
    GSM-7 message: the station abbreviated, then cut; the name as initials and given name,
    then cut, only when the station cannot keep even a recognisable stub."""
    stations = [to_gsm7(station), to_gsm7(abbreviate(station))]
    names = [to_gsm7(name), to_gsm7(name_initials(name))]
    for person in names:
        for where in stations:
            if _septets(render(person, where)) <= GSM7_SINGLE:
                return person, where
        room = GSM7_SINGLE - _septets(render(person, ""))
        if room >= _STATION_AT_LEAST:
            return person, cut_to_septets(stations[-1], room)
    where = cut_to_septets(stations[-1], _STATION_AT_LEAST)
    return cut_to_septets(names[-1], GSM7_SINGLE - _septets(render("", where))), where


def name_initials(name: str) -> str:
    """ "Nguyen Thi Huyen Trang" -> "N.T.H. Trang": how a long name is shortened on forms."""
    words = name.split()
    if len(words) < 2:
        return name
    return "".join(f"{word[0]}." for word in words[:-1]) + " " + words[-1]


def cut_to_septets(text: str, septets: int) -> str:
    """The longest start of ``text`` within ``septets``, ending at a word's end when it can:
    "CA P. Dong Huong, TP Thanh Hoa, tinh Thanh Hoa" cut to 34 is "CA P. Dong Huong, TP
    Thanh Hoa"."""
    kept, used = [], 0
    for ch in text:
        used += 2 if ch in GSM7_EXTENSION else 1
        if used > septets:
            break
        kept.append(ch)
    start = "".join(kept)
    if len(start) < len(text) and not text[len(start)].isspace() and " " in start.strip():
        start = start.strip().rsplit(" ", 1)[0]
    return start.rstrip(" ,;-")


def _septets(text: str) -> int:
    septets = gsm7_septets(text)
    assert septets is not None, "to_gsm7 leaves only GSM-7 characters"
    return septets
