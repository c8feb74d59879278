from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .forms import LoginForm, TotpConfirmForm
from .totp import SESSION_DEVICE, SESSION_ENROLMENT, qr_svg


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """A logged-in user without the second factor where it is required is not sent
        back to the page that sent them here (it would send them here again): one who came
        with an enrolment code goes on setting up the app, others see the form."""
        user = request.user
        if user.is_authenticated and settings.CANCUOC_REQUIRE_2FA and not user.is_verified():
            if request.session.get(SESSION_ENROLMENT):
                return redirect("accounts:totp-setup")
            self.redirect_authenticated_user = False
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        device = getattr(form.get_user(), "otp_device", None)
        if device is not None:
            otp_login(self.request, device)
        audit_record(action="login", user=self.request.user, request=self.request)
        if form.enrolment:
            self.request.session[SESSION_ENROLMENT] = True
            audit_record(action="2fa_enrolment_code_used", obj=self.request.user)
            return redirect("accounts:totp-setup")
        return response


def _device_of_this_session(request: HttpRequest) -> TOTPDevice:
    """The unconfirmed device whose QR code this session was shown; any other is dropped (its
    secret may have been shown to someone else)."""
    unconfirmed = TOTPDevice.objects.filter(user=request.user, confirmed=False)
    device = unconfirmed.filter(pk=request.session.get(SESSION_DEVICE)).first()
    if device is None:
        unconfirmed.delete()
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
        request.session[SESSION_DEVICE] = device.pk
    return device


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code, confirm with one code. Where the
    second factor is required, only a session logged in with an administrator's enrolment
    code may (accounts.totp); it replaces the user's earlier app, if any."""
    enrolling = bool(request.session.get(SESSION_ENROLMENT))
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if settings.CANCUOC_REQUIRE_2FA and not enrolling:
        if confirmed.exists():
            return render(request, "accounts/totp.html", {"done": True})
        raise PermissionDenied(
            _("Để cài xác thực hai lớp, hãy đăng nhập bằng mã cài đặt do quản trị viên cấp.")
        )
    if confirmed.exists() and not enrolling:
        return render(request, "accounts/totp.html", {"done": True})
    device = _device_of_this_session(request)
    error = ""
    if request.method == "POST":
        form = TotpConfirmForm(request.POST)
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            confirmed.delete()
            device.confirmed = True
            device.save()
            for key in (SESSION_ENROLMENT, SESSION_DEVICE):
                request.session.pop(key, None)
            otp_login(request, device)
            audit_record(action="totp_confirmed", obj=device)
            return redirect("reports:home")
        error = _("Mã không đúng, hãy thử lại.")
    return render(request, "accounts/totp.html", {"qr": qr_svg(device.config_url), "error": error})
