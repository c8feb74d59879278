"""The appointment SMS: Vietnamese in full, and an unaccented text that always fits one GSM-7
message, whatever the names."""

from datetime import datetime, timedelta

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cancuoc.planning.models import Station
from cancuoc.registry.models import Person
from cancuoc.scheduling.messages import (
    abbreviate,
    appointment_sms,
    gsm7_septets,
    to_gsm7,
    ucs2_segments,
)
from cancuoc.scheduling.models import Appointment, Slot

STARTS = timezone.make_aware(datetime(2021, 6, 7, 7, 30))


def appointment(*, name: str, station: str, code: str = "K7M2P9QX4R") -> Appointment:
    """An appointment in memory: the SMS reads nothing from the database."""
    slot = Slot(
        station=Station(name=station), starts_at=STARTS, ends_at=STARTS + timedelta(minutes=30)
    )
    return Appointment(person=Person(full_name=name), slot=slot, code=code)


def test_the_sms_tells_who_where_when_the_code_and_what_to_bring():
    sms = appointment_sms(appointment=appointment(name="Nguyễn Văn An", station="Công an Xã Một"))

    assert sms.text == (
        "Mời Nguyễn Văn An đến Công an Xã Một làm CCCD lúc 07:30-08:00 ngày "
        "07/06/2021. Mã hẹn: K7M2P9QX4R. Mang CMND cũ, sổ hộ khẩu nếu có."
    )
    assert sms.unaccented == (
        "Moi Nguyen Van An den Cong an Xa Mot lam CCCD luc 07:30-08:00 ngay "
        "07/06/2021. Ma hen: K7M2P9QX4R. Mang CMND cu, so ho khau neu co."
    )
    assert sms.ucs2_segments == 2
    assert sms.gsm7_septets == len(sms.unaccented) <= 160


def test_a_long_station_name_is_abbreviated_as_officials_write_it():
    station = "Công an phường Đông Hương, thành phố Thanh Hóa, tỉnh Thanh Hóa"
    sms = appointment_sms(appointment=appointment(name="Nguyễn Thị Huyền Trang", station=station))

    assert station in sms.text
    assert "den CA P. Dong Huong, TP Thanh Hoa lam CCCD luc" in sms.unaccented
    assert "Moi Nguyen Thi Huyen Trang den" in sms.unaccented
    assert len(sms.unaccented) <= 160


def test_abbreviations_take_whole_words_in_any_case_and_either_tone_placement():
    assert abbreviate("Uỷ ban nhân dân xã Quảng Phú") == "UBND X. Quảng Phú"
    assert abbreviate("Nhà văn hoá thôn Yên Xá") == "NVH thôn Yên Xá"
    assert abbreviate("Trường Trung học phổ thông Hàm Rồng") == "Tr. THPT Hàm Rồng"
    assert abbreviate("Xã Đoàn") == "X. Đoàn"
    assert abbreviate("Xãi") == "Xãi"


def test_gsm7_counts_extension_characters_twice_and_refuses_other_alphabets():
    assert gsm7_septets("Ma hen: ABC") == 11
    assert gsm7_septets("[€]") == 6
    assert gsm7_septets("Mã") is None
    assert to_gsm7("Đặng “Bé” Lựu – 王") == 'Dang "Be" Luu - ?'


def test_ucs2_parts_are_70_characters_alone_and_67_when_split():
    assert [ucs2_segments("ạ" * n) for n in (70, 71, 134, 135)] == [1, 2, 2, 3]


SYLLABLES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Đặng",
    "Thị",
    "Văn",
    "Ngọc",
    "Xuân",
    "Thuỷ",
    "Hoàng",
    "Phường",
    "Xã",
    "Công",
    "an",
    "thành",
    "phố",
    "Trường",
    "Trung",
    "học",
    "phổ",
    "thông",
    "Đông",
    "Hương",
    "Nghĩa",
    "Khuê",
    "Quỳnh",
    "Uỷ",
    "ban",
    "nhân",
    "dân",
    "huyện",
]
vietnamese = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=25).map(" ".join)
anything = st.text(min_size=1, max_size=250).filter(str.strip)


@given(name=vietnamese | anything, station=vietnamese | anything)
def test_the_unaccented_sms_always_fits_one_gsm7_message(name, station):
    sms = appointment_sms(appointment=appointment(name=name, station=station))

    septets = gsm7_septets(sms.unaccented)
    assert septets is not None
    assert septets <= 160
    assert "07:30-08:00 ngay 07/06/2021. Ma hen: K7M2P9QX4R." in sms.unaccented
    if gsm7_septets(to_gsm7(sms.text)) <= 160:
        assert sms.unaccented == to_gsm7(sms.text)  # nothing shortened that fitted


@given(name=vietnamese, station=vietnamese)
def test_only_what_does_not_fit_is_shortened_and_the_station_goes_first(name, station):
    sms = appointment_sms(appointment=appointment(name=name, station=station))

    plain_name = to_gsm7(" ".join(name.split()))
    fixed = len(to_gsm7(sms.text)) - len(to_gsm7(name)) - len(to_gsm7(station))
    if fixed + len(plain_name) + 12 <= 160:  # room for the name and a station stub
        assert f"Moi {plain_name} den " in sms.unaccented
