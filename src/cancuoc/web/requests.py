"""What pages and API operations read from a request, in one place: the unit a URL names
(within the user's area), the day a page counts as of, the purpose of a download."""

from collections.abc import Callable
from datetime import date
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cancuoc.accounts.purposes import PURPOSES
from cancuoc.accounts.scope import require_persons, require_unit
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import unit_by_code
from cancuoc.lib.clock import today


def scoped_unit(request: HttpRequest, code: str) -> AdministrativeUnit:
    """The unit a URL names, if it lies in the user's area (404 unknown, 403 outside)."""
    unit = unit_by_code(code)
    require_unit(request.user, unit)
    return unit


def with_unit(view: Callable) -> Callable:
    """Hands a page the unit its URL names (``code``) instead of the code, once it is known to
    lie in the user's area: ``def page(request, unit, ...)``. Innermost of the decorators, so
    a wrong method or role is refused before the unit is looked up."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args, **kwargs):
        return view(request, scoped_unit(request, code), *args, **kwargs)

    return wrapper


def as_of(request: HttpRequest) -> date:
    """The day a page counts as of: ``?ngay=``, else the campaign's today (CANCUOC_AS_OF)."""
    try:
        return date.fromisoformat(request.GET.get("ngay") or "")
    except ValueError:
        return today()


def export_purpose(request: HttpRequest) -> str:
    """The purpose a download of names is made for (``?muc_dich=``, audited with it): only
    for roles that see persons, and only with one of ``PURPOSES``."""
    require_persons(request.user)
    purpose = request.GET.get("muc_dich", "")
    if purpose not in PURPOSES:
        raise PermissionDenied(_("Cần chọn mục đích tải danh sách."))
    return purpose
