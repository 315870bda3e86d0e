"""Lexicon entries turned into patterns over the folded view that the detectors match on.

An entry is written as people write (accents, native script, lower case); here each literal
run is folded exactly as ``normalize`` folds a message, so "envíame" matches "enviame" and
"Envíame", and whatever normalization does to a script it does to both sides alike. A space
in an entry matches any run of blanks, and ``{name}`` any form of a word list.

Words are bounded by script: a Latin, Cyrillic, Greek, Arabic or Devanagari entry must not
start or end inside a word of those scripts (Arabic entries spell out the clitics they allow,
"(?:ال)?واتس"); Chinese, Japanese, Thai and Korean entries (no blanks between words, or
particles glued to them) have no boundary, and "加我telegram" is two words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from moderation.keywords import SPACED_LETTERS, gate_words, leading_words, weight
from moderation.lexicon import LexiconError
from moderation.normalization import around, normalize

__all__ = [
    "END",
    "START",
    "Phrases",
    "alternation",
    "bounded",
    "checked",
    "choices",
    "compact",
    "compile_entry",
    "compiled_phrases",
    "fold",
    "phrases",
]

START = rf"(?:(?<![{SPACED_LETTERS}])|(?![{SPACED_LETTERS}]))"
END = rf"(?:(?![{SPACED_LETTERS}])|(?<![{SPACED_LETTERS}]))"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """``text`` as the detectors' word view shows it (lower case, folded, same script rules)."""
    return normalize(text, join_spaced=False).text


def _fold_literal(run: str, where: str) -> str:
    folded = fold(run)
    if not folded:
        file, _, key = where.partition(":")
        raise LexiconError(
            file, key, f"{run!r} folds away (a mark alone? write whole words as alternatives)"
        )
    return re.escape(folded)


def compile_entry(entry: str, lists: Mapping[str, str], where: str) -> str:
    """The regex source of one entry on the folded view.

    ``lists`` maps placeholder names to regex sources; ``where`` ("es.toml:payment.cues[3]")
    names the entry in errors.
    """
    used = tuple(
        sorted((name, lists[name]) for name in _PLACEHOLDER.findall(entry) if name in lists)
    )
    return _compile_entry(entry, used, where)


@lru_cache(maxsize=16384)
def _compile_entry(entry: str, used: tuple[tuple[str, str], ...], where: str) -> str:
    lists = dict(used)
    out: list[str] = []
    i = 0
    n = len(entry)
    while i < n:
        char = entry[i]
        if char == "\\":
            escaped = entry[i + 1 : i + 2]
            if escaped and not escaped.isascii():
                out.append(_fold_literal(escaped, where))
            else:
                out.append(char + escaped)
            i += 2
        elif char == "[":
            end, source = _char_class(entry, i, where)
            out.append(source)
            i = end
        elif char == "{":
            match = _PLACEHOLDER.match(entry, i)
            if match and match.group(1) in lists:
                out.append(f"(?:{lists[match.group(1)]})")
                i = match.end()
            else:
                out.append(char)
                i += 1
        elif char == " ":
            following = entry[i + 1 : i + 2]
            if following in ("?", "*"):
                out.append(r"\s*")
                i += 2
            elif following == "+":
                out.append(r"\s+")
                i += 2
            else:
                out.append(r"\s+")
                i += 1
        elif not char.isascii():
            j = i
            while j < n and not entry[j].isascii():
                j += 1
            out.append(_fold_literal(entry[i:j], where))
            i = j
        else:
            out.append(char)
            i += 1
    return "".join(out)


def checked(source: str, parts: Iterable[tuple[str, str]]) -> re.Pattern[str]:
    """``re.compile(source)``; when it fails, the ``(where, part source)`` that breaks it is
    named in the error (compiling each part alone is only done then: it costs time)."""
    try:
        return re.compile(source)
    except re.error as error:
        for where, part in parts:
            try:
                re.compile(part)
            except re.error as culprit:
                file, _, key = where.partition(":")
                raise LexiconError(file, key, f"does not compile when folded: {culprit}") from error
        raise LexiconError("(combined)", "(pattern)", f"does not compile: {error}") from error


def _char_class(entry: str, start: int, where: str) -> tuple[int, str]:
    """A ``[...]`` class from ``start``: its end and its source with members folded."""
    out = ["["]
    i = start + 1
    if entry[i : i + 1] == "^":
        out.append("^")
        i += 1
    if entry[i : i + 1] == "]":
        out.append(r"\]")
        i += 1
    while i < len(entry) and entry[i] != "]":
        char = entry[i]
        if char == "\\":
            out.append(entry[i : i + 2])
            i += 2
            continue
        if not char.isascii():
            folded = fold(char)
            if len(folded) != 1:
                file, _, key = where.partition(":")
                raise LexiconError(file, key, f"{char!r} in a [class] folds to {folded!r}")
            out.append(re.escape(folded))
        else:
            out.append(char)
        i += 1
    out.append("]")
    return i + 1, "".join(out)


def choices(entries: Iterable[str], lists: Mapping[str, str], where: str) -> str:
    """One regex source matching any of ``entries``, not bounded: a word list may stand for
    part of a word ("{verb}me")."""
    sources = [
        compile_entry(entry, lists, f"{where}[{index}]") for index, entry in enumerate(entries)
    ]
    return "|".join(sources) if sources else "(?!)"


def alternation(entries: Iterable[str], lists: Mapping[str, str], where: str) -> str:
    """One regex source matching any of ``entries``, bounded as a word."""
    sources = [
        compile_entry(entry, lists, f"{where}[{index}]") for index, entry in enumerate(entries)
    ]
    return bounded("|".join(sources)) if sources else "(?!)"


def bounded(source: str) -> str:
    """``source`` that neither starts nor ends inside a word (by the rules of its script)."""
    return f"{START}(?:{source}){END}"


@dataclass(frozen=True, slots=True)
class Phrases:
    """Entries compiled for finding: those known by their first words are matched anchored
    where such a word stands; the others are searched near a word they all contain."""

    anchored: re.Pattern[str] | None
    floating: re.Pattern[str] | None
    # Gate words: where an anchored match may start; near which a floating one may be.
    leading: frozenset[str]
    required: frozenset[str]

    def find(
        self,
        text: str,
        starts: Iterable[int],
        near: list[tuple[int, int]],
        *,
        before: int,
        after: int,
    ) -> Iterator[re.Match[str]]:
        """Matches starting at ``starts`` (anchored) and near the spans ``near`` (floating)."""
        if self.anchored is not None:
            for start in sorted(set(starts)):
                match = self.anchored.match(text, start)
                if match:
                    yield match
        if self.floating is not None and near:
            for low, high in around(near, text, before=before, after=after):
                yield from self.floating.finditer(text, low, high)


def phrases(
    entries: Iterable[str],
    lists: Mapping[str, str],
    where: str,
    *,
    wrap: Callable[[str], str] = lambda source: source,
) -> Phrases:
    """Compile ``entries`` (each bounded as a word) into ``Phrases``; ``wrap`` builds the
    final pattern around their alternation ("{cue}{gap}{object}")."""
    entries = list(entries)
    used = {name for entry in entries for name in _PLACEHOLDER.findall(entry)}
    small = compact({name: source for name, source in lists.items() if name in used})
    sources = []
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        sources.append((at, compile_entry(entry, lists, at), compile_entry(entry, small, at)))
    return compiled_phrases(sources, wrap=wrap)


def compact(lists: Mapping[str, str]) -> dict[str, str]:
    """Stand-ins for word lists when reading an entry's gate words: a list stands for the
    words its forms start with, which is all a gate needs, and is far quicker to parse."""
    return {name: _compact(source) for name, source in lists.items()}


@lru_cache(maxsize=4096)
def _compact(source: str) -> str:
    words = leading_words(source) if source else None
    if not words or min(map(weight, words)) < 2:
        return source
    return "(?:" + "|".join(re.escape(word) for word in sorted(words)) + r")\w*"


def compiled_phrases(
    sources: Iterable[tuple[str, str, str]], *, wrap: Callable[[str], str] = lambda source: source
) -> Phrases:
    """``Phrases`` of entries already compiled: ``(where, source, gate source)`` triples,
    the gate source being the entry compiled with ``compact`` lists."""
    anchored: list[tuple[str, str]] = []
    floating: list[tuple[str, str]] = []
    leading: set[str] = set()
    required: set[str] = set()
    for where, source, gate_source in sources:
        first = leading_words(gate_source)
        if first and min(map(weight, first)) >= 2:
            anchored.append((where, source))
            leading |= first
        else:
            floating.append((where, source))
            required |= gate_words(gate_source, where)

    def build(group: list[tuple[str, str]]) -> re.Pattern[str] | None:
        if not group:
            return None
        return checked(wrap(bounded("|".join(source for _, source in group))), group)

    return Phrases(build(anchored), build(floating), frozenset(leading), frozenset(required))


# --- the gate --------------------------------------------------------------------------------
