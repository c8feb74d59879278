"""The register's persons as one column frame for the matcher: read in one pass, compared in
DuckDB (DESIGN: "Arrow/DuckDB for analytics"), never person by person through the ORM."""

from datetime import date
from functools import lru_cache

import pyarrow as pa

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.text import normalise_name
from cancuoc.registry.choices import Presence
from cancuoc.registry.models import Home, Person

FIELDS = [
    "pk",
    "name_key",
    "personal_id",
    "birth_date",
    "sex",
    "phone",
    "native_place",
    "ethnicity",
]
CHUNK = 20_000


@lru_cache(maxsize=65536)
def _place_key(text: str) -> str | None:
    return normalise_name(text) or None


def persons_frame(*, unit: AdministrativeUnit | None = None, on: date) -> pa.Table:
    """Every record not already merged into another (in ``unit``'s subtree where one is
    given, counted where they live on ``on``), one row each: the fields the model compares,
    empty text as null (so that two blanks are no evidence), and the village and commune of
    the home in force on ``on``."""
    people = Person.objects.exclude(presence=Presence.MERGED)
    homes = Home.objects.active_on(on)
    if unit is not None:
        people = people.living_in(unit, on=on)
        homes = homes.filter(unit__in=AdministrativeUnit.objects.subtree(unit).values("pk"))
    place_of = dict(homes.values_list("person_id", "unit_id").iterator(chunk_size=CHUNK))
    units = dict(AdministrativeUnit.objects.values_list("pk", "code"))
    parents = dict(AdministrativeUnit.objects.values_list("pk", "parent_id"))
    columns: dict[str, list] = {
        name: [] for name in ["unique_id", *FIELDS[1:], "village", "commune"]
    }
    for pk, name_key, number, born, sex, phone, native, ethnicity in people.values_list(
        *FIELDS
    ).iterator(chunk_size=CHUNK):
        home = place_of.get(pk)
        columns["unique_id"].append(pk)
        columns["name_key"].append(name_key or None)
        columns["personal_id"].append(number or None)
        columns["birth_date"].append(born.isoformat())
        columns["sex"].append(sex or None)
        columns["phone"].append(phone or None)
        columns["native_place"].append(_place_key(native) if native else None)
        columns["ethnicity"].append(ethnicity or None)
        columns["village"].append(units.get(home))
        columns["commune"].append(units.get(parents.get(home)))
    texts = [(name, pa.string()) for name in columns if name != "unique_id"]
    schema = pa.schema([("unique_id", pa.int64()), *texts])
    return pa.table(columns, schema=schema)
