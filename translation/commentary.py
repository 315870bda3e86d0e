"""Commentary: what a chat model writes around a translation instead of, or besides, translating.

The words come from ``translation/lexicons/validation/commentary.toml`` (one table per language,
read and checked at import; its header describes each key). This module turns them into the
shapes commentary takes, counted in an output:

- label       "Translation:", "Traducción al español:", "Español:", "翻译：" opening a line or
              sentence; "Перевод:" (also "Transfer:") only on a line of its own or opening an
              output whose message did not open with a label;
- preamble    a first line that introduces the translation: "Sure! Here is the translation: …",
              "Here you go:⏎…", or an added first line that only says "Sure!";
- note        "(Nota: he mantenido el tono)", "[lit. …]", or "Note: …" opening a later sentence;
- alternative "Or: …", "O, más formal: …" opening a later sentence, "(or: …)", "(informal)";
- explanation a line the model added that talks about translating or ends an assistant's answer
              ("Hope this helps!"), or a bracket that talks about translating;
- phrase      "here is the translation", "I kept the tone", "as an AI", anywhere;
- quoted      the whole output in quotes, backticks or a tag.

Each shape is counted in the output, read with the words of the target and source languages and
English, and in the source message, read with the words of every language. The output holds
commentary when it has more of one shape than the source: a message may itself say "Note: …",
be quoted or talk about translations, and its translation then may too.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import regex

__all__ = [
    "COMMENTARY_FILE",
    "LANGUAGES",
    "CommentaryLexicon",
    "CommentaryLexiconError",
    "LanguageCues",
    "commentary_in",
    "fold",
    "language_cues",
    "lexicon",
    "load_commentary",
]

COMMENTARY_FILE = Path(__file__).resolve().parent / "lexicons" / "validation" / "commentary.toml"
# Every language the service may translate into or from has a table.
LANGUAGES = (
    "en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk", "tr", "ar", "hi", "id", "vi", "th",
    "ja", "zh", "ko", "tl",
)  # fmt: skip
UNIVERSAL = "universal"
_LISTS = (
    "labels",
    "line_labels",
    "translation",
    "openers",
    "presenters",
    "notes",
    "alternatives",
    "closers",
    "phrases",
)
_OPTIONAL = frozenset({"line_labels"})
_LANGUAGE_KEYS = frozenset({"scripts", *_LISTS})
_UNIVERSAL_KEYS = frozenset({"words", "laughs"})
_CODE = regex.compile(r"[a-z]{2,3}")
_LONGEST_ENTRY = 60


class CommentaryLexiconError(ValueError):
    """The commentary lexicon is missing, malformed or incomplete."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__(f"{path.name}: {key}: {problem}")


@dataclass(frozen=True, slots=True)
class LanguageCues:
    """One language's commentary words, folded (see ``fold``)."""

    code: str
    scripts: tuple[str, ...]
    labels: tuple[str, ...]
    line_labels: tuple[str, ...]
    translation: tuple[str, ...]
    openers: tuple[str, ...]
    presenters: tuple[str, ...]
    notes: tuple[str, ...]
    alternatives: tuple[str, ...]
    closers: tuple[str, ...]
    phrases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommentaryLexicon:
    languages: Mapping[str, LanguageCues]
    # Words that read the same in every language, folded and with repeated letters squeezed.
    universal_words: frozenset[str]
    # Laugh syllables: a word made only of one's letters, twice its length or more, is a laugh.
    laughs: tuple[str, ...]


def fold(text: str) -> str:
    """The form both the lexicon and a text are compared in: compatibility characters composed
    (full-width "：" is ":"), case folded, curly apostrophes straight. Turkish "İ" folds to
    "i", not to "i" with a combining dot above."""
    folded = unicodedata.normalize("NFKC", text).replace("İ", "i").casefold()
    return folded.replace("’", "'").replace("‘", "'").replace("ʼ", "'")


# --- loading -------------------------------------------------------------------------------------


def _entries(path: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise CommentaryLexiconError(path, key, "must be a non-empty list of strings")
    seen: dict[str, int] = {}
    for index, entry in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(entry, str) or not entry.strip("* \t"):
            raise CommentaryLexiconError(path, where, "must be a non-empty string")
        if "\n" in entry or len(entry) > _LONGEST_ENTRY:
            raise CommentaryLexiconError(path, where, f"one line of {_LONGEST_ENTRY} at most")
        if "*" in entry.strip("*") or entry.startswith("**") or entry.endswith("**"):
            raise CommentaryLexiconError(path, where, "'*' only as the first or last character")
        folded = " ".join(fold(entry).split())
        if folded in seen:
            raise CommentaryLexiconError(path, where, f"same as {key}[{seen[folded]}]")
        seen[folded] = index
    return tuple(seen)


def _scripts(path: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise CommentaryLexiconError(path, key, "must be a non-empty list of script names")
    for name in value:
        try:
            regex.compile(rf"\p{{Script={name}}}")
        except regex.error as error:
            raise CommentaryLexiconError(path, key, f"unknown script {name!r}") from error
    return tuple(value)


def _language(path: Path, code: str, table: object) -> LanguageCues:
    if not isinstance(table, dict):
        raise CommentaryLexiconError(path, code, "must be a table")
    for key in table:
        if key not in _LANGUAGE_KEYS:
            known = sorted(_LANGUAGE_KEYS)
            raise CommentaryLexiconError(path, f"{code}.{key}", f"unknown key (known: {known})")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LISTS:
        if key not in table:
            if key not in _OPTIONAL:
                raise CommentaryLexiconError(path, f"{code}.{key}", "missing")
            lists[key] = ()
            continue
        lists[key] = _entries(path, f"{code}.{key}", table[key])
    if "scripts" not in table:
        raise CommentaryLexiconError(path, f"{code}.scripts", "missing")
    scripts = _scripts(path, f"{code}.scripts", table["scripts"])
    return LanguageCues(code=code, scripts=scripts, **lists)


def _squeezed(word: str) -> str:
    """The word with each run of one letter written once: "looool" → "lol", "okkk" → "ok"."""
    return regex.sub(r"(.)\1+", r"\1", word)


def load_commentary(path: Path = COMMENTARY_FILE) -> CommentaryLexicon:
    """Read and check the commentary lexicon; CommentaryLexiconError names the first problem."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as error:
        raise CommentaryLexiconError(path, "(file)", "missing") from error
    except tomllib.TOMLDecodeError as error:
        raise CommentaryLexiconError(path, "(file)", f"not valid TOML: {error}") from error
    universal = data.get(UNIVERSAL)
    if not isinstance(universal, dict):
        raise CommentaryLexiconError(path, UNIVERSAL, "missing table")
    for key in universal:
        if key not in _UNIVERSAL_KEYS:
            known = sorted(_UNIVERSAL_KEYS)
            raise CommentaryLexiconError(path, f"{UNIVERSAL}.{key}", f"unknown key ({known})")
    words = _entries(path, f"{UNIVERSAL}.words", universal.get("words"))
    laughs = _entries(path, f"{UNIVERSAL}.laughs", universal.get("laughs"))
    languages = {}
    for code, table in data.items():
        if code == UNIVERSAL:
            continue
        if not _CODE.fullmatch(code):
            raise CommentaryLexiconError(path, code, "not a language code (nor 'universal')")
        languages[code] = _language(path, code, table)
    for code in LANGUAGES:
        if code not in languages:
            raise CommentaryLexiconError(path, code, "missing: every served language has a table")
    return CommentaryLexicon(
        languages=MappingProxyType(languages),
        universal_words=frozenset(_squeezed(word) for word in words),
        laughs=laughs,
    )


_LEXICON = load_commentary()


def lexicon() -> CommentaryLexicon:
    """The commentary lexicon, read and checked when this module was imported."""
    return _LEXICON


def language_cues(code: str) -> LanguageCues | None:
    """The words of one language ("pt-BR" reads as "pt"); None for a language without any."""
    return _LEXICON.languages.get(_primary(code))


def _primary(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


# --- patterns ------------------------------------------------------------------------------------

# Scripts written without spaces between words: their entries match anywhere.
_SPACELESS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")
# Korean glues particles after a word ("번역은"): its entries need no boundary on the right.
_GLUED_AFTER = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Hangul}]")
_WORD = regex.compile(r"\w")


def _entry_parts(entry: str) -> tuple[str, str, str]:
    """(left boundary, core text, right boundary or stem) of one entry, as regex pieces."""
    glued_before, stem = entry.startswith("*"), entry.endswith("*")
    core = " ".join(entry.strip("*").split())
    first, last = core[0], core[-1]
    if glued_before:
        left = r"\w*"
    elif _WORD.match(first) and not _SPACELESS.match(first):
        left = r"(?<!\w)"
    else:
        left = ""
    if stem:
        right = r"\w*"
    elif _WORD.match(last) and not _GLUED_AFTER.match(last):
        right = r"(?!\w)"
    else:
        right = ""
    return left, core, right


def _alternation(entries: Iterable[str]) -> str:
    """One pattern for a list of entries, written as a trie ("aquí (?:tienes|está)…"): the
    lists of every language together are hundreds of phrases, and a plain alternation would
    try each of them at every character of a text."""
    tries: dict[str, dict] = {}
    for entry in entries:
        left, core, right = _entry_parts(entry)
        node = tries.setdefault(left, {})
        for char in core:
            node = node.setdefault(char, {})
        node.setdefault("", set()).add(right)
    if not tries:
        return r"(?!)"  # an empty list (only line_labels may be empty) never matches

    def pattern(node: dict) -> str:
        # Longer entries first, so that "o bien" is tried before "o".
        options = [
            (r"\s+" if char == " " else regex.escape(char)) + pattern(child)
            for char, child in sorted(node.items())
            if char
        ]
        options += sorted(node.get("", ()), key=len, reverse=True)
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return "(?:" + "|".join(left + pattern(node) for left, node in sorted(tries.items())) + ")"


@dataclass(frozen=True, slots=True)
class _Shapes:
    label: regex.Pattern
    line_label: regex.Pattern
    opening_line_label: regex.Pattern
    note_label: regex.Pattern
    alternative_label: regex.Pattern
    bracket_note: regex.Pattern
    bracket_alternative: regex.Pattern
    translation: regex.Pattern
    presenter: regex.Pattern
    bare_opener: regex.Pattern
    closer: regex.Pattern
    phrase: regex.Pattern


@lru_cache(maxsize=64)
def _shapes(codes: tuple[str, ...]) -> _Shapes:
    cues = [_LEXICON.languages[code] for code in codes]

    def words(key: str) -> str:
        return _alternation(entry for cue in cues for entry in getattr(cue, key))

    labels, translation = words("labels"), words("translation")
    alternatives = words("alternatives")
    notes = words("notes")
    # A note mark without letters ("※") stands alone; a word needs its colon.
    marks = _alternation(
        entry for cue in cues for entry in cue.notes if not any(_WORD.match(c) for c in entry)
    )
    paren = r"[ \t]*(?:\([^()\n]{0,30}\)[ \t]*)?"
    # "Or:", "O, más formal:", "Oder förmlicher:": alternatives words chained up to a colon.
    alternative = rf"{alternatives}(?:[ \t,]+{alternatives}){{0,2}}{paren}:"
    return _Shapes(
        # A language name or "Original" right before the colon; a word for translating may
        # take two more words, or runs of Chinese or Japanese ("Traducción al español:",
        # "Spanish translation (informal):", "翻译成英文：").
        label=regex.compile(
            rf"{labels}{paren}:|(?:{labels}[ \t]+)?{translation}"
            rf"(?:[ \t]*[^\s.!?:。！？()\[\]]+){{0,2}}{paren}:"
        ),
        line_label=regex.compile(rf"{words('line_labels')}[ \t]*:[ \t]*(?:\n|$)"),
        opening_line_label=regex.compile(rf"{words('line_labels')}[ \t]*:"),
        note_label=regex.compile(rf"{notes}[ \t]*:|{marks}"),
        alternative_label=regex.compile(alternative),
        bracket_note=regex.compile(rf"[ \t]*{notes}(?:[ \t]*[:,\-–—)\]】]|(?<=\.))"),
        # "(or: …)", "(informal)", "(ou « Salut ! »)".
        bracket_alternative=regex.compile(
            rf"[ \t]*(?:{alternative}|{alternatives}[ \t]*[)\]】\"'“„«「『])"
        ),
        translation=regex.compile(translation),
        presenter=regex.compile(words("presenters")),
        bare_opener=regex.compile(rf"[\W_]*{words('openers')}[\W_]*$"),
        closer=regex.compile(words("closers")),
        phrase=regex.compile(words("phrases")),
    )


# --- reading a text ------------------------------------------------------------------------------

# Where a sentence may start: after a line break, or after the punctuation that ends one.
_BREAK = regex.compile(r"\n|[.!?؟।…]+[ \t]+|[。！？]+")
# What may stand before the first word of a sentence: blanks, bullets, quotes, "¡", "¿".
_LEAD = regex.compile(r"[\s\-–—•·#>\"'“”«»„¡¿]*")
_BRACKET_OPEN = regex.compile(r"[(\[{【〔]")
_BRACKETED = regex.compile(r"\(([^()\n]{1,200})\)|\[([^\[\]\n]{1,200})\]|【([^【】\n]{1,200})】")
_QUOTED = regex.compile(
    r"""\s*(?:
        ["'“”„«»‘’‚「『`] .* ["'“”«»‘’」』`] [.!?。]?
      | ```.*```
      | <([a-z_]+)> .* </\1>
    )\s*""",
    regex.VERBOSE | regex.DOTALL,
)
_SNIPPET = 40
# A message that opens with a word or two and a colon ("Transfer: …", "Shopping list: …").
_OPENING_LABEL = regex.compile(r"[\W_]*\w+(?:[ \t]+\w+)?[ \t]*:")


@dataclass(frozen=True, slots=True)
class _Text:
    text: str
    lines: tuple[str, ...]
    anchors: tuple[int, ...]  # sentence starts, the first word of the text first

    @classmethod
    def of(cls, raw: str) -> _Text:
        # Markdown emphasis hides a label ("**Translation:**"); it means nothing else here.
        text = fold(raw).replace("*", "").strip()
        lines = tuple(line.strip() for line in text.splitlines() if line.strip())
        starts = [0, *(match.end() for match in _BREAK.finditer(text))]
        anchors = sorted({_LEAD.match(text, start).end() for start in starts})
        return cls(text, lines, tuple(a for a in anchors if a < len(text)))

    def snippet(self, start: int) -> str:
        return self.text[start : start + _SNIPPET].split("\n", 1)[0]


def _found(
    text: _Text, shapes: _Shapes, *, added_lines: bool, opening_labels: bool
) -> dict[str, dict[int, str]]:
    """Each shape of commentary in the text: where it starts → a snippet of it."""
    found: dict[str, dict[int, str]] = {}

    def hit(kind: str, start: int) -> None:
        found.setdefault(kind, {})[start] = text.snippet(start)

    s = text.text
    first = text.anchors[0] if text.anchors else 0
    for anchor in text.anchors:
        if shapes.label.match(s, anchor):
            hit("label", anchor)
        if (anchor == 0 or s[anchor - 1] == "\n") and shapes.line_label.match(s, anchor):
            hit("label", anchor)
        if anchor == first and opening_labels and shapes.opening_line_label.match(s, anchor):
            hit("label", anchor)
        # A note or an alternative follows the translation: as the first words they are the
        # message's own ("Note: bring your ID").
        if anchor != first and shapes.note_label.match(s, anchor):
            hit("note", anchor)
        if anchor != first and shapes.alternative_label.match(s, anchor):
            hit("alternative", anchor)
    for bracket in _BRACKET_OPEN.finditer(s):
        if shapes.bracket_note.match(s, bracket.end()):
            hit("note", bracket.start())
        if shapes.bracket_alternative.match(s, bracket.end()):
            hit("alternative", bracket.start())
    for bracketed in _BRACKETED.finditer(s):
        inside = next(group for group in bracketed.groups() if group is not None)
        if shapes.translation.search(inside):
            hit("explanation", bracketed.start())
    _preamble(text, shapes, added_lines=added_lines, hit=hit)
    if added_lines:
        offset = 0
        for line in text.lines:
            offset = s.index(line, offset)
            talk = shapes.translation, shapes.phrase, shapes.closer
            if any(pattern.search(line) for pattern in talk):
                hit("explanation", offset)
            offset += len(line)
    for phrase in shapes.phrase.finditer(s):
        hit("phrase", phrase.start())
    if _QUOTED.fullmatch(s):
        hit("quoted", 0)
    return found


def _preamble(
    text: _Text, shapes: _Shapes, *, added_lines: bool, hit: Callable[[str, int], None]
) -> None:
    if not text.lines:
        return
    first_line = text.lines[0]
    more = len(text.lines) > 1
    colon = first_line.find(":")
    # "Sure! Here is the translation: …": the words before the colon talk about it.
    followed = more or first_line[colon + 1 :].strip()
    if colon >= 0 and followed and shapes.translation.search(first_line[:colon]):
        hit("preamble", 0)
        return
    if first_line.endswith(":") and more:
        # "Sure! Here you go:⏎…": a sentence of the first line hands the rest over.
        line = _Text.of(first_line)
        if any(shapes.presenter.match(line.text, anchor) for anchor in line.anchors):
            hit("preamble", 0)
            return
    if added_lines and more and shapes.bare_opener.match(first_line):
        # "Sure!⏎⏎…" where the message had no such line.
        hit("preamble", 0)


def _output_codes(source: str, target: str) -> tuple[str, ...]:
    codes = {_primary(target), _primary(source), "en"}
    return tuple(sorted(code for code in codes if code in _LEXICON.languages))


def commentary_in(output: str, *, source_text: str, source: str, target: str) -> str | None:
    """What in ``output`` is commentary rather than translation, e.g. ``"note '(nota: he…'"``;
    None when it holds no more commentary of any shape than ``source_text`` itself."""
    out, message = _Text.of(output), _Text.of(source_text)
    added_lines = len(out.lines) > len(message.lines)
    in_output = _found(
        out,
        _shapes(_output_codes(source, target)),
        added_lines=added_lines,
        # "Перевод: …" opening the output is a label unless the message opened with one too
        # ("Transfer: 500 rubles").
        opening_labels=not _OPENING_LABEL.match(message.text),
    )
    if not in_output:
        return None
    every_language = _shapes(tuple(sorted(_LEXICON.languages)))
    in_message = _found(message, every_language, added_lines=True, opening_labels=True)
    for kind, hits in in_output.items():
        if len(hits) > len(in_message.get(kind, ())):
            return f"{kind} {next(iter(hits.values()))!r}"
    return None
