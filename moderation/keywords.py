"""Keywords: the words a pattern cannot match without, and where they stand in a text.

The detectors run their many patterns only near the keywords every one of them needs, so a
message costs what its keywords' surroundings cost, not what its length times the number of
patterns would. Which words those are is read from each compiled pattern with the standard
library's own regex parser; where they are is found in one pass for every detector at once
(``KEYWORDS``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache, wraps

# The standard library's own parser of regular expressions: which literals a pattern needs.
from re import _constants, _parser
from typing import TypeVar

from moderation.lexicon import LexiconError

T = TypeVar("T")

__all__ = [
    "KEYWORDS",
    "SPACED_LETTERS",
    "Gate",
    "SharedGate",
    "by_tag",
    "gate_words",
    "leading_words",
    "required_words",
    "scopes",
    "trie_source",
    "weight",
]

# Letters of scripts whose words are separated by blanks, as they look on the folded view
# (where Latin is nearly all ASCII). Kept small: every class costs time to compile.
SPACED_LETTERS = (
    "0-9a-z\u00aa\u00b5\u00ba\u00c0-\u024f"  # Latin
    "\u0370-\u03ff"  # Greek
    "\u0400-\u052f"  # Cyrillic
    "\u0620-\u063f\u0641-\u064a\u066e-\u06d3"  # Arabic letters
    "\u0900-\u0963\u0966-\u097f"  # Devanagari (not the danda)
)
_WORDY = SPACED_LETTERS
_WORDY_CHAR = re.compile(rf"[{_WORDY}]")


# --- the words a pattern cannot match without ------------------------------------------------

# Stop combining literal pieces when there would be more alternatives than this.
_MAX_PRODUCT = 256


def required_words(source: str) -> frozenset[str] | None:
    """Words one of which every match of the regex ``source`` contains, or None.

    Read from the standard library's own parse of the pattern: literal runs, alternations and
    optional letters of literals combine ("tarjetas? de regalo" needs "tarjeta" or
    "tarjetas"); of several such requirements the one with the longest words wins.
    """
    return _best(_parser.parse(source).data)


def weight(word: str) -> int:
    """How telling a keyword is: a letter counts 1, a symbol ("$", "%") 2, and a Chinese,
    Japanese or Thai character, which carries about a word's worth of meaning, 3."""
    return sum(
        1
        if char.isalnum() and (char.isascii() or _WORDY_CHAR.match(char))
        else 2
        if char.isascii()
        else 3
        for char in word
    )


def _rank(words: frozenset[str]) -> tuple[int, int]:
    return min(map(weight, words)), -len(words)


def _literal_set(op: object, av: object) -> frozenset[str] | None:
    """The exact strings one item can match, when it is made of literals only."""
    if op is _constants.LITERAL:
        return frozenset({chr(av)})  # type: ignore[arg-type]
    if op is _constants.IN:
        chars = [chr(v) for o, v in av if o is _constants.LITERAL]  # type: ignore[union-attr]
        return frozenset(chars) if len(chars) == len(av) else None  # type: ignore[arg-type]
    if op is _constants.SUBPATTERN:
        return _sequence_set(av[3].data)  # type: ignore[index]
    if op is _constants.BRANCH:
        sets = [_sequence_set(branch.data) for branch in av[1]]  # type: ignore[index]
        if any(found is None for found in sets):
            return None
        return frozenset().union(*sets)  # type: ignore[arg-type]
    if op is _constants.MAX_REPEAT or op is _constants.MIN_REPEAT:
        low, high, item = av  # type: ignore[misc]
        inner = _sequence_set(item.data)
        if inner is None or high > 1:
            return None
        return inner | {""} if low == 0 else inner
    return None


def _sequence_set(items: list) -> frozenset[str] | None:
    product = frozenset({""})
    for op, av in items:
        found = _literal_set(op, av)
        if found is None or len(product) * len(found) > _MAX_PRODUCT:
            return None
        product = frozenset(a + b for a in product for b in found)
    return product


def _best(items: list) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    product = frozenset({""})

    def flush() -> None:
        nonlocal product
        if "" not in product:
            candidates.append(product)
        product = frozenset({""})

    for op, av in items:
        found = _literal_set(op, av)
        if found is not None and len(product) * len(found) <= _MAX_PRODUCT:
            product = frozenset(a + b for a in product for b in found)
            continue
        flush()
        inner: frozenset[str] | None = None
        if op is _constants.SUBPATTERN:
            inner = _best(av[3].data)
        elif op is _constants.BRANCH:
            alternatives = [_best(branch.data) for branch in av[1]]
            if all(alternative is not None for alternative in alternatives):
                inner = frozenset().union(*alternatives)  # type: ignore[arg-type]
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and av[0] >= 1:
            inner = _best(av[2].data)
        if inner:
            candidates.append(inner)
    flush()
    return max(candidates, key=_rank) if candidates else None


def gate_words(source: str, where: str) -> frozenset[str]:
    """``required_words`` of a compiled entry; an entry without any cannot be gated."""
    words = required_words(source)
    if not words or min(map(weight, words)) < 2:
        file, _, key = where.partition(":")
        raise LexiconError(
            file, key, "has no word of two letters or more that every match contains"
        )
    return words


_ZERO_WIDTH = frozenset((_constants.ASSERT, _constants.ASSERT_NOT, _constants.AT))


def leading_words(source: str) -> frozenset[str] | None:
    """Words one of which every match of the regex ``source`` starts with, or None.

    "(?:me )?(?:envia|manda)" starts with "me", "envia" or "manda". An entry known by its
    first words is tried only where one of them stands, anchored there, instead of being run
    over every position of a stretch of text.
    """
    found = _leading(list(_parser.parse(source).data))
    if not found or "" in found:
        return None
    return frozenset(found)


def _leading(items: list) -> set[str] | None:
    if not items:
        return None
    op, av = items[0]
    rest = items[1:]
    if op in _ZERO_WIDTH:
        return _leading(rest)
    product = {""}
    index = 0
    while index < len(items):
        found = _literal_set(*items[index])
        if found is None or len(product) * len(found) > _MAX_PRODUCT:
            break
        product = {a + b for a in product for b in found}
        index += 1
    if index:
        words = {word for word in product if word}
        tail = _leading(items[index:]) if index < len(items) else None
        if "" in product:
            if tail is None:
                return None
            words |= tail
        elif tail and len(words) * len(tail) <= _MAX_PRODUCT:
            # "ha(?:st|bt|ben)" (the parser's factoring of "hast|habt|haben") starts with
            # "hast", "habt" or "haben".
            words = {word + rest for word in words for rest in tail}
        return words
    if op is _constants.SUBPATTERN:
        return _leading(list(av[3].data) + rest)
    if op is _constants.BRANCH:
        words = set()
        for branch in av[1]:
            found = _leading(list(branch.data) + rest)
            if found is None:
                return None
            words |= found
        return words
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
        low, _high, item = av
        words = _leading(list(item.data) + rest)
        if words is None:
            return None
        if low == 0:
            tail = _leading(rest)
            if tail is None:
                return None
            words |= tail
        return words
    return None


def trie_source(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, factored by common prefixes (fast in ``re``)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    branches = []
    for char, child in sorted(trie.items()):
        if not char:
            continue
        branches.append(re.escape(char) + _node_source(child))
    return "(?:" + "|".join(branches) + ")" if branches else "(?!)"


def _node_source(node: dict) -> str:
    ends = "" in node
    branches = [re.escape(char) + _node_source(kid) for char, kid in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?"
    return body


class Gate:
    """Where any of a set of tagged keywords occurs in a text.

    Detectors run their many patterns only near the keywords every one of them needs, so a
    message costs what its keywords' surroundings cost. A keyword of a spaced script (Latin,
    Cyrillic, Greek, Devanagari) counts at the start of a word ("eth" is not found in
    "something") and, with two letters, only as a whole word ("wa" is not in "was"): those
    are looked up word by word. Keywords of other scripts, and symbols ("$", "@"), may stand
    anywhere and are found by one pattern, run only when the text has their characters.
    """

    def __init__(self, tagged: Mapping[str, Iterable[str]]) -> None:
        tags: dict[str, set[str]] = {}
        for tag, words in tagged.items():
            for word in words:
                if word:
                    tags.setdefault(word, set()).add(tag)
        wordy = {word: found for word, found in tags.items() if _WORDY_CHAR.match(word)}
        other = {word: found for word, found in tags.items() if word not in wordy}
        # A keyword found also stands for every shorter keyword it begins with.
        self._words = {
            word: frozenset().union(*(wordy.get(word[:end], ()) for end in range(1, len(word) + 1)))
            for word in wordy
        }
        # The longest keyword at the start of a word (the trie is greedy): "bitcoins" wins over
        # "bitcoin"; its tags include the shorter ones'.
        self._word_pattern = re.compile(rf"(?<![{_WORDY}])" + trie_source(self._words))
        self._whole = frozenset(
            word for word in wordy if weight(word) <= 2 and all(map(_WORDY_CHAR.match, word))
        )
        self._other = {
            word: frozenset().union(*(other.get(word[:end], ()) for end in range(1, len(word) + 1)))
            for word in other
        }
        self._other_pattern = re.compile(trie_source(self._other)) if other else None
        firsts = sorted({word[0] for word in other})
        self._other_chars = (
            re.compile("[" + "".join(re.escape(char) for char in firsts) + "]") if firsts else None
        )

    def hits(self, text: str) -> list[tuple[int, int, frozenset[str]]]:
        """``(start, end, tags)`` of every keyword occurrence, in order of start; the tags are
        those of the longest keyword there and of every shorter one it begins with."""
        found: list[tuple[int, int, frozenset[str]]] = []
        words, whole = self._words, self._whole
        for match in self._word_pattern.finditer(text):
            word = match.group()
            end = match.end()
            if word in whole and _WORDY_CHAR.match(text, end):
                continue  # "wa" in "was"
            found.append((match.start(), end, words[word]))
        if self._other_pattern is not None and self._other_chars.search(text):  # type: ignore[union-attr]
            found += self._other_hits(text)
            found.sort(key=lambda hit: hit[0])
        return found

    def _other_hits(self, text: str) -> list[tuple[int, int, frozenset[str]]]:
        found = []
        search = self._other_pattern.search  # type: ignore[union-attr]
        match = search(text)
        while match is not None:
            start, end = match.span()
            found.append((start, end, self._other[match.group()]))
            # Keywords of unspaced scripts may overlap ("を買って" holds "買って").
            match = search(text, start + 1)
        return found


def built_once(build: Callable[[], T]) -> Callable[[], T]:
    """``build()``, run once on first use however many threads ask at once, then kept."""
    lock = threading.RLock()
    box: list[T] = []

    @wraps(build)
    def built() -> T:
        if not box:
            with lock:
                if not box:
                    box.append(build())
        return box[0]

    return built


class SharedGate:
    """One keyword pass over a text for every detector that registered its keywords.

    The detectors that work on the same view of a message (payments, handles, risk
    signals) each need to know where their keywords are; one trie over all of them finds
    them in one pass, and the latest text's hits are kept for the next detector to ask.
    """

    def __init__(self) -> None:
        self._tagged: dict[str, frozenset[str]] = {}
        self._gate: Gate | None = None
        self._last: tuple[str, list[tuple[int, int, frozenset[str]]]] | None = None
        self._lock = threading.Lock()
        self._builders: list[Callable[[], object]] = []
        self._built = True

    def builds(self, build: Callable[[], T]) -> Callable[[], T]:
        """Decorate a detector's builder (which registers its keywords): run once, on the
        first use of the pass or of the builder, whichever comes first. Building is deferred
        so that a process that never checks a message (a migration, a web server of the
        scale-out mode) does not compile thousands of patterns; `warm_up` builds them all."""
        build = built_once(build)
        self._builders.append(build)
        self._built = False
        return build

    def build_all(self) -> None:
        if not self._built:
            for build in list(self._builders):
                build()
            self._built = True

    def register(self, tagged: Mapping[str, Iterable[str]]) -> None:
        """Add tagged keywords; tags must be unique overall. The pass is rebuilt on its
        next use (detectors register when their builder runs)."""
        with self._lock:
            for tag, words in tagged.items():
                if tag in self._tagged:
                    raise ValueError(f"tag {tag!r} registered twice")
                self._tagged[tag] = frozenset(words)
            self._gate = None
            self._last = None

    def hits(self, text: str) -> list[tuple[int, int, frozenset[str]]]:
        """``Gate.hits`` over every registered keyword."""
        self.build_all()
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        gate = self._gate
        if gate is None:
            with self._lock:
                if self._gate is None:
                    self._gate = Gate(self._tagged)
                gate = self._gate
        found = gate.hits(text)
        self._last = (text, found)
        return found


@lru_cache(maxsize=8192)
def scopes(tags: frozenset[str], prefix: str) -> frozenset[str]:
    """The scopes (what follows the last ":", without a trailing ">" or "~") of the ``tags``
    that start with ``prefix``: which languages a keyword hit concerns."""
    return frozenset(tag.rpartition(":")[2].rstrip(">~") for tag in tags if tag.startswith(prefix))


@lru_cache(maxsize=8192)
def _with_prefix(tags: frozenset[str], prefix: str) -> tuple[str, ...]:
    return tuple(tag for tag in tags if tag.startswith(prefix))


def by_tag(
    hits: list[tuple[int, int, frozenset[str]]], prefix: str
) -> dict[str, list[tuple[int, int]]]:
    """The spans of the hits for each of their tags that start with ``prefix``."""
    index: dict[str, list[tuple[int, int]]] = {}
    for start, end, tags in hits:
        for tag in _with_prefix(tags, prefix):
            index.setdefault(tag, []).append((start, end))
    return index


# The keyword pass shared by the detectors of moderation (see SharedGate).
KEYWORDS = SharedGate()
