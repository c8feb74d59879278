from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .forms import LoginForm
from .totp import qr_svg


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        device = getattr(form.get_user(), "otp_device", None)
        if device is not None:
            otp_login(self.request, device)
        audit_record(action="login", user=self.request.user, request=self.request)
        return response


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code, confirm with one code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return render(request, "accounts/totp.html", {"done": True})
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            audit_record(action="totp_confirmed", obj=device)
            return redirect("reports:home")
        error = _("Mã không đúng, hãy thử lại.")
    return render(request, "accounts/totp.html", {"qr": qr_svg(device.config_url), "error": error})
