"""Forms of the reports' pages: what a POST or a search may say, checked at the edge."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import UnitNotFound, unit_from_picker
from cancuoc.lib.validators import refuse_unsafe_characters, refuse_unsafe_characters_multiline


class HandoverForm(forms.Form):
    """Hand an absent resident over: the person (by id), the unit picked (an entry of the
    picker, a code or a name) and where they live now."""

    # An id the page localised ("14,909") is refused with a message, never a 500.
    person = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": _("Cần chọn một người trong danh sách."),
            "invalid": _("Mã người không hợp lệ: hãy tải lại trang."),
            "min_value": _("Mã người không hợp lệ: hãy tải lại trang."),
        },
    )
    to_unit = forms.CharField(
        label=_("Nơi đến"),
        max_length=255,
        error_messages={"required": _("Cần chọn đơn vị nơi đến.")},
    )
    whereabouts = forms.CharField(
        max_length=255, required=False, strip=True, validators=[refuse_unsafe_characters]
    )

    def clean_to_unit(self) -> AdministrativeUnit:
        try:
            return unit_from_picker(self.cleaned_data["to_unit"])
        except UnitNotFound as error:
            raise forms.ValidationError(str(error)) from error


class HandoverDecisionForm(forms.Form):
    """The receiving unit's answer: accept, or refuse with a reason."""

    action = forms.ChoiceField(choices=[("accept", "accept"), ("refuse", "refuse")])
    reason = forms.CharField(max_length=1000, required=False, validators=[refuse_unsafe_characters])


class ObstacleForm(forms.Form):
    """A difficulty raised from a unit's page: a short title (the column holds 255
    characters: longer is refused here, on every database) and an optional detail."""

    title = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        max_length=255,
        validators=[refuse_unsafe_characters],
        error_messages={
            "required": _("Cần ghi nội dung khó khăn, vướng mắc."),
            "max_length": _("Nội dung dài quá %(limit_value)d ký tự (đang có %(show_value)d)."),
        },
    )
    detail = forms.CharField(
        required=False,
        max_length=4000,
        validators=[refuse_unsafe_characters_multiline],
        error_messages={
            "max_length": _("Chi tiết dài quá %(limit_value)d ký tự (đang có %(show_value)d)."),
        },
    )
