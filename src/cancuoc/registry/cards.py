"""How long an identity document is valid ("có giá trị đến")."""

from datetime import date

from .choices import CardKind
from .dates import anniversary

# CMND: 15 years from issue (Decree 05/1999/NĐ-CP art. 2).
CMND_VALIDITY_YEARS = 15
# CCCD under the Law on Citizen Identification 2014, art. 21: changed at 25, 40 and 60.
CCCD_CHANGE_AGES = (25, 40, 60)
# Thẻ căn cước under the Law on Identification 2023, art. 21: changed at 14, 25, 40 and 60.
CAN_CUOC_CHANGE_AGES = (14, 25, 40, 60)
# A card issued within this many years before a change age stays valid until the next one.
GRACE_YEARS = 2

CHANGE_AGES = {
    CardKind.CCCD_BARCODE: CCCD_CHANGE_AGES,
    CardKind.CCCD_CHIP: CCCD_CHANGE_AGES,
    CardKind.CAN_CUOC: CAN_CUOC_CHANGE_AGES,
}


def expiry_by_age(birth_date: date, issued_on: date, change_ages: tuple[int, ...]) -> date | None:
    """The first change age whose grace window the issue date falls before; ``None`` when
    the card was issued within two years of the last change age or later (no expiry)."""
    for age in change_ages:
        if issued_on < anniversary(birth_date, age - GRACE_YEARS):
            return anniversary(birth_date, age)
    return None


def card_expiry(kind: str, *, birth_date: date, issued_on: date) -> date | None:
    if kind in (CardKind.CMND_9, CardKind.CMND_12):
        return anniversary(issued_on, CMND_VALIDITY_YEARS)
    return expiry_by_age(birth_date, issued_on, CHANGE_AGES[CardKind(kind)])
