"""Who must get a card, as of a date: named, dated policies.

A policy says from what age a card is required and which documents count as a valid card.
The database filters that apply it are methods of ``PersonQuerySet`` (models.py), so that a
worklist of a million people is one query, not a loop.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from cancuoc.lib.errors import NotFoundError

from .choices import CardKind


class Need(StrEnum):
    """Which procedure a person on a worklist comes for (Luật Căn cước 2023, điều 23–24)."""

    FIRST = "first"  # cấp mới: never held an identity card
    CHANGE = "change"  # cấp đổi: holds an older card (CMND, barcode CCCD) or one expired
    REPLACE = "replace"  # cấp lại: their card in force was reported lost or damaged


NEED_LABELS = {
    Need.FIRST: gettext_lazy("Cấp mới"),
    Need.CHANGE: gettext_lazy("Cấp đổi"),
    Need.REPLACE: gettext_lazy("Cấp lại"),
}


@dataclass(frozen=True)
class EligibilityPolicy:
    code: str
    title: str  # in the active language when shown
    legal_basis: str
    in_force_from: date
    in_force_until: date | None
    minimum_age: int
    qualifying_kinds: frozenset[CardKind]
    # Older documents that count only until a date set by law.
    valid_until: dict[CardKind, date] = field(default_factory=dict)

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )

    def kinds_valid_on(self, day: date) -> list[CardKind]:
        return sorted(
            kind
            for kind in self.qualifying_kinds
            if kind not in self.valid_until or day <= self.valid_until[kind]
        )


CHIP_2021 = EligibilityPolicy(
    code="chip-2021",
    title=gettext_lazy("Chiến dịch cấp CCCD gắn chip 2021"),
    legal_basis="Luật Căn cước công dân 2014; Thông tư 06/2021/TT-BCA",
    in_force_from=date(2021, 1, 1),
    in_force_until=date(2024, 6, 30),
    minimum_age=14,
    # The campaign's target: everyone from 14 without a chip card (CMND and barcode CCCD
    # holders included).
    qualifying_kinds=frozenset({CardKind.CCCD_CHIP, CardKind.CAN_CUOC}),
)

LAW_2023 = EligibilityPolicy(
    code="law-2023",
    title=gettext_lazy("Luật Căn cước 2023"),
    legal_basis="Luật Căn cước số 26/2023/QH15, điều 19, 21, 46",
    in_force_from=date(2024, 7, 1),
    in_force_until=None,
    minimum_age=14,
    # Art. 46: CCCD cards stay valid until their printed expiry; CMND until 31/12/2024.
    qualifying_kinds=frozenset(CardKind),
    valid_until={
        CardKind.CMND_9: date(2024, 12, 31),
        CardKind.CMND_12: date(2024, 12, 31),
    },
)

POLICIES = {policy.code: policy for policy in (CHIP_2021, LAW_2023)}


class NoPolicy(NotFoundError, LookupError):
    pass


def policy_in_force(day: date) -> EligibilityPolicy:
    for policy in POLICIES.values():
        if policy.in_force_on(day):
            return policy
    raise NoPolicy(
        gettext("Không có chính sách nào áp dụng ngày %(day)s.")
        % {"day": date_format(day, "SHORT_DATE_FORMAT")}
    )


def policy_by_code(code: str) -> EligibilityPolicy:
    try:
        return POLICIES[code]
    except KeyError:
        raise NoPolicy(
            gettext("Không có chính sách %(code)s; có: %(known)s.")
            % {"code": code, "known": ", ".join(POLICIES)}
        ) from None
