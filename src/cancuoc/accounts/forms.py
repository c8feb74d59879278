from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .totp import enrolment_code_use, looks_like_an_enrolment_code


class LoginForm(AuthenticationForm, OTPAuthenticationFormMixin):
    """Password, then the TOTP code for users who have a device. Where the second factor is
    required, a user without a device is refused unless they type, in the code's box, an
    enrolment code an administrator issued them (``cancuoc token enrol USER``): the session
    may then set up the authenticator app, and nothing else (accounts.totp)."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("Mã xác thực (6 số)"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_device": _(
            "Tài khoản chưa có xác thực hai lớp: hãy nhập vào ô mã xác thực mã cài đặt do "
            "quản trị viên cấp."
        ),
        "bad_enrolment_code": _("Mã cài đặt không đúng, đã dùng hoặc đã hết hạn."),
    }
    # django-otp's own messages are in English with no Vietnamese: ours, in Vietnamese.
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Hãy nhập mã xác thực 6 số."),
        "invalid_token": _("Mã xác thực không đúng, hãy nhập lại."),
        "n_failed_attempts": ngettext_lazy(
            "Tạm khoá xác thực sau %(failure_count)d lần nhập sai, hãy thử lại sau ít phút.",
            "Tạm khoá xác thực sau %(failure_count)d lần nhập sai, hãy thử lại sau ít phút.",
            "failure_count",
        ),
        "verification_not_allowed": _("Tạm thời chưa xác thực được mã, hãy thử lại sau."),
        "device_required": _("Hãy chọn thiết bị xác thực."),
        "not_interactive": _("Thiết bị xác thực này không gửi mã."),
        "challenge_exception": _("Không tạo được mã: {0}"),
        "challenge_message": _("Mã xác thực: {0}"),
    }

    def _chosen_device(self, user):
        """Officers have one authenticator app: use it unless the form names another."""
        chosen = super()._chosen_device(user)
        return chosen or TOTPDevice.objects.filter(user=user, confirmed=True).first()

    # Set by clean(): the user logged in with an enrolment code.
    enrolment = False

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        token = self.cleaned_data.get("otp_token") or ""
        if settings.CANCUOC_REQUIRE_2FA and looks_like_an_enrolment_code(token):
            if not enrolment_code_use(user, token):
                raise forms.ValidationError(
                    self.error_messages["bad_enrolment_code"], code="bad_enrolment_code"
                )
            self.enrolment = True
        elif user_has_device(user):
            self.clean_otp(user)
        elif settings.CANCUOC_REQUIRE_2FA:
            raise forms.ValidationError(self.error_messages["no_device"], code="no_device")
        return cleaned


class TotpConfirmForm(forms.Form):
    """The first code of a new authenticator app, which confirms it."""

    token = forms.CharField(max_length=16, strip=True)
