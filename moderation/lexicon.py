"""The safety lexicons: one TOML file per language in ``moderation/lexicons/``, checked at start.

Each ``<code>.toml`` holds one language's cue words as people write them (accents, native
script): payment requests, payment services, platform names with their local slang, phrases
that ask to move to another app, number words, the words read out for "@" and ".", and the
vocabulary of scam scripts. ``common.toml`` holds what belongs to no language (brands,
currency symbols, crypto tickers, the platforms themselves). The detectors compile entries on
the folded view (``moderation.cues``); this module only reads and checks them, and sits below
normalization so that normalization may ask it for the known platform names.

Every entry is a regular expression written in lower case, where a space means "one or more
blanks" (" ?" means "blanks or none") and ``{name}`` stands for any form of a word list: one of
the file's own ``[words]`` lists or a list the detector provides (``{platform}``,
``{amount}``, ...). Most entries are plain words, which are regular expressions too.

TOML rather than JSON: a lexicon needs comments (why a word is listed, or why one is not:
"envié" is a past tense), literal strings keep patterns free of doubled backslashes, and the
standard library reads it (``tomllib``).

A broken file fails the start of every process with a ``LexiconError`` naming the file and
the key; nothing is skipped silently (the checks are ``moderation.lexicon_schema``'s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

# The standard library's own parser of regular expressions: which forms a name entry spells.
from re import _constants, _parser
from types import MappingProxyType

from moderation.lexicon_schema import (
    RISK_LABELS,
    Common,
    Lexicon,
    LexiconError,
    read_common,
    read_language,
)

__all__ = [
    "COMMON",
    "LEXICON_DIR",
    "PIVOT",
    "RISK_LABELS",
    "Common",
    "Lexicon",
    "LexiconError",
    "common",
    "all_languages",
    "digit_words",
    "known_platform_names",
    "lexicon",
    "load_lexicons",
    "platform_aliases",
    "resolve_languages",
    "spelled_slashes",
    "spelled_symbols",
]

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
COMMON = "common"
# Always read with whatever else a message is in: English is the lingua franca of dating apps.
PIVOT = "en"


# --- loading -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Loaded:
    common: Common
    languages: Mapping[str, Lexicon]


def _load(directory: Path) -> _Loaded:
    common_path = directory / f"{COMMON}.toml"
    if not common_path.is_file():
        raise LexiconError(common_path, "(file)", "missing")
    common = read_common(common_path)
    languages = {}
    for path in sorted(directory.glob("*.toml")):
        if path.stem != COMMON:
            languages[path.stem] = read_language(path, common)
    if PIVOT not in languages:
        raise LexiconError(directory / f"{PIVOT}.toml", "(file)", "missing: English is required")
    return _Loaded(common, MappingProxyType(languages))


@cache
def _loaded() -> _Loaded:
    return _load(LEXICON_DIR)


def load_lexicons(directory: Path | None = None) -> Mapping[str, Lexicon]:
    """Read and check every lexicon file (once per process for the default directory).

    Raises ``LexiconError`` naming the file and key of the first problem found.
    """
    if directory is not None:
        return _load(directory).languages
    return _loaded().languages


def common() -> Common:
    """The entries that belong to no language."""
    return _loaded().common


def lexicon(code: str) -> Lexicon:
    """The lexicon of one language; KeyError when there is none."""
    return _loaded().languages[code]


def all_languages() -> tuple[str, ...]:
    """Codes of every language with a lexicon, sorted."""
    return tuple(sorted(_loaded().languages))


def resolve_languages(languages: Iterable[str] | None) -> tuple[str, ...]:
    """The lexicons to read a message with: the given languages plus English, sorted.

    ``None`` means every language (the caller does not know). Region subtags are dropped
    ("pt-BR" → "pt") and languages without a lexicon are ignored.
    """
    if languages is None:
        return _resolved(None)
    return _resolved(languages if isinstance(languages, tuple) else tuple(languages))


@lru_cache(maxsize=256)
def _resolved(languages: tuple[str, ...] | None) -> tuple[str, ...]:
    known = _loaded().languages
    if languages is None:
        return tuple(sorted(known))
    wanted = {PIVOT}
    for code in languages:
        if code:
            primary = code.strip().lower().replace("_", "-").split("-", 1)[0]
            if primary in known:
                wanted.add(primary)
    return tuple(sorted(wanted))


# --- what other modules read -----------------------------------------------------------------


def platform_aliases() -> Mapping[str, str]:
    """Every platform name the lexicons know, in every language (slang, transliterations,
    weak names and nicknames included), spelled out in full and lower case as people write
    them ("телега", "телегу", "whatsapp", "whats app") → its canonical name ("telegram")."""
    return _platform_aliases()


@cache
def _platform_aliases() -> Mapping[str, str]:
    loaded = _loaded()
    aliases: dict[str, str] = {}
    tables = [loaded.common.platforms, loaded.common.weak_platforms]
    for lex in loaded.languages.values():
        tables += [lex.platforms, lex.weak_platforms, lex.nicknames]
    for table in tables:
        for name, entries in table.items():
            for entry in entries:
                for form in _spelled_out(entry):
                    aliases.setdefault(form, name)
    return MappingProxyType(aliases)


def known_platform_names() -> frozenset[str]:
    """The platform names of every language, spelled out (see ``platform_aliases``): what a
    disguised name ("t3l3gram", "тeлeгa") would be disguising."""
    return frozenset(_platform_aliases())


# Stop spelling out an entry's forms beyond this many.
_MAX_FORMS = 256


def _spelled_out(entry: str) -> frozenset[str]:
    """The forms an entry matches, spelled out: "телег(?:а|у)" → {"телега", "телегу"}.

    A repeat stands for one occurrence ("ap+" → "ap") and an optional repeat of anything but
    letters for none ("вотсап\\w*" → "вотсап"): these are names to recognise, not to match.
    """
    source = entry.replace(" ?", "(?: )?").replace(" *", "(?: )?")
    try:
        items = _parser.parse(source).data
    except re.error:
        return frozenset()
    forms = _forms(list(items))
    return frozenset(form.strip() for form in forms or () if form.strip())


def _forms(items: list) -> set[str] | None:
    forms = {""}
    for op, av in items:
        found = _item_forms(op, av)
        if found is None:
            return None
        forms = {a + b for a in forms for b in found}
        if len(forms) > _MAX_FORMS:
            return None
    return forms


def _item_forms(op: object, av: object) -> set[str] | None:
    if op is _constants.LITERAL:
        return {chr(av)}  # type: ignore[arg-type]
    if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
        return {""}
    if op is _constants.IN:
        chars = {chr(v) for o, v in av if o is _constants.LITERAL}  # type: ignore[union-attr]
        return chars or None
    if op is _constants.SUBPATTERN:
        return _forms(list(av[3].data))  # type: ignore[index]
    if op is _constants.BRANCH:
        found: set[str] = set()
        for branch in av[1]:  # type: ignore[index]
            forms = _forms(list(branch.data))
            if forms is None:
                return None
            found |= forms
        return found
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
        low, _high, item = av  # type: ignore[misc]
        inner = _forms(list(item.data))
        if inner is None:
            return {""} if low == 0 else None
        return inner | {""} if low == 0 else inner
    return None


def digit_words(languages: Iterable[str] | None = None) -> Mapping[str, str]:
    """Number words of the given languages (all when None) → the digit they stand for."""
    words: dict[str, str] = {}
    for code in resolve_languages(languages):
        for digit, entries in lexicon(code).numbers.items():
            for entry in entries:
                words.setdefault(entry, digit)
    return words


def spelled_symbols(
    languages: Iterable[str] | None = None,
) -> tuple[frozenset[str], frozenset[str]]:
    """The words read out for "@" and for "." in the given languages (all when None)."""
    at: set[str] = set()
    dot: set[str] = set()
    for code in resolve_languages(languages):
        at.update(lexicon(code).contact["at"])
        dot.update(lexicon(code).contact["dot"])
    return frozenset(at), frozenset(dot)


def spelled_slashes(languages: Iterable[str] | None = None) -> frozenset[str]:
    """The words read out for "/" in the given languages (all when None)."""
    return frozenset(
        word
        for code in resolve_languages(languages)
        for word in lexicon(code).contact.get("slash", ())
    )
