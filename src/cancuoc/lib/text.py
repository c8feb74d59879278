"""Vietnamese text: Unicode normalisation, one tone-placement style, sorting.

Written here because no small, maintained library does tone placement; the NLP toolkits that
do (underthesea and the like) pull in hundreds of megabytes for a 60-line rule.
"""

import re
import unicodedata
from functools import lru_cache

# Combining tone marks: huyền, sắc, ngã, hỏi, nặng.
TONES = "\u0300\u0301\u0303\u0309\u0323"
# Vowel letters after removing tones (NFC, lower case), those with a quality mark first.
MARKED_VOWELS = "ăâêôơư"
VOWELS = "aeiouy" + MARKED_VOWELS
_WORD = re.compile(r"\w+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text))  # str(): a lazy translation too


def strip_diacritics(text: str) -> str:
    """ "Nguyễn Đông Thạnh" -> "Nguyen Dong Thanh". Lossy: never match on this alone."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return nfc("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _split_tone(syllable: str) -> tuple[str, str]:
    """Return the syllable without its tone mark (NFC) and the mark ('' if none)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = "".join(ch for ch in decomposed if ch in TONES)[:1]
    bare = "".join(ch for ch in decomposed if ch not in TONES)
    return nfc(bare), tone


def _tone_position(bare: str) -> int | None:
    """Index of the vowel that carries the tone, in the "new" style (hoà, thuỷ, khoẻ)."""
    lower = bare.lower()
    start = 0
    # "qu" and "gi" + vowel: the u/i belong to the consonant.
    if lower.startswith("qu") or (lower.startswith("gi") and len(lower) > 2 and lower[2] in VOWELS):
        start = 2
    positions = [i for i in range(start, len(lower)) if lower[i] in VOWELS]
    if not positions:
        positions = [i for i in range(len(lower)) if lower[i] in VOWELS]
        if not positions:
            return None
    marked = [i for i in positions if lower[i] in MARKED_VOWELS]
    if marked:
        return marked[-1]  # ươ takes the tone on ơ; single marked vowels on themselves
    ends_with_consonant = positions[-1] != len(lower) - 1
    if len(positions) == 1 or ends_with_consonant:
        return positions[-1]
    cluster = lower[positions[0] : positions[-1] + 1]
    if len(positions) == 2 and cluster in {"oa", "oe", "uy"}:
        return positions[-1]
    if len(positions) >= 3:
        return positions[1]
    return positions[0]


@lru_cache(maxsize=65536)
def place_tone(syllable: str) -> str:
    """Move the tone mark of one syllable to its place in the new style."""
    bare, tone = _split_tone(syllable)
    if not tone:
        return bare
    position = _tone_position(bare)
    if position is None:
        return nfc(syllable)
    return nfc(bare[: position + 1] + tone + bare[position + 1 :])


def normalise_name(text: str) -> str:
    """NFC, one tone-placement style, single spaces, capitals (as DC01 writes names)."""
    return " ".join(_normal_word(word) for word in text.split())


@lru_cache(maxsize=65536)
def _normal_word(word: str) -> str:
    return _WORD.sub(lambda m: place_tone(m.group(0)), nfc(word)).upper()


# Vietnamese alphabetical order; letters not in it sort after, by code point.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONE_ORDER = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@lru_cache(maxsize=131072)
def name_keys(name: str) -> tuple[str, str]:
    """Both keys of a full name; names repeat a lot in a province, so they are cached."""
    return normalise_name(name), sort_key(name)


def sort_key(name: str) -> str:
    """An ASCII key that sorts names as Vietnamese lists do: given name first, then family
    and middle names, letters in Vietnamese order, tones as a tie-breaker."""
    words = normalise_name(name).lower().split(" ")
    ordered = words[-1:] + words[:-1]
    keys = [_word_sort_key(word) for word in ordered]
    return (" ".join(k[0] for k in keys) + "|" + "".join(k[1] for k in keys))[:250]


@lru_cache(maxsize=65536)
def _word_sort_key(word: str) -> tuple[str, str]:
    bare, tone = _split_tone(word)
    letters = "".join(f"{_ORDER.get(ch, 40 + ord(ch) % 50):02d}" for ch in bare)
    return letters, str(_TONE_ORDER.get(tone, 0))


# Bidirectional controls that change how text displays without changing what it says
# (CVE-2021-42574, "Trojan Source"): a slip would print a name other than the one stored.
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = set("\t\n\r")
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}  # controls, format, surrogates, private use


def unsafe_character(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first character a name, an address or a note must not hold, as (position, "U+XXXX"):
    control characters (NUL and the like), bidirectional overrides, invisible format
    characters, surrogates and private-use characters. Tabs and line breaks only when
    ``multiline``. None when the text is clean."""
    for position, character in enumerate(str(text), start=1):
        if multiline and character in _LINE_BREAKS:
            continue
        if character in _BIDI_CONTROLS or unicodedata.category(character) in _UNSAFE_CATEGORIES:
            return position, f"U+{ord(character):04X}"
    return None


# What ``unsafe_character`` refuses on one line, as the regular expression the API's schemas
# state (their OpenAPI "pattern"). Written out because scanning Unicode at import costs a
# fifth of a second; ``tests/lib/test_safe_text_pattern.py`` checks every code point against
# ``unsafe_character``, so the two cannot drift (a new Unicode version fails it).
SAFE_TEXT_PATTERN = (
    r"^[^\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ue000-\uf8ff\ufeff\ufff9-\ufffb"
    r"\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    r"\U000e0001\U000e0020-\U000e007f\U000f0000-\U000ffffd\U00100000-\U0010fffd]*$"
)
