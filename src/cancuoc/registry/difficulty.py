"""Easy and hard cases ("dễ làm trước, khó làm sau"): named rules, chosen in settings.

Each rule is a database expression, so a worklist is classified in the same query that
selects it. ``CANCUOC_HARD_CASE_RULES`` lists the rules in force, ``CANCUOC_ELDERLY_AGE``
the age from which a person counts as elderly.
"""

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import AWAY, DatePrecision
from .dates import years_before
from .models import PersonQuerySet, Residence


def _absent(on: date) -> Q:
    return Q(presence__in=AWAY)


def _elderly(on: date) -> Q:
    return Q(birth_date__lte=years_before(on, settings.CANCUOC_ELDERLY_AGE))


def _no_phone(on: date) -> Q:
    return Q(phone="")


def _missing_data(on: date) -> Q:
    return (
        Q(personal_id="")
        | ~Q(birth_date_precision=DatePrecision.DAY)
        | Q(ethnicity="")
        | Q(native_place="")
    )


def _remote_village(on: date) -> Exists:
    return Exists(
        Residence.objects.active_on(on).filter(person=OuterRef("pk"), unit__is_remote=True)
    )


RULES: dict[str, tuple[Promise, Callable[[date], Q | Expression]]] = {
    "absent": (_("vắng mặt"), _absent),
    "elderly": (_("cao tuổi"), _elderly),
    "no_phone": (_("không có số điện thoại"), _no_phone),
    "missing_data": (_("thiếu thông tin"), _missing_data),
    "remote_village": (_("vùng sâu, vùng xa"), _remote_village),
}


def rules_in_force() -> list[str]:
    names = [name.strip() for name in settings.CANCUOC_HARD_CASE_RULES if name.strip()]
    unknown = [name for name in names if name not in RULES]
    if unknown:
        raise ValueError(
            f"CANCUOC_HARD_CASE_RULES: unknown rules {unknown}; có / known: {sorted(RULES)}"
        )
    return names


def with_difficulty(persons: PersonQuerySet, *, on: date) -> PersonQuerySet:
    """Annotate ``hard_<rule>`` for each rule in force."""
    return persons.annotate(
        **{
            f"hard_{name}": ExpressionWrapper(RULES[name][1](on), output_field=BooleanField())
            for name in rules_in_force()
        }
    )


def hard_case() -> Q:
    """A filter on a :func:`with_difficulty` queryset: any rule in force says hard."""
    names = rules_in_force()
    if not names:
        return Q(pk__in=[])
    any_rule = Q()
    for name in names:
        any_rule |= Q(**{f"hard_{name}": True})
    return any_rule


def hard_reasons(row: dict) -> list[str]:
    """The labels of the rules that made a worklist row hard (none: an easy case), in the
    active language."""
    return [str(label) for name, (label, _rule) in RULES.items() if row.get(f"hard_{name}")]
