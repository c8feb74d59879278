from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


class LoginForm(AuthenticationForm, OTPAuthenticationFormMixin):
    """Password, then the TOTP code for users who have a device. Where the second factor is
    required, a user without a device is refused until one is set up by an administrator."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label="Mã xác thực (6 số) / one-time code", required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_device": (
            "Tài khoản chưa có xác thực hai lớp; liên hệ quản trị viên. / This account has no "
            "second factor yet; ask an administrator."
        ),
    }

    def _chosen_device(self, user):
        """Officers have one authenticator app: use it unless the form names another."""
        chosen = super()._chosen_device(user)
        return chosen or TOTPDevice.objects.filter(user=user, confirmed=True).first()

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        if user_has_device(user):
            self.clean_otp(user)
        elif settings.CANCUOC_REQUIRE_2FA:
            raise forms.ValidationError(self.error_messages["no_device"], code="no_device")
        return cleaned
