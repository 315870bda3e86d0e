"""What a string from a client must be before anything stores, logs or relays it.

Any string: valid Unicode (no lone surrogate, which a JSON `\\ud800` escape can produce and no
database or UTF-8 log can hold) and no NUL (PostgreSQL's text refuses it). A message's text, in
addition: at least one character that shows, so a bubble of zero-width characters is refused.
"""

import re
import unicodedata

from chat.errors import ClientError

# Python's JSON decoder joins a valid surrogate pair into one character: any left is lone.
_SURROGATE = re.compile("[\ud800-\udfff]")

# Characters that show nothing: controls, format characters (zero-width space and joiners,
# direction marks, the byte order mark, tags), separators and spaces...
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Cs"})
# ... and the default-ignorable or blank characters of other categories (Unicode's
# Default_Ignorable_Code_Point, plus the blank braille cell that is often abused as a space).
_BLANK_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors
    (0x2065, 0x2065),
    (0x2800, 0x2800),  # braille pattern blank
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)


def _blank(char: str) -> bool:
    point = ord(char)
    if any(low <= point <= high for low, high in _BLANK_RANGES):
        return True
    # A character newer than this Python's Unicode tables is "Cn": it may well show (a new
    # emoji), so it counts as visible.
    return unicodedata.category(char) in _BLANK_CATEGORIES


def has_visible_character(text: str) -> bool:
    """Whether `text` has a character that shows (a letter, digit, mark, symbol, emoji...)."""
    return not all(map(_blank, text))


def string_check(name: str, value: str) -> None:
    """Refuse a string that no database, log or other client could take as it is."""
    if "\x00" in value:
        raise ClientError("nul_character", f"'{name}' contains a NUL character (U+0000)")
    if not value.isascii() and _SURROGATE.search(value):
        raise ClientError(
            "invalid_unicode", f"'{name}' contains a lone surrogate (an unpaired \\ud800-\\udfff)"
        )


def visible_text_check(name: str, text: str) -> None:
    """Refuse a text that is not blank but shows nothing (only zero-width, format, control or
    filler characters). Empty or whitespace-only text is the caller's `empty_message`."""
    if text.strip() and not has_visible_character(text):
        raise ClientError("invisible_text", f"'{name}' has no visible character")
