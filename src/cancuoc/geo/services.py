"""Writes to the administrative tree."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from cancuoc.lib.bulk import copy_rows, reserve_ids, reset_sequence

from . import dataset
from .models import AdministrativeUnit, Reorganisation, UnitSuccession
from .records import NewSuccession, NewUnit

# The maps `geo load --map` knows, by the year users call them: "2021" is the map of 63
# provinces with districts (Reorganisation.PRE_2025) as it stood on 30 June 2025, "2025"
# today's (Reorganisation.Y2025).
MAPS = ("2021", "2025")


@dataclass(frozen=True)
class GeoLoadResult:
    created: int
    existing: int
    successions_created: int = 0


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
    """The 34 provinces and 3,321 communes in force since 1 July 2025."""
    return units_create(dataset.current_units())


@transaction.atomic
def successions_create(successions: Iterable[NewSuccession]) -> int:
    """Create the old -> new links that do not exist yet; both maps must be loaded. Returns
    how many were created. Idempotent."""
    ids = {
        (reorganisation, code): pk
        for pk, reorganisation, code in AdministrativeUnit.objects.values_list(
            "pk", "reorganisation", "code"
        )
    }
    known = set(UnitSuccession.objects.values_list("old_id", "new_id"))
    rows = []
    for succession in successions:
        try:
            pair = (
                ids[(Reorganisation.PRE_2025, succession.old_code)],
                ids[(Reorganisation.Y2025, succession.new_code)],
            )
        except KeyError:
            raise ValueError(
                f"succession {succession.old_code} -> {succession.new_code}: "
                "a unit of it is not loaded"
            ) from None
        if pair not in known:
            known.add(pair)
            rows.append((*pair, succession.is_default))
    next_id = reserve_ids(UnitSuccession, len(rows))
    copy_rows(
        UnitSuccession,
        ["id", "old_id", "new_id", "is_default"],
        [(next_id + n, *row) for n, row in enumerate(rows)],
    )
    reset_sequence(UnitSuccession)
    return len(rows)


@transaction.atomic
def geo_load(*, maps: Sequence[str] = MAPS) -> GeoLoadResult:
    """Load the maps named (``"2021"``, ``"2025"``); with both, also the mapping from every
    old commune to the new one(s). Idempotent: a second run creates nothing."""
    units = []
    if "2025" in maps:
        units += dataset.current_units()
    if "2021" in maps:
        units += dataset.former_units()
    result = units_create(units)
    created = 0
    if set(MAPS) <= set(maps):
        created = successions_create(dataset.successions())
    return GeoLoadResult(result.created, result.existing, created)
