"""Domain errors on pages (see cancuoc.lib.errors): the one place they become answers."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from cancuoc.lib.errors import DomainError


def _referer(request: HttpRequest) -> str | None:
    back = request.headers.get("referer", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return back if safe else None


class DomainErrorMiddleware:
    """A view that knows where its form's page is sets ``request.back_to`` before it calls a
    service; else the page the form was posted from (Referer, same site) is used."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        if not isinstance(error, DomainError):
            return None
        if request.method == "POST":  # a form: back to its page, with the message
            messages.error(request, str(error))
            return redirect(getattr(request, "back_to", None) or _referer(request) or "/")
        template = "404.html" if error.status == 404 else "refused.html"
        context = {"message": str(error), "exception": str(error)}
        return render(request, template, context, status=error.status)
