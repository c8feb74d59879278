"""The API's pattern and the pages' check refuse the same characters: every code point."""

import re
import sys

from cancuoc.lib.text import SAFE_TEXT_PATTERN, unsafe_character


def disagreements(pattern: str) -> list[str]:
    safe = re.compile(pattern)
    return [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF  # surrogates: no JSON string decodes to one alone
        and (safe.fullmatch(chr(code)) is None) != (unsafe_character(chr(code)) is not None)
    ]


def test_the_api_pattern_refuses_exactly_what_the_pages_refuse():
    assert disagreements(SAFE_TEXT_PATTERN) == []


def test_a_pattern_that_forgets_the_private_use_area_is_caught():
    forgetful = SAFE_TEXT_PATTERN.replace(r"\ue000-\uf8ff", "")
    assert disagreements(forgetful)[:2] == ["U+E000", "U+E001"]
