from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/trang-thai.json", views.job_status, name="status"),
    path("<int:pk>/huy/", views.job_cancel_view, name="cancel"),
]
