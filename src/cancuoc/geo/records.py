"""What the loaders of the administrative tree take: plain records, no models."""

from dataclasses import dataclass

from .models import Reorganisation


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    kind: str
    parent_code: str | None
    reorganisation: str = Reorganisation.Y2025
    is_remote: bool = False


@dataclass(frozen=True)
class NewSuccession:
    """An old unit (its code on the map before 1 July 2025) became, in whole or in part, the
    new unit (its code on the map of 2025); an old unit divided between several new ones has
    exactly one default among them."""

    old_code: str
    new_code: str
    is_default: bool
