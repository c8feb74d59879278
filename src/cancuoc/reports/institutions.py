"""How schools, factories, barracks and agencies are doing: members, how many still need a
card, how many applied, against the institution's own deadline (the seeds: agencies list
their staff by 30 April; students do it at school)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from cancuoc.geo.models import Institution

from .still_to_enrol import institutions_on


@dataclass(frozen=True)
class InstitutionProgress:
    institution: Institution
    members: int
    applied: int  # members with an application taken by the day, not sent back
    left: int  # members still on the worklist

    @property
    def percent(self) -> int | None:
        """Applied, as a share of those who needed a card (applied or still left)."""
        needed = self.applied + self.left
        return round(100 * self.applied / needed) if needed else None


def institutions_progress(institutions: QuerySet, *, on: date) -> list[InstitutionProgress]:
    """Each institution's figures on ``on`` from the rollups (reports.still_to_enrol), the
    ones with most left first: two queries whatever the number of institutions."""
    institutions = list(institutions)
    counts = institutions_on([i.pk for i in institutions], on)
    result = [
        InstitutionProgress(
            institution=institution,
            members=counts.get(institution.pk, {}).get("members", 0),
            applied=counts.get(institution.pk, {}).get("applied", 0),
            left=counts.get(institution.pk, {}).get("left", 0),
        )
        for institution in institutions
    ]
    return sorted(result, key=lambda p: (-p.left, p.institution.code))
