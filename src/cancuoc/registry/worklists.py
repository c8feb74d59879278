"""Worklists (danh sách cần cấp thẻ): who still needs a card, where, and how hard the case is."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery

from cancuoc.geo.models import AdministrativeUnit, Institution, InstitutionMember

from .choices import Presence, ResidenceBasis
from .difficulty import hard_reasons, with_difficulty
from .eligibility import NEED_LABELS, EligibilityPolicy, Need, policy_in_force
from .models import Card, Person, PersonQuerySet, Residence


def worklist(
    *,
    unit: AdministrativeUnit,
    on: date,
    basis: str = ResidenceBasis.BOTH,
    policy: EligibilityPolicy | None = None,
) -> PersonQuerySet:
    """Everyone in ``unit``'s subtree who needs a card on ``on``, classified easy/hard."""
    persons = Person.objects.living_in(unit, on=on, basis=basis).needing_card(
        on=on, policy=policy or policy_in_force(on)
    )
    return with_difficulty(persons, on=on)


def institution_worklist(
    *, institution: Institution, on: date, policy: EligibilityPolicy | None = None
) -> PersonQuerySet:
    """Members of a school, factory, barracks or agency who need a card on ``on``."""
    members = InstitutionMember.objects.filter(
        InstitutionMember.active_on_q(on), institution=institution
    ).values("person_id")
    persons = Person.objects.filter(pk__in=members).needing_card(
        on=on, policy=policy or policy_in_force(on)
    )
    return with_difficulty(persons, on=on)


def absent_residents(*, unit: AdministrativeUnit, on: date) -> PersonQuerySet:
    """Residents of ``unit`` (by permanent residence) absent from it (vắng mặt)."""
    return Person.objects.living_in(unit, on=on, basis=ResidenceBasis.PERMANENT).filter(
        presence=Presence.ABSENT
    )


@dataclass(frozen=True)
class WorklistCount:
    unit: AdministrativeUnit
    total: int
    hard: int
    first: int


def worklist_counts(
    *, unit: AdministrativeUnit, on: date, basis: str = ResidenceBasis.BOTH
) -> list[WorklistCount]:
    """For each unit directly below ``unit``: how many need a card, how many are hard."""
    counts = []
    for child in AdministrativeUnit.objects.filter(parent=unit).order_by("name"):
        rows = worklist(unit=child, on=on, basis=basis)
        total = rows.count()
        counts.append(
            WorklistCount(
                unit=child,
                total=total,
                hard=rows.filter(is_hard=True).count() if total else 0,
                first=rows.filter(need=Need.FIRST.value).count() if total else 0,
            )
        )
    return counts


COLUMNS = [
    ("STT", "index"),
    ("Họ, chữ đệm và tên", "full_name"),
    ("Ngày sinh", "birth"),
    ("Giới tính", "sex"),
    ("Số định danh cá nhân", "personal_id"),
    ("Số điện thoại", "phone"),
    ("Thôn/tổ dân phố", "village"),
    ("Xã/phường", "commune"),
    ("Loại cư trú", "residence"),
    ("Giấy tờ hiện có", "card"),
    ("Nhu cầu", "need"),
    ("Phân loại", "difficulty"),
    ("Lý do khó", "reasons"),
]


def worklist_rows(persons: PersonQuerySet, *, on: date) -> Iterator[dict]:
    """The rows of a worklist file: where each person lives and what card they hold,
    ordered by commune and village, then by given name as Vietnamese lists are."""
    lives = (
        Residence.objects.active_on(on).filter(person=OuterRef("pk")).order_by("-kind", "-id")
    )
    latest_card = Card.objects.filter(person=OuterRef("pk"), issued_on__lte=on).order_by(
        "-issued_on", "-id"
    )
    rows = persons.annotate(
        village=Subquery(lives.values("unit__name")[:1]),
        commune=Subquery(lives.values("unit__parent__name")[:1]),
        residence_kind=Subquery(lives.values("kind")[:1]),
        card_kind=Subquery(latest_card.values("kind")[:1]),
    ).order_by("commune", "village", "sort_key", "pk")
    sex_labels = dict(Person._meta.get_field("sex").choices)
    card_labels = dict(Card._meta.get_field("kind").choices)
    for index, row in enumerate(rows.values().iterator(chunk_size=2000), start=1):
        yield {
            "index": index,
            "full_name": row["full_name"],
            "birth": _birth_text(row["birth_date"], row["birth_date_precision"]),
            "sex": sex_labels.get(row["sex"], row["sex"]),
            "personal_id": row["personal_id"] or "",
            "phone": row["phone"],
            "village": row["village"] or "",
            "commune": row["commune"] or "",
            "residence": "Tạm trú" if row["residence_kind"] == "T" else "Thường trú",
            "card": card_labels.get(row["card_kind"], "Chưa có"),
            "need": NEED_LABELS[Need(row["need"])],
            "difficulty": "Khó" if row["is_hard"] else "Dễ",
            "reasons": ", ".join(hard_reasons(row)),
        }


def _birth_text(day: date, precision: str) -> str:
    if precision == "Y":
        return f"{day:%Y}"
    if precision == "M":
        return f"{day:%m/%Y}"
    return f"{day:%d/%m/%Y}"

