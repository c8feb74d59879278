from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("diem/<str:code>/", views.station_page, name="station"),
    path("diem/<str:code>/lich-hen.xlsx", views.schedule_download, name="schedule-download"),
    path("diem/<str:code>/phieu-hen.pdf", views.slips_download, name="slips-download"),
    path("diem/<str:code>/phieu-hen/", views.slips_make, name="slips-make"),
    path("diem/<str:code>/phieu-hen/<int:pk>/", views.slips_file_download, name="slips-file"),
    path("hen/<str:code>/", views.appointment_public, name="appointment-public"),
    path("lich/<str:code>/", views.public_schedule, name="public-schedule"),
    path("lich/<str:code>/lich.ics", views.public_ical, name="public-ical"),
    path("lich/<str:code>/bai-dang.png", views.public_post_image, name="public-post-image"),
    path("tra-cuu/", views.lookup, name="lookup"),
]
