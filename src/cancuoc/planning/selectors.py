"""Reads about stations: which there are in an area, and where each serves."""

from django.db.models import QuerySet

from cancuoc.accounts.scope import Scope
from cancuoc.geo.mapping import todays_units_of
from cancuoc.geo.models import AdministrativeUnit

from .models import Station


def stations_in(unit: AdministrativeUnit) -> list[Station]:
    """The stations of ``unit``'s subtree, by code, with their units. Stations stand in
    today's tree: for a unit of the map before 1 July 2025, those in today's units whose
    people count in it (``geo.mapping.todays_units_of``)."""
    if unit.on_old_map:
        subtree = todays_units_of(unit).values("pk")
    else:
        subtree = AdministrativeUnit.objects.subtree(unit).values("pk")
    return list(Station.objects.filter(unit__in=subtree).select_related("unit").order_by("code"))


def service_roots(station: Station) -> list[AdministrativeUnit]:
    """The units whose subtrees a station serves: its service area, or else its own unit."""
    return list(station.service_area.all()) or [station.unit]


def serves(roots: list[AdministrativeUnit], unit: AdministrativeUnit) -> bool:
    """Whether ``unit`` lies in the subtree of one of ``roots``."""
    return any(unit.path.startswith(root.path) for root in roots)


def stations_visible(scope: Scope) -> QuerySet[Station]:
    """The stations of the user's subtrees."""
    return Station.objects.filter(unit__in=scope.units().values("pk"))
