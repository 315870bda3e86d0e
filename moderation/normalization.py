"""Text normalization for matching: fold disguises away while remembering where each char came from.

The stored message is never altered. Detectors match on the normalized text and use
``Normalized.to_original`` to report spans in the text the sender actually typed.

Folding follows the script a word is written in. Latin letters lose accents and styled forms;
every other script keeps its letters and the marks that belong to them (kana voicing marks,
Devanagari and Thai vowel signs, composed Hangul), so a Russian or Japanese cue matches as
written. Look-alike letters and leetspeak fold only where they disguise a word
(``moderation.disguises``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from confusable_homoglyphs import categories

from moderation.characters import compose, fold_char, script_mark
from moderation.disguises import LOOKALIKE_SCRIPTS, fold_leet, fold_lookalikes

__all__ = ["Normalized", "around", "mixed_script_words", "normalize", "normalize_views"]

# Three or more single letters split by the same blank or light punctuation each time:
# "t e l e g r a m", "w.h.a.t.s.a.p.p". The same separator keeps "e.g. a" apart. Digits are
# left alone; phone detection deals with spaced digits itself.
_SPACED_LETTERS = re.compile(
    r"(?<![^\W_])[^\W\d_](?P<sep>[ \t.\-_*·•|]{1,3})[^\W\d_](?![^\W_])"
    r"(?:(?P=sep)[^\W\d_](?![^\W_]))+"
)
_LETTER = re.compile(r"[^\W\d_]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_RTL_RUN = re.compile("[\u202e\u2067]([^\u202c\u2069\n\u2029]*)")
# A word for the mixed-script test: letters, with the invisible characters and marks that a
# disguised word may carry inside it.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u200b-\u200d\u2060\ufe00-\ufe0f])+")
# Scripts written without blanks between words: Thai, Lao, Myanmar, Khmer, Hangul, kana and
# Han. A Latin word or a number written against them ("加我telegram") gets a blank of its own
# in the case-folded views, so word boundaries work on both sides.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_SCRIPT_GAP = re.compile(rf"(?<=[A-Za-z0-9])(?=[{_UNSPACED}])|(?<=[{_UNSPACED}])(?=[A-Za-z0-9])")


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
            self._copy_map(last, start, starts, ends)
            origin = self.to_original(start, end)
            pieces.append(new)
            starts.extend([origin[0]] * len(new))
            ends.extend([origin[1]] * len(new))
            last = end
        pieces.append(self.text[last:])
        self._copy_map(last, len(self.text), starts, ends)
        return Normalized(
            "".join(pieces), self.original_length, tuple(starts), tuple(ends), self._reordered
        )

    def _copy_map(self, start: int, end: int, starts: list[int], ends: list[int]) -> None:
        """Append the map of ``self.text[start:end]``, unchanged."""
        if self._starts is None or self._ends is None:
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
        else:
            starts.extend(self._starts[start:end])
            ends.extend(self._ends[start:end])


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


def _fold(text: str) -> tuple[str, list[int], list[int]]:
    """Fold ``text`` char by char, case kept, and map each folded char to the original."""
    order = _display_order(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    if order is not None:
        for i in order:
            _fold_one(text[i], i, out, starts, ends, in_order=False)
        return "".join(out), starts, ends
    last = 0
    # ASCII runs are copied whole; only the other characters need folding one by one.
    for match in _NON_ASCII.finditer(text):
        first = match.start()
        if last < first:
            out.append(text[last:first])
            starts.extend(range(last, first))
            ends.extend(range(last + 1, first + 1))
        for i, ch in enumerate(match.group(), first):
            folded, mark = fold_char(ch)
            if len(folded) == 1 and not mark:  # the usual case, inline
                out.append(folded)
                starts.append(i)
                ends.append(i + 1)
            else:
                _fold_one(ch, i, out, starts, ends, in_order=True)
        last = match.end()
    if last < len(text):
        out.append(text[last:])
        starts.extend(range(last, len(text)))
        ends.extend(range(last + 1, len(text) + 1))
    return "".join(out), starts, ends


def _fold_one(
    ch: str, i: int, out: list[str], starts: list[int], ends: list[int], *, in_order: bool
) -> None:
    """Append the folded form of ``ch``, the ``i``-th char of the original, to the lists.

    ``in_order`` is False when an override put chars in display order: then nothing is "the
    char before", which a combining mark composes with and a dropped char is counted into.
    """
    folded, mark = fold_char(ch)
    if mark:
        before = out[-1][-1] if out and in_order else ""
        other_script = bool(before) and not before.isascii()
        composed = compose(before, folded) if other_script else None
        if composed is not None:
            # Voiced kana, й: one letter, spanning everything typed for it.
            out[-1] = out[-1][:-1] + composed
            ends[-1] = i + 1
            return
        if not script_mark(folded) or not (other_script or not in_order):
            folded = ""
    if folded:
        out.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([i + 1] * len(folded))
    elif ends and in_order:
        # A dropped char (zero-width, combining accent) belongs to the char before it, so a
        # reported span still covers everything the sender typed inside the word.
        ends[-1] = i + 1


def _lowered(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """Lower case, keeping the map (a few letters lower to two chars: "İ" → "i̇")."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered, starts, ends
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    for ch, start, end in zip(text, starts, ends, strict=True):
        low = ch.lower()
        out.append(low)
        new_starts.extend([start] * len(low))
        new_ends.extend([end] * len(low))
    return "".join(out), new_starts, new_ends


def _split_scripts(
    text: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    """A blank between a Latin word or number and a script written without blanks.

    The blank maps to the char before it, so no span of the folded text maps to nothing.
    """
    if not _HAS_UNSPACED.search(text):
        return text, starts, ends
    gaps = [m.start() for m in _SCRIPT_GAP.finditer(text)]
    if not gaps:
        return text, starts, ends
    pieces: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for gap in gaps:
        pieces.append(text[last:gap])
        new_starts.extend(starts[last:gap])
        new_ends.extend(ends[last:gap])
        pieces.append(" ")
        new_starts.append(starts[gap - 1])
        new_ends.append(ends[gap - 1])
        last = gap
    pieces.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return "".join(pieces), new_starts, new_ends


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


def _identity(n: int) -> tuple[list[int], list[int]]:
    return list(range(n)), list(range(1, n + 1))


def normalize(text: str, *, lower: bool = True, join_spaced: bool = True) -> Normalized:
    """Normalize ``text`` for matching and keep the map back to original positions.

    Strips invisible and format characters, applies NFKC, drops the accents of Latin letters,
    folds styled, small-capital, keycap letters and digits of any script to ASCII and
    look-alike letters where they disguise a word. With ``lower`` (the default) the text is
    lowercased and a Latin word written against Chinese, Japanese, Korean or Thai gets a
    blank; with ``join_spaced`` letters spaced one by one are rejoined ("t e l e g r a m")
    and leetspeak names and intent words are undone ("t3l3gram").
    Pass ``lower=False, join_spaced=False`` for case-sensitive identifiers such as wallets.
    """
    n = len(text)
    if text.isascii():
        folded = text.lower() if lower else text
        if not join_spaced:
            return Normalized(folded, n)
        if not _SPACED_LETTERS.search(folded):
            return Normalized(fold_leet(folded) if lower else folded, n)
        starts, ends = _identity(n)
    else:
        folded, starts, ends = _fold(text)
        folded = fold_lookalikes(folded)
        if lower:
            folded, starts, ends = _lowered(folded, starts, ends)
            folded, starts, ends = _split_scripts(folded, starts, ends)
    if join_spaced:
        folded, starts, ends = _join_spaced(folded, starts, ends)
        if lower:
            folded = fold_leet(folded)
    return Normalized(folded, n, tuple(starts), tuple(ends), _reorders(text))


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
            words_text = fold_leet(lowered)
            words = folded if words_text == lowered else Normalized(words_text, n)
            return Normalized(text, n), folded, words
        starts, ends = _identity(n)
        exact = Normalized(text, n)
    else:
        exact_text, exact_starts, exact_ends = _fold(text)
        exact_text = fold_lookalikes(exact_text)
        reordered = _reorders(text)
        exact = Normalized(exact_text, n, tuple(exact_starts), tuple(exact_ends), reordered)
        lowered, starts, ends = _lowered(exact_text, exact_starts, exact_ends)
        lowered, starts, ends = _split_scripts(lowered, starts, ends)
        folded = Normalized(lowered, n, tuple(starts), tuple(ends), reordered)
    words_text, word_starts, word_ends = _join_spaced(lowered, starts, ends)
    words_text = fold_leet(words_text)
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
        if "LATIN" in scripts and scripts & LOOKALIKE_SCRIPTS:
            spans.append(match.span())
    return spans
