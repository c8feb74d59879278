"""What the check-in page posts, checked at the edge: a bad value is a clear 400, never a 500."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cancuoc.lib.validators import refuse_unsafe_characters

# A database key (signed 64 bits).
LARGEST_KEY = 2**63 - 1


class CheckinSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm"), max_length=200, required=False, validators=[refuse_unsafe_characters]
    )
    diem = forms.CharField(label=_("Điểm thu nhận"), max_length=32, required=False)


class RecordForm(forms.Form):
    ACCEPT, REJECT = "accept", "reject"

    person = forms.IntegerField(label=_("Công dân"), min_value=1, max_value=LARGEST_KEY)
    kit = forms.CharField(label=_("Bộ thu nhận"), max_length=32)
    key = forms.CharField(label=_("Mã lần gửi"), max_length=64)
    started = forms.DateTimeField(label=_("Bắt đầu"), required=False)
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        choices=[(ACCEPT, _("Đạt")), (REJECT, _("Phải thu nhận lại"))],
        required=False,
    )
    reason = forms.CharField(
        label=_("Lý do"), max_length=255, required=False, validators=[refuse_unsafe_characters]
    )
    walk_in = forms.BooleanField(label=_("Không hẹn trước"), required=False)
    confirm = forms.BooleanField(label=_("Đã kiểm tra, vẫn ghi hồ sơ"), required=False)
    trang = forms.IntegerField(min_value=1, required=False)
