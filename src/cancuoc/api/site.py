"""The API object: operations, authentication and how errors are answered."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Swagger

from cancuoc.lib.errors import DomainError

from . import intake, scheduling, units
from .auth import AUTH

api = NinjaAPI(
    title="cancuoc API",
    version="1",
    description="Cơ sở dữ liệu dân cư và thu nhận căn cước; mọi thao tác trong phạm vi được "
    "giao / population register and card intake, every operation within the caller's area.",
    auth=AUTH,
    urls_namespace="api",
    # Without deep links Swagger UI puts no link inside each operation's button (axe-core:
    # nested interactive controls); the page's look is web/templates/ninja/swagger.html.
    docs=Swagger(settings={"deepLinking": False}),
)
api.add_router("", units.router)
api.add_router("", intake.router)
api.add_router("", scheduling.router)


@api.exception_handler(DomainError)
def _refused(request: HttpRequest, error: DomainError):
    """What a rule refused (cancuoc.lib.errors), with its status: 409, 404 or 503."""
    return api.create_response(request, {"detail": str(error)}, status=error.status)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, error: PermissionDenied):
    return api.create_response(request, {"detail": str(error)}, status=403)


@api.exception_handler(Http404)
def _missing(request: HttpRequest, error: Http404):
    detail = str(error) or "không có / not found"
    return api.create_response(request, {"detail": detail}, status=404)
