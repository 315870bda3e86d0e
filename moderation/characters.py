"""How one character is matched: compatibility forms, accents, digits, marks, invisibles.

Latin (and Greek) letters lose their accents and styled forms and become ASCII where they have
an ASCII form; every other script keeps its letters and the marks that belong to them (kana
voicing, Devanagari and Thai vowel signs), and Hangul stays composed. Digits of any script
read as ASCII digits. ``moderation.normalization`` applies this to whole texts.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii

__all__ = ["compose", "fold_char", "script_mark"]

# Characters that render as nothing (or as blank space) but are not format characters (Cf),
# so the category test below would keep them; senders use them to split keywords. The Arabic
# tatweel only stretches the letters around it ("مـــال").
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u0640")
# Format (zero-width, bidi controls, tags) and enclosing (keycap) characters never change
# which letter a reader sees.
_DROPPED_CATEGORIES = frozenset(("Cf", "Me"))
# Combining marks any script may carry (accents, stacked "Zalgo" marks, variation selectors,
# Cyrillic titlo) and the optional vowel marks of Hebrew and Arabic: dropped unless they
# compose with the letter before them into one letter (й, が). A script's own marks
# (Devanagari or Thai vowel signs, kana voicing) are part of its words and stay.
_GENERIC_MARKS = (
    (0x0300, 0x036F),
    (0x0483, 0x0489),
    (0x0591, 0x05C7),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE00, 0xFE0F),
    (0xFE20, 0xFE2F),
    (0xE0100, 0xE01EF),
)
# The spacing kana voicing marks, which some writers put after a kana like the combining ones.
_MARK_ALIASES = {"\u309b": "\u3099", "\u309c": "\u309a"}
# Hangul compatibility letters ("ㅋㅋ") would become conjoining jamo under NFKC.
_KEPT_AS_WRITTEN = (0x3130, 0x318F)
# One-to-one folds applied everywhere: typographic quotes so "what’s" matches like "what's",
# Cyrillic ё as е (Russian writers use either), and a paragraph separator (between messages
# read together) as a blank.
_FIXED: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    "ё": "е",
    "Ё": "Е",
    "\u2029": " ",
}
# Blocks whose NFKC form adds decoration around the character: "⒯" → "(t)", "⒈" → "1.".
_ENCLOSED = ((0x2460, 0x24FF), (0x2776, 0x2793), (0x1F100, 0x1F1FF))


def _latin_to_ascii(char: str) -> str:
    """A Latin letter without its accents → its ASCII form, if it has one."""
    if char.isascii():
        return char
    name = unicodedata.name(char, "")
    if "LATIN" in name or name.startswith("REGIONAL INDICATOR"):
        # Small capitals, IPA letters, negative circled letters, "ø", "ß": anyascii knows
        # them. Other scripts are left alone: transliterating Russian or Chinese would make
        # up English-looking words that no reader sees.
        ascii_form = anyascii(char)
        if ascii_form.isascii() and ascii_form.isalnum() and len(ascii_form) <= 3:
            return ascii_form
    return char


def _fold_composed(char: str) -> str:
    """One character of an NFKC form → how it is matched."""
    if char.isascii():
        return char
    fixed = _FIXED.get(char)
    if fixed is not None:
        return fixed
    category = unicodedata.category(char)
    if category in ("Nd", "No"):
        # Digits of any script and dingbat digits ("٣", "❸") read as the digit they are.
        digit = unicodedata.digit(char, None)
        if digit is not None:
            return str(digit)
    if category in ("Mn", "Me", "Cf") or char in _INVISIBLE:
        return ""  # a mark left over from a compatibility form ("゛" is a blank and a mark)
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    name = unicodedata.name(base, "")
    if base.isascii() or "LATIN" in name or "GREEK" in name or "REGIONAL INDICATOR" in name:
        # Accents go: writers of Latin-script languages (and Greek) often leave them out.
        letters = (c for c in decomposed if unicodedata.category(c)[0] != "M")
        return "".join(_latin_to_ascii(c) for c in letters)
    return char


@lru_cache(maxsize=16384)
def fold_char(ch: str) -> tuple[str, bool]:
    """``(folded, is_mark)``: how ``ch`` is matched, case kept (invisibles fold to ""), or,
    for a combining mark (half-width kana voicing marks too), the mark it stands for and True:
    what a mark becomes depends on the letter before it (see ``compose``, ``script_mark``)."""
    mark = _mark_form(ch)
    if mark is not None:
        return mark, True
    if ch in _INVISIBLE or unicodedata.category(ch) in _DROPPED_CATEGORIES:
        return "", False
    fixed = _FIXED.get(ch)
    if fixed is not None:
        return fixed, False
    code = ord(ch)
    compatible = ch if _KEPT_AS_WRITTEN[0] <= code <= _KEPT_AS_WRITTEN[1] else None
    composed = compatible or unicodedata.normalize("NFKC", ch)
    mapped = "".join(_fold_composed(c) for c in composed)
    if len(mapped) > 1 and any(lo <= code <= hi for lo, hi in _ENCLOSED):
        mapped = "".join(c for c in mapped if c.isalnum())
    return mapped, False


def _mark_form(ch: str) -> str | None:
    """The combining mark ``ch`` is or stands for, else None."""
    ch = _MARK_ALIASES.get(ch, ch)
    form = unicodedata.normalize("NFKC", ch)
    if form and all(unicodedata.category(c) == "Mn" for c in form):
        return form
    return None


def script_mark(mark: str) -> bool:
    """Whether ``mark`` belongs to a script's words (a vowel sign, kana voicing), not to any
    letter at all (an accent, a variation selector): kept after a letter of its script."""
    code = ord(mark[0])
    return not any(lo <= code <= hi for lo, hi in _GENERIC_MARKS)


def compose(before: str, mark: str) -> str | None:
    """The one letter that ``before`` (a letter of a script other than Latin) and ``mark``
    make (カ + ゛ → ガ, и + ˘ → й), folded as a written one would be, or None."""
    composed = unicodedata.normalize("NFC", before + mark)
    return _FIXED.get(composed, composed) if len(composed) == 1 else None
