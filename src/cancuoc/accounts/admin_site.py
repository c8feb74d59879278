"""The admin is for national administrators only, with the second factor when required."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from .scope import scope_for


class CancuocAdminSite(admin.AdminSite):
    site_header = _("cancuoc — quản trị")
    site_title = _("cancuoc — quản trị")
    index_title = _("Quản trị hệ thống")

    @staticmethod
    def _logged_in(request: HttpRequest) -> bool:
        """Logged in, with the second factor where it is required."""
        user = request.user
        return user.is_active and (not settings.CANCUOC_REQUIRE_2FA or user.is_verified())

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return self._logged_in(request) and user.is_staff and scope_for(user).national

    def i18n_javascript(self, request: HttpRequest, extra_context=None):
        """The admin scripts' strings (calendar, filters) with the Vietnamese that Django's
        own catalogue lacks, from this app's (locale/vi/LC_MESSAGES/djangojs.po)."""
        packages = ["django.contrib.admin", "cancuoc.accounts"]
        return JavaScriptCatalog.as_view(packages=packages)(request)

    def login(self, request: HttpRequest, extra_context=None):
        """One login page for the whole site (with the second factor). Someone logged in
        who is not a national administrator is refused here: the login page would send
        them straight back to the admin, which would send them here again."""
        if self._logged_in(request):
            raise PermissionDenied(_("Trang quản trị chỉ dành cho quản trị viên cấp quốc gia."))
        target = request.GET.get("next", reverse("admin:index"))
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
