from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.checkin, name="checkin"),
    path("ghi/", views.record, name="record"),
]
