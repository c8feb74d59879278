"""Reads of the administrative tree."""

import re

from django.db.models import Q
from django.utils.translation import gettext as _

from cancuoc.lib.errors import NotFoundError

from .models import (
    COMMUNE_KINDS,
    OLD_MAP_PREFIX,
    PROVINCE_KINDS,
    AdministrativeUnit,
    Reorganisation,
    UnitQuerySet,
)

SEARCH_SHOWN = 10  # units a search lists at most
# "Phường Hai, Thanh Hóa (16001)": the code a picker's entry ends with.
_CODE_IN_LABEL = re.compile(r"\(\s*(\d+)\s*\)\s*$")


class UnitNotFound(NotFoundError, LookupError):
    pass


def unit_by_code(code: str, *, reorganisation: str = Reorganisation.Y2025) -> AdministrativeUnit:
    """A unit by its official code, compared as the zero-padded string it is: "00004" is a
    commune, never province "04". A province's code may carry the leading zero of the
    personal ID's province digits ("038" is Thanh Hóa) when no unit has that code itself
    (on the old map "038" could be a district). ``2021:CODE`` names a unit of the map before
    1 July 2025 (``AdministrativeUnit.url_code``)."""
    if code.startswith(OLD_MAP_PREFIX):
        code, reorganisation = code.removeprefix(OLD_MAP_PREFIX), Reorganisation.PRE_2025
    units = AdministrativeUnit.objects.filter(reorganisation=reorganisation)
    province = code.lstrip("0").zfill(2) if code.isdigit() and len(code) <= 3 else code
    found = units.filter(Q(code=code) | Q(code=province, kind__in=PROVINCE_KINDS))
    # One query; the unit whose code it is comes first.
    unit = min(found, key=lambda u: u.code != code, default=None)
    if unit is None:
        raise UnitNotFound(_("Không có đơn vị hành chính mã %(code)s.") % {"code": code})
    return unit


def populated_provinces() -> list[AdministrativeUnit]:
    """Current provinces with at least one village or residential group loaded below them."""
    provinces = AdministrativeUnit.objects.current().provinces().order_by("code")
    villages = AdministrativeUnit.objects.villages()
    return [province for province in provinces if villages.subtree(province).exists()]


def units_search(text: str, *, units: UnitQuerySet, limit: int = SEARCH_SHOWN) -> list:
    """Those of ``units`` whose code starts with ``text`` (digits) or whose name holds it,
    with or without diacritics ("xa mot" finds "Xã Một"); the higher levels first, with
    their parent loaded. One query."""
    text = text.strip()
    if not text:
        return []
    if text.isdigit():
        match = Q(code__startswith=text)
    else:
        match = Q(search_key__contains=AdministrativeUnit.search_key_for(text))
    return list(
        units.filter(match).select_related("parent").order_by("depth", "name", "code")[:limit]
    )


def picker_communes() -> list[str]:
    """Every current commune and ward of the country, "Phường Hai, Thanh Hóa (16001)",
    province by province: the choices of a unit picker (3,321 since 1 July 2025)."""
    return [
        f"{name}, {province} ({code})"
        for name, province, code in AdministrativeUnit.objects.current()
        .filter(kind__in=COMMUNE_KINDS)
        .order_by("parent__name", "name")
        .values_list("name", "parent__name", "code")
    ]


def unit_from_picker(text: str) -> AdministrativeUnit:
    """The unit a picker's input names: an entry of :func:`picker_communes` (its code in
    parentheses), a code, or a name with or without diacritics that only one current unit
    below a province bears. ``UnitNotFound`` says why not."""
    text = " ".join(text.split())
    if not text:
        raise UnitNotFound(_("Cần chọn đơn vị nơi đến."))
    code = _CODE_IN_LABEL.search(text)
    if code or text.isdigit():
        return unit_by_code(code.group(1) if code else text)
    name, _comma, parent = text.partition(",")
    named = AdministrativeUnit.objects.current().filter(
        search_key=AdministrativeUnit.search_key_for(name), depth__gt=0
    )
    if parent.strip():
        named = named.filter(parent__search_key=AdministrativeUnit.search_key_for(parent))
    found = list(named.order_by("depth")[:2])
    if not found:
        raise UnitNotFound(
            _("Không có đơn vị nào tên %(name)s: hãy chọn trong danh sách.") % {"name": name}
        )
    if len(found) > 1:
        raise UnitNotFound(
            _("Có nhiều đơn vị tên %(name)s: hãy chọn trong danh sách (có mã).") % {"name": name}
        )
    return found[0]
