"""Reads of the register that depend on who asks."""

from django.db.models import Q

from cancuoc.accounts.scope import Scope
from cancuoc.geo.models import InstitutionMember

from .models import Person, PersonQuerySet, Residence


def persons_visible(scope: Scope, persons: PersonQuerySet | None = None) -> PersonQuerySet:
    """The persons (of ``persons``, else of the register) the user may see: residents
    (permanent or temporary, at any time) of their subtrees, and members of their
    institutions. Roles that see figures only see nobody."""
    persons = Person.objects.all() if persons is None else persons
    if not scope.sees_persons:
        return persons.none()
    if scope.national:
        return persons
    residents = Residence.objects.filter(unit__in=scope.units().values("pk"))
    members = InstitutionMember.objects.filter(institution__in=scope.institutions)
    return persons.filter(
        Q(pk__in=residents.values("person_id")) | Q(pk__in=members.values("person_id"))
    )
