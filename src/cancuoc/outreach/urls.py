from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("sms/bao-cao/<str:secret>/", views.delivery_report, name="delivery-report"),
]
