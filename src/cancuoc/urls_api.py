"""The API alone, for the API-only process (``cancuoc.settings_api``)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from cancuoc.api.site import api

urlpatterns = [path("api/v1/", api.urls)]


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    """No pages here: a path outside the API answers as the API does, in JSON (the site's
    404 page links to pages this process does not serve)."""
    return JsonResponse({"detail": "Not Found"}, status=404)


handler404 = not_found
