"""The one scoping function: what part of the register a user may see.

Every person selector and every page that shows units or persons goes through here; the
access-control matrix test (tests/accounts/test_access_matrix.py) enumerates every route and
fails for one that is not marked :func:`area_scoped` or does not keep to the area.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cancuoc.geo.mapping import successor_ids
from cancuoc.geo.models import AdministrativeUnit, Institution, path_upper_bound

from .models import Assignment, Role

# Roles that may see people (names, lists), not only figures.
SEES_PERSONS = set(Role) - {Role.VIEWER}


@dataclass(frozen=True)
class Scope:
    national: bool = False
    paths: tuple[str, ...] = ()  # unit subtrees
    institutions: tuple[int, ...] = ()
    sees_persons: bool = False
    # (role, unit path) of each assignment; a national role or a superuser has no path
    grants: tuple[tuple[str, str | None], ...] = ()

    def permits(self, roles: frozenset[str], path: str | None = None) -> bool:
        """Whether an assignment carrying one of ``roles`` covers ``path`` (any of the
        user's areas when None); see accounts.permissions for which roles take which action."""
        return any(
            role in roles
            and (
                path is None
                or role == Role.NATIONAL
                or (granted is not None and granted <= path < path_upper_bound(granted))
            )
            for role, granted in self.grants
        )

    @property
    def empty(self) -> bool:
        return not (self.national or self.paths or self.institutions)

    def _path_q(self, field: str) -> Q:
        q = Q(pk__in=[])
        for path in self.paths:
            q |= Q(**{f"{field}__gte": path, f"{field}__lt": path_upper_bound(path)})
        return q

    def units(self, units: QuerySet | None = None) -> QuerySet:
        """The units the user may open: their subtrees (a liaison: none)."""
        units = AdministrativeUnit.objects.all() if units is None else units
        return units if self.national else units.filter(self._path_q("path"))

    def contains_unit(self, unit: AdministrativeUnit) -> bool:
        """A unit of the map before 1 July 2025 lies in the area when everything it became
        does (its figures count people living there)."""
        if self.national or not unit.on_old_map:
            return self.contains_path(unit.path)
        paths = AdministrativeUnit.objects.filter(pk__in=successor_ids(unit))
        paths = list(paths.values_list("path", flat=True))
        return bool(paths) and all(self.contains_path(path) for path in paths)

    def contains_path(self, unit_path: str) -> bool:
        return self.national or any(
            path <= unit_path < path_upper_bound(path) for path in self.paths
        )

    def institutions_visible(self) -> QuerySet:
        institutions = Institution.objects.all()
        if self.national:
            return institutions
        return institutions.filter(
            Q(pk__in=self.institutions) | Q(unit__in=self.units().values("pk"))
        )


def scope_for(user) -> Scope:
    """The union of the user's assignments; nothing for anonymous or unassigned users.
    Superusers are national (they administer the whole system)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_cancuoc_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(national=True, sees_persons=True, grants=((Role.NATIONAL, None),))
    else:
        assignments = list(Assignment.objects.filter(user=user).select_related("unit"))
        scope = Scope(
            national=any(a.role == Role.NATIONAL for a in assignments),
            paths=tuple(sorted({a.unit.path for a in assignments if a.unit})),
            institutions=tuple(sorted({a.institution_id for a in assignments if a.institution_id})),
            sees_persons=any(a.role in SEES_PERSONS for a in assignments),
            grants=tuple((a.role, a.unit.path if a.unit else None) for a in assignments),
        )
    user._cancuoc_scope = scope
    return scope


def require_unit(user, unit: AdministrativeUnit) -> None:
    if not scope_for(user).contains_unit(unit):
        raise PermissionDenied(_("Đơn vị này nằm ngoài địa bàn được giao."))


def require_persons(user) -> None:
    """Refuse roles that see figures only (viewers) what names people."""
    if not scope_for(user).sees_persons:
        raise PermissionDenied(_("Vai trò của bạn chỉ được xem số liệu."))


def area_scoped(view: Callable) -> Callable:
    """Mark a view as keeping to the user's area (and require a login). The view itself must
    read persons and units only through :func:`scope_for`; the matrix test checks it does."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if settings.CANCUOC_REQUIRE_2FA and not request.user.is_verified():
            return redirect_to_login(request.get_full_path())
        if scope_for(request.user).empty:
            raise PermissionDenied(_("Bạn chưa được phân công địa bàn."))
        return view(request, *args, **kwargs)

    wrapper.area_scoped = True
    return wrapper
