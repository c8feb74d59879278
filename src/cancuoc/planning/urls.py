from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("don-vi/<str:code>/ke-hoach/", views.plan_page, name="plan"),
]
