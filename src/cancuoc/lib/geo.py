"""Distances between places: by coordinates when both have them, else by how far apart they
lie in the administrative tree (the register has coordinates for few villages). Free of
Django, so the solvers can use it."""

import math
from typing import NamedTuple

EARTH_RADIUS_KM = 6371.0
SEGMENT = 8  # characters per level of a unit's materialised path
KM_PER_TREE_STEP = 15.0  # one level up or down the tree, when coordinates are missing


class Point(NamedTuple):
    latitude: float
    longitude: float


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def tree_steps(a: str, b: str) -> int:
    """Levels up from path ``a`` to the lowest common ancestor and down to path ``b``."""
    common = 0
    while (
        common < min(len(a), len(b))
        and a[common : common + SEGMENT] == b[common : common + SEGMENT]
    ):
        common += SEGMENT
    return (len(a) - common + len(b) - common) // SEGMENT


def place_km(
    a: tuple[float | None, float | None],
    a_path: str,
    b: tuple[float | None, float | None],
    b_path: str,
) -> float:
    """Distance between two units (or a unit and a station at a unit): haversine when both
    have coordinates, else ``KM_PER_TREE_STEP`` per step in the tree."""
    if None not in (*a, *b):
        return haversine_km(a, b)  # type: ignore[arg-type]
    return tree_steps(a_path, b_path) * KM_PER_TREE_STEP
