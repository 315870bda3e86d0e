"""Numbers read out in words, in every language of the lexicons.

"zero seven nine one one, one two three", "zéro six, douze, trente-deux", "восемь девятьсот
двенадцать", "ศูนย์แปดหนึ่ง", "공일공 이삼삼일": nobody reads seven digits out like that except to
pass on a number. The words for 0-9 are the lexicons' ``[numbers]`` tables (as people write
them: "oh", "幺", "اثنين"); the words for 10-999 ("douze", "девятьсот двенадцать", "on iki")
come from num2words for the languages it knows, so compounds need no word list of ours.

Works on a lower-cased, folded view and returns spans in that view.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache

from num2words import num2words

from moderation import lexicon as lexicons
from moderation.cues import fold
from moderation.keywords import SPACED_LETTERS, trie_source

__all__ = ["number_word_at_edge", "spelled_runs", "warm_up"]

# "double five" is 55 (English, French, German, Italian and Spanish speakers read numbers so).
_REPEATS = {"double": 2, "doble": 2, "doppel": 2, "doppio": 2, "triple": 3, "tripple": 3}
# A run counts with at least this many digits and this many words: "one or two" or "tres o
# cuatro" is talk; eleven digits read out one by one is a number.
_MIN_DIGITS = 7
_MIN_WORDS = 3
# Counting ("one two three four five six seven") is not a number being passed on.
_COUNTING = ("0123456789", "9876543210", "1234567890")
# Between the words of one group: blanks, hyphens, apostrophes. Between groups: punctuation.
_GROUP_BREAK = ",;/、，،・."
_SEPARATORS = re.escape(" \t-" + _GROUP_BREAK)
# Compounds beyond this many words ("quatre vingt dix sept") are not joined into one value.
_MAX_COMPOUND = 5
_INNER = re.compile(r"[\s\-'’]+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class _Book:
    """The number words of a set of languages: a pattern of runs, the words in a run, and
    each word or compound (separators removed) → the digits it stands for."""

    runs: re.Pattern[str]
    words: re.Pattern[str]
    values: Mapping[str, str]
    # A number word at the very start, or at the very end, of a text.
    first: re.Pattern[str]
    last: re.Pattern[str]


def _key(phrase: str) -> str:
    return _INNER.sub("", phrase)


@lru_cache(maxsize=32)
def _language(code: str) -> tuple[Mapping[str, str], frozenset[str]]:
    """Every way ``code`` writes 0-999 (its lexicon's digit words, then num2words' forms,
    separators removed) → the digits; and the words they are made of."""
    phrases = [
        (digit, fold(entry))
        for digit, entries in lexicons.lexicon(code).numbers.items()
        for entry in entries
    ]
    # A language num2words does not know is read digit by digit only.
    with suppress(NotImplementedError):
        phrases += [(str(value), fold(num2words(value, lang=code))) for value in range(1000)]
    values: dict[str, str] = {}
    words: set[str] = set()
    for digits, phrase in phrases:
        values.setdefault(_key(phrase), digits)
        words.update(word for word in _INNER.split(phrase) if word)
    return values, frozenset(words)


@lru_cache(maxsize=32)
def _book(languages: tuple[str, ...]) -> _Book:
    values: dict[str, str] = {}
    atoms: set[str] = set(_REPEATS)
    for code in languages:
        known, words = _language(code)
        for key, digits in known.items():
            values.setdefault(key, digits)
        atoms |= words
    word = trie_source(sorted(atoms))
    token = rf"(?:\d+|{word})"
    # Words glue ("fivefive", "ศูนย์แปดหนึ่ง"); a run may not start or end inside a word of a
    # script written with blanks ("someone" holds no "one").
    runs = re.compile(
        rf"(?<![{SPACED_LETTERS}]){token}(?:[{_SEPARATORS}'’]{{0,3}}{token})*"
        rf"(?![{SPACED_LETTERS}])"
    )
    return _Book(
        runs,
        re.compile(token),
        values,
        re.compile(rf"\s*{word}"),
        re.compile(rf"(?<![{SPACED_LETTERS}]){word}[{_SEPARATORS}'’]*\Z"),
    )


def _digits(book: _Book, run: str) -> tuple[str, int]:
    """The digits ``run`` reads out, and how many number words it used."""
    groups: list[list[str]] = [[]]
    for match in book.words.finditer(run):
        between = run[match.start() - 1] if match.start() and groups[-1] else ""
        if between and between in _GROUP_BREAK:
            groups.append([])
        groups[-1].append(match.group())
    digits: list[str] = []
    words = 0
    repeat = 1
    for group in groups:
        index = 0
        while index < len(group):
            token = group[index]
            if token in _REPEATS:
                repeat = _REPEATS[token]
                index += 1
                continue
            if token.isdigit():
                digits.append(token * repeat if len(token) == 1 else token)
                index += 1
                repeat = 1
                continue
            # The longest compound from here that is one value: "quatre vingt neuf" is 89.
            for end in range(min(len(group), index + _MAX_COMPOUND), index, -1):
                value = book.values.get("".join(group[index:end]))
                if value is not None and not any(t.isdigit() for t in group[index:end]):
                    digits.append(value * repeat)
                    words += end - index
                    index = end
                    break
            else:
                # A glued run of words: split it by the longest known word at each point.
                value, used = _glued(book, token)
                digits.append(value * repeat)
                words += used
                index += 1
            repeat = 1
    return "".join(digits), words


def _glued(book: _Book, token: str) -> tuple[str, int]:
    digits: list[str] = []
    used = 0
    start = 0
    while start < len(token):
        for end in range(len(token), start, -1):
            value = book.values.get(token[start:end])
            if value is not None:
                digits.append(value)
                used += 1
                start = end
                break
        else:
            start += 1  # an atom that is only part of a compound ("hundred" alone)
    return "".join(digits), used


def number_word_at_edge(text: str, *, end: bool, languages: Iterable[str] | None) -> bool:
    """Whether the lower-cased ``text`` starts (or with ``end``, ends) with a number word."""
    book = _book(lexicons.resolve_languages(languages))
    return bool(book.last.search(text) if end else book.first.match(text))


def spelled_runs(text: str, languages: Iterable[str] | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, digits)`` for each run of the lower-cased ``text`` that reads a number
    out in words, in ``languages`` (English is added; None: every language of the lexicons).

    A run counts with at least seven digits and three number words, and is not counting.
    """
    book = _book(lexicons.resolve_languages(languages))
    found = []
    for match in book.runs.finditer(text):
        if not match.group().strip(_SEPARATORS + "'’").isdigit():
            digits, words = _digits(book, match.group())
            if (
                words >= _MIN_WORDS
                and len(digits) >= _MIN_DIGITS
                and not any(digits in counting for counting in _COUNTING)
            ):
                found.append((match.start(), match.end(), digits))
    return found


def warm_up() -> None:
    """Compile every language's words (about a second): what a message of unknown language is
    read with. Called at a worker's start (moderation.detectors.warm_up), so that a broken
    [numbers] entry fails the start and the first message does not wait."""
    _book(lexicons.resolve_languages(None))
