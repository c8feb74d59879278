from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("tai-khoan/", include("cancuoc.accounts.urls")),
    path("thu-nhan/", include("cancuoc.intake.urls")),
    path("", include("cancuoc.reports.urls")),
]
