"""Reads of the review queue, always within what the reader may see."""

from datetime import date

from django.db.models import Q

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.registry.models import Person, PersonQuerySet

from .models import MatchPair, MatchPairQuerySet


def pairs_to_review(
    *, unit: AdministrativeUnit, on: date, visible: PersonQuerySet
) -> MatchPairQuerySet:
    """Pairs still to decide with a record living in ``unit``'s subtree on ``on``, both
    records among the ``visible`` persons (the reader's scope), highest weight first."""
    here = Person.objects.living_in(unit, on=on).values("pk")
    return (
        MatchPair.objects.to_review()
        .filter(left__in=visible, right__in=visible)
        .filter(Q(left__in=here) | Q(right__in=here))
        .select_related("left__household", "right__household")
        .order_by("-match_weight", "pk")
    )
