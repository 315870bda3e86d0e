"""The offline demo translator's vocabulary, read from ``translation/lexicons/<code>.toml``.

``en.toml`` lists the meanings, as English forms, most common sense first; every other
language gives one form per meaning (``[forms]``, keyed by the English form), other spellings
that translate into English only (``[extra]``) and, for French and Italian, elided prefixes
(``[elisions]``). The offline engine (translation/offline.py) pivots through English: es→fr
goes es→en→fr. A broken file fails at import, naming the file and the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "ELISIONS",
    "EXTRA_TO_ENGLISH",
    "LANGUAGES",
    "LEXICON_DIR",
    "ROWS",
    "TranslationLexiconError",
    "load_lexicon",
]

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
PIVOT = "en"


class TranslationLexiconError(ValueError):
    """A translation lexicon file is missing, malformed or incomplete."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__(f"translation/lexicons/{path.name}: {key}: {problem}")


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise TranslationLexiconError(path, "(file)", f"not valid TOML: {error}") from error


def _string_table(path: Path, data: dict, key: str) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise TranslationLexiconError(path, key, "must be a table")
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip() or not name.strip():
            raise TranslationLexiconError(path, f"{key}.{name}", "must be a non-empty string")
    return table


def load_lexicon(
    directory: Path,
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], dict[str, dict[str, str]], dict]:
    """``(languages, rows, extras, elisions)`` read and checked from ``directory``."""
    english_path = directory / f"{PIVOT}.toml"
    if not english_path.is_file():
        raise TranslationLexiconError(english_path, "(file)", "missing: English is the pivot")
    english = _read(english_path)
    meanings = english.get("meanings")
    if not isinstance(meanings, list) or not meanings:
        raise TranslationLexiconError(english_path, "meanings", "must be a non-empty list")
    for index, meaning in enumerate(meanings):
        if not isinstance(meaning, str) or not meaning.strip():
            raise TranslationLexiconError(english_path, f"meanings[{index}]", "not a string")
    if len(set(meanings)) != len(meanings):
        twice = sorted({m for m in meanings if meanings.count(m) > 1})
        raise TranslationLexiconError(english_path, "meanings", f"listed twice: {twice}")
    known = set(meanings)
    languages = [PIVOT]
    columns = [list(meanings)]
    extras: dict[str, dict[str, str]] = {}
    elisions: dict[str, dict[str, str]] = {}
    for path in sorted(directory.glob("*.toml")):
        code = path.stem
        data = english if code == PIVOT else _read(path)
        if data.get("language") != code:
            raise TranslationLexiconError(path, "language", f"must be {code!r}, the file's name")
        allowed = (
            {"language", "meanings", "extra"}
            if code == PIVOT
            else {"language", "forms", "extra", "elisions"}
        )
        for key in data:
            if key not in allowed:
                raise TranslationLexiconError(path, key, f"unknown key (known: {sorted(allowed)})")
        if code != PIVOT:
            forms = _string_table(path, data, "forms")
            for meaning in meanings:
                if meaning not in forms:
                    raise TranslationLexiconError(path, f"forms.{meaning}", "missing")
            for meaning in forms:
                if meaning not in known:
                    raise TranslationLexiconError(path, f"forms.{meaning}", "no such meaning")
            languages.append(code)
            columns.append([forms[meaning] for meaning in meanings])
        extra = _string_table(path, data, "extra")
        for form, meaning in extra.items():
            if meaning not in known:
                raise TranslationLexiconError(path, f"extra.{form}", f"no meaning {meaning!r}")
        if extra:
            extras[code] = extra
        fused = _string_table(path, data, "elisions")
        for prefix, meaning in fused.items():
            if not prefix.endswith("'") or meaning not in known:
                raise TranslationLexiconError(path, f"elisions.{prefix}", "malformed")
        if fused:
            elisions[code] = fused
    rows = tuple(zip(*columns, strict=True))
    return tuple(languages), rows, extras, elisions


_LANGUAGES, _ROWS, _EXTRAS, _ELISIONS = load_lexicon(LEXICON_DIR)

LANGUAGES: tuple[str, ...] = _LANGUAGES
# One row per meaning, one form per language in the order of LANGUAGES (English first).
ROWS: tuple[tuple[str, ...], ...] = _ROWS
EXTRA_TO_ENGLISH = MappingProxyType({lang: MappingProxyType(t) for lang, t in _EXTRAS.items()})
ELISIONS = MappingProxyType({lang: MappingProxyType(t) for lang, t in _ELISIONS.items()})
