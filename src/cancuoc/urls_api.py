"""The API alone, for the API-only process (``cancuoc.settings_api``)."""

from django.urls import path

from cancuoc.api.site import api

urlpatterns = [path("api/v1/", api.urls)]
