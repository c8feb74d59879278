"""Loading a synthetic province straight into the database (bulk, all or nothing)."""

from dataclasses import dataclass

from django.db import transaction

from cancuoc.geo.models import (
    AdministrativeUnit,
    Institution,
    InstitutionMember,
    Reorganisation,
    UnitSuccession,
)
from cancuoc.geo.services import geo_load, geo_load_current, units_create
from cancuoc.lib.bulk import copy_rows, reserve_ids, reset_sequence
from cancuoc.registry.models import Person
from cancuoc.registry.services import LoadResult, register_load
from cancuoc.registry.signals import persons_changed

from .generator import SynthProvince


@dataclass(frozen=True)
class SynthLoadResult:
    villages: int
    register: LoadResult
    institutions: int
    members: int


@transaction.atomic
def synth_load(province: SynthProvince) -> SynthLoadResult:
    """Load the province, and the maps it stands on when they are not there: today's, and for
    a province of the old map that map too with the mapping between them. A province whose
    source is loaded already is not loaded again: the result then counts nothing written."""
    if Person.objects.filter(source=province.source).exists():
        return SynthLoadResult(0, LoadResult(0, 0, 0, 0, 0, 0), 0, 0)
    loaded = AdministrativeUnit.objects.filter(
        reorganisation=province.reorganisation, code=province.province_code
    ).exists()
    if province.reorganisation == Reorganisation.PRE_2025:
        if not loaded or not UnitSuccession.objects.exists():
            geo_load()
    elif not loaded:
        geo_load_current()
    villages = units_create(province.villages)
    register = register_load(records=province.records, source=province.source)
    person_ids = dict(Person.objects.filter(source=province.source).values_list("source_ref", "pk"))
    units = dict(
        AdministrativeUnit.objects.filter(
            reorganisation=Reorganisation.Y2025,
            code__in={i.unit_code for i in province.institutions},
        ).values_list("code", "pk")
    )
    first = reserve_ids(Institution, len(province.institutions))
    copy_rows(
        Institution,
        ["id", "code", "name", "kind", "unit_id", "deadline"],
        (
            (first + n, i.code, i.name, i.kind, units[i.unit_code], i.deadline)
            for n, i in enumerate(province.institutions)
        ),
    )
    first_member = reserve_ids(InstitutionMember, 0)
    members = copy_rows(
        InstitutionMember,
        ["id", "institution_id", "person_id", "role", "since", "until"],
        (
            (first_member + n, institution, person_ids[ref], "", None, None)
            for n, (institution, ref) in enumerate(
                (first + k, ref)
                for k, i in enumerate(province.institutions)
                for ref in i.member_refs
            )
        ),
    )
    reset_sequence(Institution)
    reset_sequence(InstitutionMember)
    # The members were written by COPY, after register_load counted the persons.
    member_ids = {person_ids[ref] for i in province.institutions for ref in i.member_refs}
    persons_changed.send(sender=Person, person_ids=sorted(member_ids))
    return SynthLoadResult(villages.created, register, len(province.institutions), members)
