"""Templates, the text each person gets, and phone numbers in one form."""

import pytest
from django.core.exceptions import ValidationError

from cancuoc.outreach.services import template_create
from cancuoc.outreach.texts import phone_key, template_render
from cancuoc.scheduling.messages import gsm7_septets


def test_a_number_written_any_way_is_one_number():
    forms = ["0912345678", "+84 912 345 678", "84912345678", "0912.345.678"]
    assert {phone_key(form) for form in forms} == {"0912345678"}
    assert phone_key("02373852123") == "02373852123"  # a landline: eleven digits
    assert phone_key("12345") is None
    assert phone_key("") is None


def test_the_unaccented_text_is_made_from_the_vietnamese_when_left_out(db):
    template = template_create(name="t", text="Mời anh/chị {ten} đến làm CCCD. Mã: {ho_ten}")
    assert template.unaccented == "Moi anh/chi {ten} den lam CCCD. Ma: {ho_ten}"


@pytest.mark.parametrize(
    ("text", "unaccented", "field"),
    [
        ("Mời {ho_ten} {so_cmnd}", "", "text"),  # a placeholder nobody fills in
        ("Mời {ho_ten", "", "text"),
        ("Mời {ho_ten}", "Mời {ho_ten}", "unaccented"),  # diacritics are not GSM-7
        ("Mời {ho_ten}", "x" * 150 + " {ho_ten}", "unaccented"),  # no room for the name
    ],
)
def test_a_template_that_cannot_be_filled_into_one_sms_is_refused(db, text, unaccented, field):
    with pytest.raises(ValidationError) as refused:
        template_create(name="t", text=text, unaccented=unaccented)
    assert field in refused.value.message_dict


def test_a_long_name_is_shortened_so_the_text_stays_one_sms():
    unaccented = "x" * 140 + " {ho_ten}."
    assert template_render("Moi {ho_ten}.", full_name="Nguyễn  Văn An") == "Moi Nguyen Van An."
    short = template_render(unaccented, full_name="Nguyễn Thị Huyền Trang")
    assert short.endswith(" N.T.H. Trang.") and gsm7_septets(short) <= 160
    cut = template_render(unaccented, full_name="Tôn Nữ Thị Hoàng Phương Khuê Thanh Thảo")
    assert gsm7_septets(cut) <= 160 and cut.startswith("x" * 140 + " T.N.T.")
