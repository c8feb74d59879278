"""How schools, factories, barracks and agencies are doing: members, how many still need a
card, how many applied, against the institution's own deadline (the seeds: agencies list
their staff by 30 April; students do it at school)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cancuoc.geo.models import Institution, InstitutionMember
from cancuoc.intake.models import Application, CardState
from cancuoc.registry.dates import end_of_day
from cancuoc.registry.models import Person
from cancuoc.scheduling.worklists import without_open_application


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
    """Each institution's figures on ``on``, the ones with most left first: two queries
    whatever the number of institutions (the institutions, then their members counted)."""
    institutions = list(institutions)
    applied = Application.objects.filter(
        person=OuterRef("person_id"), started_at__lt=end_of_day(on)
    ).exclude(state=CardState.REJECTED)
    # On the institution's worklist: needs a card and has no application on its way.
    left = without_open_application(
        Person.objects.filter(pk=OuterRef("person_id")).needing_card(on=on), on=on
    )
    counts = {
        row["institution"]: row
        for row in InstitutionMember.objects.filter(
            InstitutionMember.active_on_q(on), institution__in=[i.pk for i in institutions]
        )
        .values("institution")
        .annotate(
            members=Count("pk"),
            applied=Count("pk", filter=Q(Exists(applied))),
            left=Count("pk", filter=Q(Exists(left))),
        )
        .order_by()
    }
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
