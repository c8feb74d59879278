from django.urls import path

from . import views

app_name = "dedup"
urlpatterns = [
    path("don-vi/<str:code>/nghi-trung/", views.review_page, name="review"),
    path("don-vi/<str:code>/nghi-trung/<int:pk>/", views.review_decide, name="review-decide"),
]
