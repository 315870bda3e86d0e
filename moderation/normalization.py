"""Text normalization for matching: fold disguises away while remembering where each char came from.

The stored message is never altered. Detectors match on the normalized text and use
``Normalized.to_original`` to report spans in the text the sender actually typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from confusable_homoglyphs import categories, confusables

__all__ = ["Normalized", "around", "mixed_script_words", "normalize", "normalize_views"]

# Characters that render as nothing (or as blank space) but are not format characters (Cf),
# so the category test below would keep them; senders use them to split keywords.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
# Format (zero-width, bidi controls, tags), enclosing (keycap) and nonspacing marks (accents,
# variation selectors) never change which letter a reader sees.
_DROPPED_CATEGORIES = frozenset(("Cf", "Me", "Mn"))
_LOOKALIKE_SCRIPTS = frozenset(("CYRILLIC", "GREEK"))


def _homoglyph_table() -> dict[str, str]:
    """Cyrillic and Greek letters → the ASCII letter they are drawn like.

    The Unicode confusables data (via confusable-homoglyphs) gives the candidates; a candidate
    of the same case wins so that case-sensitive identifiers survive. Letters only: a Cyrillic
    "з" is not folded to "3", which would turn Russian words into digit runs.
    """
    table: dict[str, str] = {}
    for char, entries in confusables.confusables_data.items():
        if len(char) != 1 or categories.alias(char) not in _LOOKALIKE_SCRIPTS:
            continue
        letters = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii()]
        letters = [c for c in letters if c.isalpha()]
        if letters:
            same_case = [c for c in letters if c.isupper() == char.isupper()]
            table[char] = (same_case or letters)[0]
    # Look-alikes the confusables data leaves out (lower-case forms of letters it lists in
    # upper case, and italic-looking ones) plus the case fixes it gets "wrong" for us.
    table.update(zip("кпгьишмнтвІΙΚԁӏ", "knrbuwmhtbIIKdl", strict=True))
    return table


_HOMOGLYPHS: dict[str, str] = {
    **_homoglyph_table(),
    # Typographic quotes, so "what’s" matches like "what's".
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    # A paragraph separator (between messages read together) is a blank for matching.
    "\u2029": " ",
}
# Blocks whose NFKC form adds decoration around the character: "⒯" → "(t)", "⒈" → "1.".
_ENCLOSED = ((0x2460, 0x24FF), (0x2776, 0x2793), (0x1F100, 0x1F1FF))

# Three or more single letters split by the same blank or light punctuation each time:
# "t e l e g r a m", "w.h.a.t.s.a.p.p". The same separator keeps "e.g. a" apart. Digits are
# left alone; phone detection deals with spaced digits itself.
_SPACED_LETTERS = re.compile(
    r"(?<![^\W_])[^\W\d_](?P<sep>[ \t.\-_*·•|]{1,3})[^\W\d_](?![^\W_])"
    r"(?:(?P=sep)[^\W\d_](?![^\W_]))+"
)
_LETTER = re.compile(r"[^\W\d_]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_RTL_RUN = re.compile("[\u202e\u2067]([^\u202c\u2069\n\u2029]*)")
# A word for the mixed-script test: letters, with the invisible characters and marks that a
# disguised word may carry inside it.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u200b-\u200d\u2060\ufe00-\ufe0f])+")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text plus, per normalized char, the span of original text it came from."""

    text: str
    original_length: int
    # None means the identity map (the common all-ASCII case, kept allocation-free).
    _starts: tuple[int, ...] | None = None
    _ends: tuple[int, ...] | None = None
    # True when a right-to-left override put chars in display order, so maps are not sorted.
    _reordered: bool = False

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``self.text`` back to a span of the original text."""
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if self._starts is None or self._ends is None:
            return start, end
        if start == end:
            pos = self._starts[start] if start < n else self.original_length
            return pos, pos
        if self._reordered:
            return min(self._starts[start:end]), max(self._ends[start:end])
        return self._starts[start], self._ends[end - 1]

    def replace_spans(self, edits: Iterable[tuple[int, int, str]]) -> Normalized:
        """Rewrite ``[start, end)`` spans of the text (sorted, not overlapping) by new strings.

        Every char of a replacement maps to the original span of what it replaced, so a
        detector matching "0155" written as "zero one five five" still reports the words.
        """
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        for start, end, new in edits:
            pieces.append(self.text[last:start])
            for pos in range(last, start):
                starts.append(self._start(pos))
                ends.append(self._end(pos))
            origin = self.to_original(start, end)
            pieces.append(new)
            starts.extend([origin[0]] * len(new))
            ends.extend([origin[1]] * len(new))
            last = end
        pieces.append(self.text[last:])
        for pos in range(last, len(self.text)):
            starts.append(self._start(pos))
            ends.append(self._end(pos))
        return Normalized(
            "".join(pieces), self.original_length, tuple(starts), tuple(ends), self._reordered
        )

    def _start(self, pos: int) -> int:
        return pos if self._starts is None else self._starts[pos]

    def _end(self, pos: int) -> int:
        return pos + 1 if self._ends is None else self._ends[pos]


def _to_ascii(char: str) -> str:
    """One decomposed character → its ASCII look-alike or transliteration, if it has one."""
    if char.isascii():
        return char
    mapped = _HOMOGLYPHS.get(char)
    if mapped is not None:
        return mapped
    if unicodedata.category(char) in ("Nd", "No"):
        # Digits of any script and dingbat digits ("٣", "❸") read as the digit they are.
        digit = unicodedata.digit(char, None)
        if digit is not None:
            return str(digit)
    name = unicodedata.name(char, "")
    if "LATIN" in name or name.startswith("REGIONAL INDICATOR"):
        # Small capitals, IPA letters, negative circled letters, "ø", "ß": anyascii knows
        # them. Other scripts are left alone: transliterating Russian or Chinese would make
        # up English-looking words that no reader sees.
        ascii_form = anyascii(char)
        if ascii_form.isascii() and ascii_form.isalnum() and len(ascii_form) <= 3:
            return ascii_form
    return char


@lru_cache(maxsize=16384)
def _fold_char(ch: str, lower: bool) -> str:
    """Fold one character: invisibles, compatibility forms, case, accents and look-alikes."""
    if ch in _INVISIBLE or unicodedata.category(ch) in _DROPPED_CATEGORIES:
        return ""
    mapped = _HOMOGLYPHS.get(ch)
    if mapped is None:
        mapped = "".join(
            _to_ascii(part)
            for composed in unicodedata.normalize("NFKC", ch)
            for part in unicodedata.normalize("NFD", composed)
            if part not in _INVISIBLE and unicodedata.category(part) not in _DROPPED_CATEGORIES
        )
        code = ord(ch)
        if len(mapped) > 1 and any(lo <= code <= hi for lo, hi in _ENCLOSED):
            mapped = "".join(c for c in mapped if c.isalnum())
    return mapped.lower() if lower else mapped


def _display_order(text: str) -> list[int] | None:
    """Indices of ``text`` in the order a reader sees them, if an override reverses any.

    "\u202emargelet no em dda" displays as "add me on telegram": the right-to-left override
    (or isolate) reverses everything up to its pop or the end of the line or paragraph.
    """
    if "\u202e" not in text and "\u2067" not in text:
        return None
    order = list(range(len(text)))
    for match in _RTL_RUN.finditer(text):
        start, end = match.span(1)
        order[start:end] = order[start:end][::-1]
    return order


def _fold_in_order(text: str, order: list[int], lower: bool) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i in order:
        folded = _fold_char(text[i], lower)
        out.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([i + 1] * len(folded))
    return "".join(out), starts, ends


def _fold(text: str, lower: bool) -> tuple[str, list[int], list[int]]:
    order = _display_order(text)
    if order is not None:
        return _fold_in_order(text, order, lower)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    # ASCII runs are copied whole; only the other characters need folding one by one.
    for match in _NON_ASCII.finditer(text):
        i = match.start()
        if last < i:
            run = text[last:i]
            out.append(run.lower() if lower else run)
            starts.extend(range(last, i))
            ends.extend(range(last + 1, i + 1))
        last = i + 1
        folded = _fold_char(match.group(), lower)
        if not folded:
            # A dropped char (zero-width, combining accent) belongs to the char before it, so
            # a reported span still covers everything the sender typed inside the word.
            if ends:
                ends[-1] = i + 1
            continue
        out.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([i + 1] * len(folded))
    if last < len(text):
        run = text[last:]
        out.append(run.lower() if lower else run)
        starts.extend(range(last, len(text)))
        ends.extend(range(last + 1, len(text) + 1))
    return "".join(out), starts, ends


def _join_spaced(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    pieces: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for match in _SPACED_LETTERS.finditer(text):
        pieces.append(text[last : match.start()])
        new_starts.extend(starts[last : match.start()])
        new_ends.extend(ends[last : match.start()])
        for letter in _LETTER.finditer(match.group()):
            pos = match.start() + letter.start()
            pieces.append(letter.group())
            new_starts.append(starts[pos])
            new_ends.append(ends[pos])
        last = match.end()
    pieces.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return "".join(pieces), new_starts, new_ends


def _reorders(text: str) -> bool:
    return "\u202e" in text or "\u2067" in text


def normalize(text: str, *, lower: bool = True, join_spaced: bool = True) -> Normalized:
    """Normalize ``text`` for matching and keep the map back to original positions.

    Strips invisible and format characters, applies NFKC, drops accents, folds styled,
    small-capital, keycap and Cyrillic/Greek look-alike letters and digits to ASCII and, by
    default, lowercases and rejoins letters spaced one by one ("t e l e g r a m").
    Pass ``lower=False, join_spaced=False`` for case-sensitive identifiers such as wallets.
    """
    if text.isascii():
        folded = text.lower() if lower else text
        if not join_spaced or not _SPACED_LETTERS.search(folded):
            return Normalized(folded, len(text))
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    else:
        folded, starts, ends = _fold(text, lower)
    if join_spaced:
        folded, starts, ends = _join_spaced(folded, starts, ends)
    return Normalized(folded, len(text), tuple(starts), tuple(ends), _reorders(text))


def normalize_views(text: str) -> tuple[Normalized, Normalized, Normalized]:
    """The three views the detectors need, folding the text once instead of three times.

    Returns what ``normalize`` gives with ``lower=False, join_spaced=False`` (for checksummed
    identifiers), with ``join_spaced=False`` (for addresses and links) and by default (words).
    """
    n = len(text)
    if text.isascii():
        lowered = text.lower()
        folded = Normalized(lowered, n)
        if not _SPACED_LETTERS.search(lowered):
            return Normalized(text, n), folded, folded
        starts, ends = list(range(n)), list(range(1, n + 1))
        exact = Normalized(text, n)
    else:
        exact_text, starts, ends = _fold(text, lower=False)
        reordered = _reorders(text)
        exact = Normalized(exact_text, n, tuple(starts), tuple(ends), reordered)
        lowered = "".join(map(str.lower, exact_text))  # per char, as _fold_char does
        if len(lowered) != len(exact_text):
            # A letter whose lower case is longer ("İ"): fold again rather than misalign.
            lowered, starts, ends = _fold(text, lower=True)
        folded = Normalized(lowered, n, tuple(starts), tuple(ends), reordered)
    words_text, word_starts, word_ends = _join_spaced(lowered, starts, ends)
    words = Normalized(words_text, n, tuple(word_starts), tuple(word_ends), exact._reordered)
    return exact, folded, words


def around(
    spans: Iterable[tuple[int, int]], text: str, *, before: int, after: int
) -> list[tuple[int, int]]:
    """Merged windows of ``text`` from ``before`` chars before to ``after`` after each span.

    Phrase detectors run their many patterns only near a keyword they all need, so a long
    message costs what its keywords' surroundings cost, not its whole length.
    """
    windows: list[tuple[int, int]] = []
    length = len(text)
    for start, end in sorted(spans):
        low, high = max(0, start - before), min(length, end + after)
        # Never cut a word in half: its first letters could pass for a keyword.
        while high < length and text[high].isalnum():
            high += 1
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], high))
        else:
            windows.append((low, high))
    return windows


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    if char.isascii():
        return "LATIN"
    return categories.alias(char)


def mixed_script_words(text: str) -> list[tuple[int, int]]:
    """Spans of words that mix Latin letters with Cyrillic or Greek ones ("tеlеgram").

    Nobody types such a word by accident: it is a disguise, and a risk signal on its own.
    """
    if text.isascii():
        return []
    spans = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        scripts = {_script(c) for c in word if c.isalpha()}
        if "LATIN" in scripts and scripts & _LOOKALIKE_SCRIPTS:
            spans.append(match.span())
    return spans
