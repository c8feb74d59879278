"""Reads of the administrative tree."""

from .models import AdministrativeUnit, Reorganisation


class UnitNotFound(LookupError):
    pass


def unit_by_code(code: str, *, reorganisation: str = Reorganisation.Y2025) -> AdministrativeUnit:
    """A unit by its official code; "38" and "038" both name Thanh Hóa."""
    candidates = {code, code.lstrip("0").zfill(2)} if code.isdigit() else {code}
    unit = (
        AdministrativeUnit.objects.filter(reorganisation=reorganisation, code__in=candidates)
        .order_by("depth")
        .first()
    )
    if unit is None:
        raise UnitNotFound(
            f"không có đơn vị hành chính mã {code} / no administrative unit with code {code}"
        )
    return unit


def populated_provinces() -> list[AdministrativeUnit]:
    """Current provinces with at least one village or residential group loaded below them."""
    provinces = AdministrativeUnit.objects.current().provinces().order_by("code")
    villages = AdministrativeUnit.objects.villages()
    return [province for province in provinces if villages.subtree(province).exists()]
