"""From a unit of either map to today's, and back: what the 2025 reorganisation made of the
units a record names (docs/design-notes.md, "Two administrative maps")."""

import re
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from cancuoc.lib.errors import DomainError

from .models import (
    COMMUNE_KINDS,
    VILLAGE_KINDS,
    AdministrativeUnit,
    Reorganisation,
    UnitQuerySet,
    UnitSuccession,
    path_upper_bound,
)

# "Xã Quảng Hải" is also written "Quảng Hải": the kind words a name may start with.
_KIND_WORDS = re.compile(r"^ (xa|phuong|thi tran|dac khu|quan|huyen|thi xa|thanh pho|tinh) (?=\w)")
_NOT_WORD = re.compile(r"[\W_]+")


class UnitNotResolved(DomainError):
    """An old unit that became several of today's units, named where one is needed."""


def resolve_unit(unit: AdministrativeUnit, address: str = "") -> AdministrativeUnit:
    """Today's unit for ``unit`` of either map. A unit of the 2025 map is itself. An old
    commune (or an old village: its commune) is the new commune it became; for a commune
    divided between several, the part that ``address`` names (by the new commune's name, or a
    village loaded under it) decides, else the default part. An old district or province
    resolves only when all of it became one unit (an island district); else
    ``UnitNotResolved`` says into how many it went."""
    if unit.reorganisation == Reorganisation.Y2025:
        return unit
    if unit.kind in VILLAGE_KINDS:
        unit = unit.ancestors().filter(kind__in=COMMUNE_KINDS).last() or unit
    links = list(
        UnitSuccession.objects.filter(old=unit).select_related("new").order_by("new__code")
    )
    if not links:
        news = successor_ids(unit)
        if len(news) == 1:
            return AdministrativeUnit.objects.get(pk=news.pop())
        raise UnitNotResolved(
            _(
                "%(name)s (mã %(code)s, trước 01/7/2025) nay thuộc %(count)s đơn vị: "
                "hãy chọn xã, phường."
            )
            % {"name": unit.name, "code": unit.code, "count": len(news)}
        )
    if len(links) == 1:
        return links[0].new
    named = _named_in(address, unit, [link.new for link in links])
    if named is not None:
        return named
    return next(link.new for link in links if link.is_default)


def former_units(unit: AdministrativeUnit) -> UnitQuerySet:
    """The old communes that today's ``unit`` (a commune, or all communes below a province)
    was made of, in whole or in part; those divided appear under each of their parts."""
    return AdministrativeUnit.objects.filter(
        pk__in=UnitSuccession.objects.filter(
            new__path__gte=unit.path, new__path__lt=path_upper_bound(unit.path)
        ).values("old")
    ).order_by("code")


def former_places(unit_ids: Iterable[int]) -> dict[int, int]:
    """Where each of today's units (a commune, or a village: its commune) counts on the old
    map when the record does not say: among the old communes it was made of, those whose
    default part it is come first, then the smallest code. Empty when the two maps are not
    linked (``geo load`` with both maps); units above a commune have no place there."""
    units = AdministrativeUnit.objects.filter(pk__in=set(unit_ids))
    commune_of = {
        pk: (parent_id if kind in VILLAGE_KINDS else pk)
        for pk, kind, parent_id in units.values_list("pk", "kind", "parent_id")
        if kind in VILLAGE_KINDS or kind in COMMUNE_KINDS
    }
    chosen = _default_places(UnitSuccession.objects.filter(new__in=set(commune_of.values())))
    return {pk: chosen[commune] for pk, commune in commune_of.items() if commune in chosen}


def todays_units_of(unit: AdministrativeUnit) -> UnitQuerySet:
    """Today's units whose residents count in the old ``unit``'s subtree when their records
    do not name an old unit (see ``former_places``): those communes and their villages."""
    communes = list(_communes_counting_in([unit]))
    return AdministrativeUnit.objects.filter(Q(pk__in=communes) | Q(parent__in=communes))


def todays_units_by(units: list[AdministrativeUnit]) -> dict[int, int]:
    """For old units of disjoint subtrees (the units below one, say), which of them each of
    today's communes and villages counts in, as {today's unit id: old unit id}: the same
    rule as ``todays_units_of``, the mapping read once for all."""
    communes = _communes_counting_in(units)
    villages = AdministrativeUnit.objects.filter(parent__in=list(communes))
    return communes | {
        pk: communes[parent] for pk, parent in villages.values_list("pk", "parent_id")
    }


def _communes_counting_in(units: list[AdministrativeUnit]) -> dict[int, int]:
    """{today's commune id: the one of ``units`` (old, disjoint subtrees) its default old
    commune lies in}: two queries whatever the number of units."""
    within = Q(pk__in=[])
    for unit in units:
        within |= Q(path__gte=unit.path, path__lt=path_upper_bound(unit.path))
    by_path = {unit.path: unit.pk for unit in units}
    lengths = {len(path) for path in by_path}
    owner = {
        pk: next(by_path[path[:n]] for n in lengths if path[:n] in by_path)
        for pk, path in AdministrativeUnit.objects.filter(within).values_list("pk", "path")
    }
    chosen = _default_places(UnitSuccession.objects.all())
    return {new: owner[old] for new, old in chosen.items() if old in owner}


def _default_places(links) -> dict[int, int]:
    """For each new commune of ``links``, the old commune it counts people in (the rule of
    ``former_places``)."""
    chosen: dict[int, int] = {}
    for new_id, old_id in links.order_by("-is_default", "old__code").values_list(
        "new_id", "old_id"
    ):
        chosen.setdefault(new_id, old_id)
    return chosen


def successor_ids(unit: AdministrativeUnit) -> set[int]:
    """The ids of today's units that the old communes in ``unit``'s subtree became, in
    whole or in part."""
    return set(
        UnitSuccession.objects.filter(
            old__path__gte=unit.path, old__path__lt=path_upper_bound(unit.path)
        ).values_list("new_id", flat=True)
    )


def _words(text: str) -> str:
    """Lower case, no diacritics, no punctuation, padded with spaces: " quang hai " then
    matches whole words only."""
    return f" {_NOT_WORD.sub(' ', AdministrativeUnit.search_key_for(text)).strip()} "


def _short(words: str) -> str:
    """ " xa quang hai " -> " quang hai "."""
    return _KIND_WORDS.sub(" ", words)


def _named_in(
    address: str, old: AdministrativeUnit, candidates: list[AdministrativeUnit]
) -> AdministrativeUnit | None:
    """The one candidate ``address`` names, if exactly one: by its full name ("Phường Lê
    Chân"), else by its name without the kind word ("Lê Chân"), else by a village loaded
    under it. The old unit's own name and its ancestors' are taken out first: an address
    written on the old map names them, and a new commune often bears the old one's name."""
    text = _words(address)
    if not text.strip():
        return None
    known = [_words(unit.name) for unit in [old, *old.ancestors()]]
    for forms in (lambda words: words, _short):
        for name in known:
            text = text.replace(forms(name), " ")
        names = {c.pk: forms(_words(c.name)) for c in candidates}
        found = [c for c in candidates if names[c.pk] in text]
        if len(found) == 1:
            return found[0]
    villages = AdministrativeUnit.objects.filter(
        parent__in=candidates, kind__in=VILLAGE_KINDS
    ).values_list("parent_id", "search_key")
    parents = {parent for parent, key in villages if _words(key) in text}
    if len(parents) == 1:
        return next(c for c in candidates if c.pk in parents)
    return None
