"""The text of a campaign's message, filled in for one person and fitted into one SMS, and
phone numbers in one form so that an opt-out matches however the number was written."""

import re
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cancuoc.scheduling.messages import (
    GSM7_SINGLE,
    cut_to_septets,
    gsm7_septets,
    name_initials,
    to_gsm7,
)

# What a template may ask for: the full name (họ và tên) and the given name (tên), by which
# Vietnamese address each other.
PLACEHOLDERS = frozenset({"ho_ten", "ten"})
# Septets kept for each placeholder: "N.T.H. Trang" still says who is meant.
NAME_ROOM = 12

_NOT_DIGIT = re.compile(r"\D")
# Mobile numbers have ten digits since 2018; landlines eleven (02x…).
_NATIONAL = re.compile(r"^0\d{9,10}$")


def phone_key(phone: str) -> str | None:
    """ "+84 912.345.678", "84912345678" and "0912345678" are one number: "0912345678".
    None when what is left is not a Vietnamese number."""
    digits = _NOT_DIGIT.sub("", phone)
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if _NATIONAL.match(digits) else None


def _placeholders(text: str) -> list[str]:
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


def template_problems(*, text: str, unaccented: str) -> None:
    """Raise a ValidationError naming what is wrong with a template: a placeholder it does not
    know, a character GSM-7 lacks in the unaccented text, or an unaccented text that leaves too
    little room for the names in one SMS."""
    problems = {}
    for field, body in [("text", text), ("unaccented", unaccented)]:
        try:
            unknown = sorted(set(_placeholders(body)) - PLACEHOLDERS)
        except ValueError as error:
            problems[field] = _("Dấu ngoặc {} không đúng: %(error)s") % {"error": error}
            continue
        if unknown:
            problems[field] = _("Chỗ điền không có: %(names)s (chỉ có {ho_ten} và {ten}).") % {
                "names": ", ".join(unknown)
            }
    if problems:
        raise ValidationError(problems)
    bare = unaccented.format(ho_ten="", ten="")
    septets = gsm7_septets(bare)
    if septets is None:
        raise ValidationError({"unaccented": _("Có ký tự ngoài bảng GSM-7 (còn dấu?).")})
    room = GSM7_SINGLE - septets
    needed = NAME_ROOM * len(_placeholders(unaccented))
    if room < needed:
        raise ValidationError(
            {
                "unaccented": _("Dài quá một tin nhắn: còn %(room)s ký tự cho tên, cần %(needed)s.")
                % {"room": room, "needed": needed}
            }
        )


def template_render(unaccented: str, *, full_name: str) -> str:
    """The unaccented template filled in for one person, within one GSM-7 SMS: the name in full,
    else as initials and given name, else cut (``template_problems`` keeps room for it)."""
    name = " ".join(full_name.split())
    given = to_gsm7(name.rsplit(" ", 1)[-1]) if name else ""
    forms = [to_gsm7(name), to_gsm7(name_initials(name))]
    for full in forms:
        text = unaccented.format(ho_ten=full, ten=given)
        if gsm7_septets(text) <= GSM7_SINGLE:
            return text
    uses = len(_placeholders(unaccented))
    room = (GSM7_SINGLE - gsm7_septets(unaccented.format(ho_ten="", ten=""))) // uses
    return unaccented.format(
        ho_ten=cut_to_septets(forms[-1], room), ten=cut_to_septets(given, room)
    )
