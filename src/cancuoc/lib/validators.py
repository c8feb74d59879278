"""Validators for free text typed by people or read from files: names, addresses, notes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import unsafe_character

UNSAFE_MESSAGE = _(
    "Có ký tự không được phép (%(character)s, ký tự thứ %(position)s): ký tự điều khiển hoặc "
    "ký tự đảo chiều văn bản. Hãy gõ lại."
)


def refuse_unsafe_characters(value: str, *, multiline: bool = False) -> None:
    found = unsafe_character(value, multiline=multiline)
    if found:
        position, character = found
        raise ValidationError(
            UNSAFE_MESSAGE,
            code="unsafe_character",
            params={"character": character, "position": position},
        )


def refuse_unsafe_characters_multiline(value: str) -> None:
    refuse_unsafe_characters(value, multiline=True)
