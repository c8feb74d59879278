"""The two administrative maps and the mapping between them, read from the data files of
``vietnamadminunits`` (MIT): the 63 provinces with their districts and communes in force until
30 June 2025, the 34 provinces and 3,321 communes since 1 July 2025, and for every old commune
the new commune(s) it became (docs/design-notes.md, "Two administrative maps").

Only the package's data files are read (an SQLite file and a JSON file), never its code: its
address parser pulls in shapely and geopy and geocodes online, which cancuoc does not need.
"""

import json
import sqlite3
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from .models import Reorganisation, UnitKind
from .records import NewSuccession, NewUnit

_WARD_KINDS = {
    "Phường": UnitKind.WARD,
    "Xã": UnitKind.COMMUNE,
    "Thị trấn": UnitKind.TOWNSHIP,
    "Đặc khu": UnitKind.SPECIAL_ZONE,
}


def _commune_kind(name: str, kind: str) -> str:
    """By the name's first words: in four rows the package's type column contradicts the
    official name ("Phường Việt Hòa" typed "Xã")."""
    for prefix, unit_kind in _WARD_KINDS.items():
        if name.startswith(prefix + " "):
            return unit_kind
    return _WARD_KINDS[kind]


def _data_dir() -> Path:
    spec = find_spec("vietnamadminunits")  # finds the folder without running the package
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the package vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _rows(sql: str) -> list[sqlite3.Row]:
    path = _data_dir() / "dataset.db"
    with sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(sql).fetchall()


def _province(code: str, name: str, short_name: str, reorganisation: str) -> NewUnit:
    """ "Thành phố Hà Nội" is a city under the centre and keeps its full name; "Tỉnh Thanh
    Hóa" is a province and is named "Thanh Hóa" (the names cancuoc has always shown)."""
    if name.startswith("Thành phố"):
        return NewUnit(code, name, UnitKind.CITY, None, reorganisation=reorganisation)
    return NewUnit(code, short_name, UnitKind.PROVINCE, None, reorganisation=reorganisation)


def current_units() -> list[NewUnit]:
    """The 34 provinces and 3,321 communes in force since 1 July 2025, provinces first."""
    rows = _rows(
        "SELECT province, provinceShort, provinceCode, ward, wardType, wardCode"
        " FROM admin_units ORDER BY provinceCode, wardCode"
    )
    provinces = {
        row["provinceCode"]: _province(
            row["provinceCode"], row["province"], row["provinceShort"], Reorganisation.Y2025
        )
        for row in rows
    }
    communes = [
        NewUnit(
            row["wardCode"],
            row["ward"],
            _commune_kind(row["ward"], row["wardType"]),
            row["provinceCode"],
        )
        for row in rows
    ]
    return [*provinces.values(), *communes]


def former_units() -> list[NewUnit]:
    """The 63 provinces, their districts (kind ``huyen``: huyện, quận, thị xã, thành phố thuộc
    tỉnh) and their communes as they stood on 30 June 2025, parents first. Five island
    districts had no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)."""
    rows = _rows(
        "SELECT province, provinceShort, provinceCode, district, districtCode, ward, wardType,"
        " wardCode FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    old = Reorganisation.PRE_2025
    provinces = {
        row["provinceCode"]: _province(
            row["provinceCode"], row["province"], row["provinceShort"], old
        )
        for row in rows
    }
    districts = {
        row["districtCode"]: NewUnit(
            row["districtCode"],
            row["district"],
            UnitKind.DISTRICT,
            row["provinceCode"],
            reorganisation=old,
        )
        for row in rows
    }
    communes = [
        NewUnit(
            row["wardCode"],
            row["ward"],
            _commune_kind(row["ward"], row["wardType"]),
            row["districtCode"],
            reorganisation=old,
        )
        for row in rows
        if row["wardCode"] is not None
    ]
    return [*provinces.values(), *districts.values(), *communes]


@cache
def successions() -> tuple[NewSuccession, ...]:
    """Every old commune (and each island district without communes) to the new commune(s)
    it became. The package names units by keys ("tinhthanhhoa_huyenquangxuong_xaquanghai");
    they are turned into the official codes here."""
    old_codes = {
        f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}": row["wardCode"]
        or row["districtCode"]
        for row in _rows(
            "SELECT provinceKey, districtKey, wardKey, districtCode, wardCode"
            " FROM admin_units_legacy"
        )
    }
    new_codes = {
        (row["provinceKey"], row["wardKey"]): row["wardCode"]
        for row in _rows("SELECT provinceKey, wardKey, wardCode FROM admin_units")
    }
    mapping = json.loads((_data_dir() / "converter_2025.json").read_text(encoding="utf-8"))
    found = [
        NewSuccession(old_codes[old_key], new_codes[(province, new_key)], True)
        for province, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items()
        for new_key, old_keys in wards.items()
        for old_key in old_keys
    ]
    found += [
        NewSuccession(
            old_codes[old_key],
            new_codes[(province, new["newWardKey"])],
            bool(new["isDefaultNewWard"]),
        )
        for province, divided in mapping["DICT_PROVINCE_WARD_DIVIDED"].items()
        for old_key, news in divided.items()
        for new in news
    ]
    return tuple(found)


def province_communes(code: str) -> tuple[NewUnit, list[NewUnit]]:
    """Today's province ``code`` ("38") and its communes in the order of their codes, as
    ``cancuoc synth`` builds a province. ``KeyError`` when there is no such province."""
    units = current_units()
    province = next((u for u in units if u.parent_code is None and u.code == code), None)
    if province is None:
        raise KeyError(code)
    return province, [u for u in units if u.parent_code == code]
