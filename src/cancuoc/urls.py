from django.contrib import admin
from django.urls import include, path

from cancuoc.api.site import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # the language switch
    path("tai-khoan/", include("cancuoc.accounts.urls")),
    path("thu-nhan/", include("cancuoc.intake.urls")),
    path("cong-viec/", include("cancuoc.jobs.urls")),
    path("", include("cancuoc.scheduling.urls")),
    path("", include("cancuoc.planning.urls")),
    path("", include("cancuoc.outreach.urls")),
    path("", include("cancuoc.dedup.urls")),
    path("", include("cancuoc.reports.urls")),
]
