"""Protect what must pass through translation untouched: links, e-mail addresses, @mentions,
numbers and emoji are swapped for numbered placeholders before the text reaches a model, and
put back afterwards.

Masking also makes the cache key blind to those pieces: "see you at 7" and "see you at 8" both
become "see you at ⟦1⟧", so one translation serves both.

Placeholders are written ⟦1⟧, ⟦2⟧, … (U+27E6 and U+27E7, mathematical white square brackets):
nobody types those brackets in a chat, they mean nothing in Markdown, HTML or any template
language a model might try to interpret, and models copy them as opaque tokens. Any ⟦ or ⟧ a
user did type is itself masked, so every bracket in a masked text belongs to a placeholder and a
stray one in a translation can only be a placeholder the model damaged.

Numbering follows first appearance, and every occurrence gets its own number even when the same
value appears twice ("7 or 7" → "⟦1⟧ or ⟦2⟧"). That keeps one rule for checking a translation
(each placeholder exactly once), lets "7 or 7" and "7 or 8" share a cache entry, and never asks
a model to repeat a placeholder.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import regex

__all__ = ["Masked", "PlaceholderError", "mask", "unmask", "without_protected"]

# Top-level domains that are never everyday words in the languages we serve, so "example.com"
# counts as a link without a scheme or a path. Word-like ones ("me", "it", "es", "de", "to",
# "io", "eu", "se", …) need a path ("t.me/foo"), so that "ok.me too" or
# "ciao.io sono", typed without a space after the full stop, are not taken for links.
_BARE_TLDS = (
    "com|org|net|edu|gov|info|biz|xyz|online|site|shop|store|club|vip|onion|ru|su|ua|uk|fr|br|"
    "nl|pl|ch|cz|dk|fi|gr|tr|ro|hu|tv|cc|ws|ly|gg|co|mx|cl|uy|jp|cn|kr|hk|tw|sg|au|nz|za|ng|"
    "ke|gh|ph|vn|ir|ae|eg"
)
# Punctuation that ends a sentence rather than a link when it trails one.
_URL_TRAIL = r"""[.,!?;:'"»”’)\]}…>]"""
# A character of a link after its host: balanced "(…)" groups (Wikipedia titles) or any
# non-space. Taken lazily up to _URL_END, so that trailing punctuation stays outside.
_URL_CHAR = r"(?:\([^\s()]*\)|\S)"
_URL_END = rf"(?={_URL_TRAIL}*(?:\s|$))"
_LABEL = r"[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?"
# Dotted labels taken whole (atomic, so a long dotted run costs linear time), ending in a
# top-level domain of letters.
_DOTTED = rf"(?>{_LABEL}(?:\.{_LABEL})+)"
_HOST = rf"{_DOTTED}(?<=\.\p{{L}}{{2,24}})"
# One emoji as a whole grapheme cluster (ZWJ sequence, skin tone, flag, tag sequence, keycap).
_EMOJI = r"(?:(?=[\p{Extended_Pictographic}\p{Regional_Indicator}]|[0-9#*]\uFE0F?\u20E3)\X)"

# One scan finds every protected piece; at a given position, earlier alternatives win (an
# e-mail address is not read as a mention or a domain; a keycap emoji is not read as a number).
_PROTECTED = regex.compile(
    rf"""
    ⟦[^⟦⟧\s]{{0,16}}⟧ | [⟦⟧]                                       # brackets a user typed
  | (?<![\w.@-]) [a-z][a-z0-9+.-]{{1,15}}://{_URL_CHAR}+?{_URL_END}  # scheme://…
  | (?<![\w.@+-]) [\w.+-]+ @ {_HOST} (?![\w-])                      # e-mail address
  | (?<![\w.@/-]) www\.{_HOST} (?::\d{{1,5}})? (?:/{_URL_CHAR}*?{_URL_END})?
  | (?<![\w.@/-]) {_HOST} (?::\d{{1,5}})? /{_URL_CHAR}*?{_URL_END}    # t.me/foo: any TLD
  | (?<![\w.@/-]) {_DOTTED}(?<=\.(?:{_BARE_TLDS})) (?![\w-]|\.\w)   # example.com
  | (?<![\w@]) @\w(?:[\w.]*\w)?                                    # @mention
  | {_EMOJI}(?:[ \t]*{_EMOJI})*    # a run of emoji, spaces between included: "😘 😘" is one
    # Numbers not glued to a preceding letter ("gr8", "mp3" and "v2.0" stay words): integers,
    # decimals with . or , and times; the digits of an ordinal ("1st" → "⟦1⟧st").
  | (?<![\p{{L}}\p{{M}}\p{{N}}_]) (?<!\p{{N}}[.,:]) \p{{Nd}}+ (?:[.,:]\p{{Nd}}+)*
    """,
    regex.VERBOSE | regex.IGNORECASE,
)
# What unmask looks for: a well-formed placeholder, or a bracket left of a damaged one.
_TOKEN = re.compile(r"⟦([0-9]+)⟧|[⟦⟧]")


class PlaceholderError(ValueError):
    """A translation lost, repeated, altered or invented a placeholder."""


@dataclass(frozen=True, slots=True)
class Masked:
    """A text with its protected pieces swapped for placeholders (⟦1⟧ is values[0])."""

    text: str
    values: tuple[str, ...]


def mask(text: str) -> Masked:
    """Replace links, e-mail addresses, @mentions, numbers and emoji with ⟦n⟧ placeholders."""
    values: list[str] = []

    def placeholder(match: regex.Match) -> str:
        values.append(match.group())
        return f"⟦{len(values)}⟧"

    masked = _PROTECTED.sub(placeholder, text)
    return Masked(masked, tuple(values))


def unmask(translated: str, values: Sequence[str]) -> str:
    """Put the original pieces back into a translation of a masked text.

    Placeholders may move (word order differs between languages) and the spaces around them may
    change; each one must still appear exactly once and unaltered, or PlaceholderError is raised
    so the caller can fall back instead of showing a reader a wrong link or number.
    """
    used = [False] * len(values)

    def restore(match: re.Match) -> str:
        digits = match.group(1)
        if digits is None:
            raise PlaceholderError(f"damaged placeholder near {_around(translated, match)!r}")
        index = int(digits)
        if digits != str(index) or not 1 <= index <= len(values):
            raise PlaceholderError(f"unknown placeholder {match.group()}")
        if used[index - 1]:
            raise PlaceholderError(f"placeholder {match.group()} appears more than once")
        used[index - 1] = True
        return values[index - 1]

    restored = _TOKEN.sub(restore, translated)
    missing = [f"⟦{number}⟧" for number, seen in enumerate(used, start=1) if not seen]
    if missing:
        raise PlaceholderError(f"placeholder(s) missing: {', '.join(missing)}")
    return restored


def without_protected(text: str) -> str:
    """The text with every piece that mask() would protect replaced by a space.

    What is left is what a reader would actually need translated; language detection and the
    "is there anything to translate" check look only at that.
    """
    return _PROTECTED.sub(" ", text)


def _around(text: str, match: re.Match) -> str:
    return text[max(0, match.start() - 10) : match.end() + 10]
