"""The 12-digit personal identification number (số định danh cá nhân).

Decree 137/2015/NĐ-CP art. 13; Circular 07/2016/TT-BCA art. 7 and annexes I–III:
digits 1–3 the province (or country) where the birth was registered, digit 4 century and sex,
digits 5–6 the last two digits of the year of birth, digits 7–12 a random serial.
There is no check digit: only structure and consistency with birth data can be checked.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Annex I of Circular 07/2016/TT-BCA (the 63 provinces before 2025). The 2025 mergers do not
# change numbers already issued, so this table stays the reference for validation.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa-Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

FIRST_CENTURY = 1900  # digit 4: 0/1 for 1900–1999, 2/3 for 2000–2099, … 8/9 for 2300–2399


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class Rejection(StrEnum):
    """Why a number is not a valid personal ID; each has a Vietnamese and an English text."""

    LENGTH = "length"
    NOT_DIGITS = "not_digits"
    PROVINCE = "province"
    CENTURY_SEX = "century_sex"
    SEX_MISMATCH = "sex_mismatch"
    YEAR_MISMATCH = "year_mismatch"
    CENTURY_MISMATCH = "century_mismatch"


MESSAGES: dict[Rejection, tuple[str, str]] = {
    Rejection.LENGTH: ("phải có đúng 12 chữ số, có {n}", "must have exactly 12 digits, has {n}"),
    Rejection.NOT_DIGITS: ("chỉ được gồm chữ số", "must contain digits only"),
    Rejection.PROVINCE: (
        "mã tỉnh nơi đăng ký khai sinh {code} không có trong danh mục",
        "birth-registration province code {code} is not in the table",
    ),
    Rejection.CENTURY_SEX: (
        "chữ số thứ 4 (thế kỷ và giới tính) {digit} không hợp lệ",
        "digit 4 (century and sex) {digit} is not valid",
    ),
    Rejection.SEX_MISMATCH: (
        "chữ số thứ 4 cho giới tính {id_sex}, hồ sơ ghi {sex}",
        "digit 4 says sex {id_sex}, the record says {sex}",
    ),
    Rejection.YEAR_MISMATCH: (
        "chữ số 5–6 là năm {yy}, năm sinh ghi {year}",
        "digits 5–6 give year {yy}, the date of birth says {year}",
    ),
    Rejection.CENTURY_MISMATCH: (
        "chữ số thứ 4 cho thế kỷ {century}, năm sinh ghi {year}",
        "digit 4 gives century {century}, the date of birth says {year}",
    ),
}


@dataclass(frozen=True)
class IdProblem:
    reason: Rejection
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.message_vi} / {self.message_en}"


def _problem(reason: Rejection, **values: object) -> IdProblem:
    vi, en = MESSAGES[reason]
    return IdProblem(reason, vi.format(**values), en.format(**values))


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: str
    sex: Sex
    century_start: int
    year_digits: int

    @property
    def birth_year(self) -> int:
        return self.century_start + self.year_digits

    @property
    def province_name(self) -> str:
        return PROVINCE_CODES[self.province_code]


class InvalidPersonalId(ValueError):
    def __init__(self, number: str, problems: list[IdProblem]) -> None:
        self.number = number
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def parse(number: str) -> PersonalId:
    """Split a number into its parts, or raise :class:`InvalidPersonalId` saying why."""
    problems = _structure_problems(number)
    if problems:
        raise InvalidPersonalId(number, problems)
    return _parts(number)


def _parts(number: str) -> PersonalId:
    """The parts of a number whose structure is valid (not checked again here)."""
    digit = int(number[3])
    return PersonalId(
        number=number,
        province_code=number[:3],
        sex=Sex.MALE if digit % 2 == 0 else Sex.FEMALE,
        century_start=FIRST_CENTURY + 100 * (digit // 2),
        year_digits=int(number[4:6]),
    )


def _structure_problems(number: str) -> list[IdProblem]:
    if number.strip("0123456789"):
        return [_problem(Rejection.NOT_DIGITS)]
    if len(number) != 12:
        return [_problem(Rejection.LENGTH, n=len(number))]
    if number[:3] not in PROVINCE_CODES:
        return [_problem(Rejection.PROVINCE, code=number[:3])]
    return []


def problems(
    number: str, *, birth_year: int | None = None, sex: Sex | str | None = None
) -> list[IdProblem]:
    """Every reason ``number`` is not a valid ID for a person born in ``birth_year`` of ``sex``;
    an empty list means valid. Digit 4 is always a valid digit (0–9 all name a century and sex
    from 1900 to 2399), so century problems show only against a recorded year."""
    found = _structure_problems(number)
    if found:
        return found
    # The structure is checked once: asked of every row of an import, more than once.
    parsed = _parts(number)
    if sex is not None and sex != parsed.sex:  # Sex(sex) still refuses what is not a sex
        found.append(_problem(Rejection.SEX_MISMATCH, id_sex=parsed.sex.value, sex=Sex(sex).value))
    if birth_year is not None:
        if birth_year % 100 != parsed.year_digits:
            found.append(
                _problem(Rejection.YEAR_MISMATCH, yy=f"{parsed.year_digits:02d}", year=birth_year)
            )
        elif birth_year - birth_year % 100 != parsed.century_start:
            found.append(
                _problem(Rejection.CENTURY_MISMATCH, century=parsed.century_start, year=birth_year)
            )
    return found


def validate(number: str, *, birth_date: date | None = None, sex: Sex | str | None = None) -> None:
    """Raise :class:`InvalidPersonalId` with every reason, or return quietly."""
    found = problems(number, birth_year=birth_date.year if birth_date else None, sex=sex)
    if found:
        raise InvalidPersonalId(number, found)


def century_sex_digit(year: int, sex: Sex | str) -> int:
    if not FIRST_CENTURY <= year < FIRST_CENTURY + 500:
        raise ValueError(f"year {year} is outside 1900–2399")
    return 2 * ((year - FIRST_CENTURY) // 100) + (0 if Sex(sex) == Sex.MALE else 1)


def generate(*, province_code: str, birth_year: int, sex: Sex | str, serial: int) -> str:
    """Build the number for a birth registered in ``province_code`` (3 digits, annex I)."""
    if province_code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {province_code}")
    if not 0 <= serial < 1_000_000:
        raise ValueError("serial must have at most 6 digits")
    digit = century_sex_digit(birth_year, sex)
    return f"{province_code}{digit}{birth_year % 100:02d}{serial:06d}"


def mask(number: str) -> str:
    """For lists and logs: only the last 4 digits show."""
    return "•" * max(len(number) - 4, 0) + number[-4:]
