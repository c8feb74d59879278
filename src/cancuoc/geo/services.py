"""Writes to the administrative tree."""

from collections.abc import Iterable
from dataclasses import dataclass

import vietnam_provinces
from django.db import transaction

from cancuoc.lib.bulk import copy_rows, reserve_ids, reset_sequence

from .models import AdministrativeUnit, Reorganisation, UnitKind

_KINDS = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trung ương": UnitKind.CITY,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    kind: str
    parent_code: str | None
    reorganisation: str = Reorganisation.Y2025
    is_remote: bool = False


@dataclass(frozen=True)
class GeoLoadResult:
    created: int
    existing: int


def current_units() -> list[NewUnit]:
    """The 34 provinces and 3,321 communes in force since 1 July 2025 (vietnam-provinces)."""
    units = [
        NewUnit(f"{p.code.value:02d}", p.name, _KINDS[p.division_type.value], None)
        for p in vietnam_provinces.Province.iter_all()
    ]
    units += [
        NewUnit(
            f"{w.code.value:05d}",
            w.name,
            _KINDS[w.division_type.value],
            f"{w.province_code.value:02d}",
        )
        for w in vietnam_provinces.Ward.iter_all()
    ]
    return units


@transaction.atomic
def units_create(units: Iterable[NewUnit]) -> GeoLoadResult:
    """Create the units that do not exist yet (by reorganisation and code); parents must come
    before their children, in ``units`` or already in the database. Idempotent."""
    units = list(units)
    known = {
        (reorg, code): (pk, path, depth)
        for pk, reorg, code, path, depth in AdministrativeUnit.objects.values_list(
            "pk", "reorganisation", "code", "path", "depth"
        )
    }
    new = [u for u in units if (u.reorganisation, u.code) not in known]
    next_id = reserve_ids(AdministrativeUnit, len(new))
    rows = []
    for unit in new:
        if unit.parent_code is None:
            parent_id, parent_path, depth = None, "", 0
        else:
            try:
                parent_id, parent_path, parent_depth = known[
                    (unit.reorganisation, unit.parent_code)
                ]
            except KeyError:
                raise ValueError(
                    f"unit {unit.code} ({unit.name}): parent {unit.parent_code} does not exist"
                ) from None
            depth = parent_depth + 1
        path = AdministrativeUnit.path_for(next_id, parent_path)
        known[(unit.reorganisation, unit.code)] = (next_id, path, depth)
        rows.append(
            (
                next_id,
                unit.reorganisation,
                unit.code,
                unit.name,
                unit.kind,
                parent_id,
                path,
                depth,
                unit.is_remote,
                AdministrativeUnit.search_key_for(unit.name),
            )
        )
        next_id += 1
    copy_rows(
        AdministrativeUnit,
        [
            "id",
            "reorganisation",
            "code",
            "name",
            "kind",
            "parent_id",
            "path",
            "depth",
            "is_remote",
            "search_key",
        ],
        rows,
    )
    reset_sequence(AdministrativeUnit)
    return GeoLoadResult(created=len(new), existing=len(units) - len(new))


def geo_load_current() -> GeoLoadResult:
    return units_create(current_units())
