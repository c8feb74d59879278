"""A job's messages are written by the worker but read on the page in the reader's
language: kept in both, redacted (no ID number, phone or full name)."""

from collections.abc import Callable

from django.utils import translation

from cancuoc.lib.redact import redact

LANGUAGES = ("vi", "en")


def in_both(make: Callable[[], object]) -> dict[str, str]:
    """``make()`` said in each language (it calls gettext, or formats a lazy string)."""
    said = {}
    for language in LANGUAGES:
        with translation.override(language):
            said[language] = redact(str(make()))
    return said


def in_reader_language(said: dict[str, str] | str) -> str:
    if isinstance(said, str):
        return said
    english = (translation.get_language() or "").startswith("en")
    return said.get("en" if english else "vi", "")
