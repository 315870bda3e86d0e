"""E-mail addresses: plain, spelled out, or cut short of their ending.

"julie@gmail.com"; "julie at gmail dot com", "julie(at)gmail(.)com", "julie arroba gmail
punto com", "anya собака яндекс точка ру"; and "julie88 at gmail", "jiyoon 골뱅이 네이버" with
no ending at all but a well-known mail service named. The words read out for "@", "." and
"/" are the lexicons' (moderation/lexicons/, ``[contact]`` at, dot and slash), read in the
languages a message may be in; the mail services and the words for e-mail are common.toml's.

Works on the folded view (lower case, one blank between Latin and CJK) and reports spans in
the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from moderation import lexicon as lexicons
from moderation.cues import alternation, fold
from moderation.normalization import Normalized

__all__ = ["find_emails", "spelled_links", "warm_up"]

_LOCAL = r"[a-z0-9](?:[a-z0-9._%+\-]{0,63})"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
# The name of an address given without its ending: two characters at least.
_NAME = r"[a-z0-9][a-z0-9._%+\-]{1,63}"
_PLAIN = re.compile(rf"(?<![\w.%+\-]){_LOCAL}@(?:{_LABEL}\.)+[a-z]{{2,24}}(?![\w\-]|\.\w)")
# Endings a bare word for "@" must lead to ("be at home dot later" is no address). Internet
# names, not words of a language.
_KNOWN_TLD = re.compile(
    r"com|net|org|info|biz|io|co|me|uk|de|fr|es|it|pt|br|mx|ru|nl|be|ch|at|pl|ca|au|in|eu|"
    r"tr|ua|id|vn|th|jp|cn|kr|ph|ar|cl|pe|sa|eg|ae"
)
_OPEN = r"[(\[{<]"
_CLOSE = r"[)\]}>]"
_MARKS = re.compile(r"[\d_.]")
_LATIN_WORD = re.compile(r"[a-z]+")
_WORDY = re.compile(r"\w")
# How far before a mail name a word for e-mail makes a plain name one ("my email is julie").
_MAIL_WORD_REACH = 40


@dataclass(frozen=True, slots=True)
class _Book:
    """Patterns for the words of some languages."""

    # The words read out for "@" or ".": those in Latin letters are looked up word by word,
    # the others (few) as substrings. A cheap test that most messages fail.
    latin_words: frozenset[str]
    other_words: tuple[str, ...]
    spelled: re.Pattern[str]  # an address with "@" or "." spelled
    at_word: re.Pattern[str]
    dot_word: re.Pattern[str]
    spelled_dot: re.Pattern[str]
    spelled_slash: re.Pattern[str]


def _words(entries: frozenset[str], where: str) -> str:
    return alternation(sorted(entries), {}, where)


@lru_cache(maxsize=32)
def _book(languages: tuple[str, ...]) -> _Book:
    at_words, dot_words = lexicons.spelled_symbols(languages)
    at = _words(at_words, "contact.at")
    dot = _words(dot_words, "contact.dot")
    slash = _words(lexicons.spelled_slashes(languages), "contact.slash")
    at_sep = rf"\s*{_OPEN}\s*(?:@|{at})\s*{_CLOSE}\s*|\s*@\s*|\s+{at}\s+"
    dot_sep = rf"\s*{_OPEN}\s*(?:\.|{dot})\s*{_CLOSE}\s*|\s+{dot}\s+|\s?\.\s?"
    spelled = (
        rf"(?<![\w.%+\-])(?P<local>{_LOCAL})(?P<at>{at_sep})"
        rf"(?P<domain>{_LABEL}(?:(?:{dot_sep}){_LABEL})*)(?P<dot>{dot_sep})"
        r"(?P<tld>[a-z]{2,24})(?![\w\-]|\.\w)"
    )
    words = {fold(word) for word in at_words | dot_words}
    return _Book(
        latin_words=frozenset(w for w in words if _LATIN_WORD.fullmatch(w)),
        other_words=tuple(sorted(w for w in words if not _LATIN_WORD.fullmatch(w))),
        spelled=re.compile(spelled),
        at_word=re.compile(at),
        dot_word=re.compile(rf"{_OPEN}|{dot}"),
        spelled_dot=re.compile(
            rf"(?<=[a-z0-9])\s*(?:{_OPEN}\s*{dot}\s*{_CLOSE}|\s{dot}\s)\s*(?=[a-z0-9])"
        ),
        spelled_slash=re.compile(rf"(?<=[a-z0-9])\s+{slash}\s+(?=[a-z0-9@])"),
    )


@cache
def _mail_names() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A name, an "@" and a mail service with no ending after it; the words for e-mail that
    make a plain name before " at " count; the mail services alone."""
    every = lexicons.load_lexicons().values()
    common = lexicons.common()
    # The words for "@" are nouns of their language (and "at"): all of them are read here.
    ats = "|".join(
        re.escape(w) for w in sorted({fold(w) for lex in every for w in lex.contact["at"]})
    )
    dots = "|".join(
        re.escape(w) for w in sorted({fold(w) for lex in every for w in lex.contact["dot"]})
    )
    providers = alternation(common.contact["mail_providers"], {}, "common.toml:mail_providers")
    name = (
        rf"(?<![\w.@])(?P<local>{_NAME})"
        rf"(?:\s*@\s*|\s*{_OPEN}\s*(?:@|{ats})\s*{_CLOSE}\s*|\s+(?:{ats})\s+)"
        rf"(?P<provider>{providers})(?!\s*(?:[.\[(<]|(?:{dots})\b))"
    )
    words = alternation(common.contact["mail_words"], {}, "common.toml:mail_words")
    return re.compile(name), re.compile(words), re.compile(providers)


def warm_up() -> None:
    """Compile what every language reads (moderation.detectors.warm_up: at a worker's start,
    so that a broken lexicon entry fails the start, not the first message)."""
    _mail_names()
    _book(lexicons.resolve_languages(None))


def find_emails(
    view: Normalized, languages: tuple[str, ...]
) -> Iterator[tuple[int, int, float, str]]:
    """Yield ``(start, end, confidence, evidence)`` in the ORIGINAL text for each address.

    ``languages`` (resolved: see ``lexicon.resolve_languages``) give the words read out for
    "@" and "."; a name cut short of its ending is found with any language's word for "@".
    """
    text = view.text
    book = _book(languages)
    if "@" not in text and not _spells(book, text):
        return  # no "@" and no word for it or for ".": the usual case, skipped cheaply
    for match in _PLAIN.finditer(text):
        yield *view.to_original(*match.span()), 0.95, "e-mail address"
    for match in book.spelled.finditer(text):
        if _PLAIN.fullmatch(match.group()):
            continue  # reported above
        at, dot, domain = match.group("at"), match.group("dot"), match.group("domain")
        if book.at_word.fullmatch(at.strip()):
            # A bare word for "@" is everyday talk ("at", "chez", "et"): demand a known
            # ending, and with plain dots a known mail service ("be at home.later").
            if not _KNOWN_TLD.fullmatch(match.group("tld")):
                continue
            dotted_plainly = dot.strip() == "." and book.dot_word.search(domain) is None
            service = re.split(r"\W+", domain, maxsplit=1)[0]
            if dotted_plainly and not _mail_names()[2].fullmatch(service):
                continue
        yield *view.to_original(*match.span()), 0.85, "obfuscated e-mail address"
    yield from _names(view)


def _spells(book: _Book, text: str) -> bool:
    """Whether ``text`` may have a word read out for "@" or "." (a quick test, no more)."""
    if any(word in text for word in book.other_words):
        return True
    return not book.latin_words.isdisjoint(_LATIN_WORD.findall(text))


def _names(view: Normalized) -> Iterator[tuple[int, int, float, str]]:
    """Addresses given without their ending: "julie88 at gmail", "julie@hotmail". A plain
    name before " at " counts only after a word for e-mail ("my email is julie at gmail") or
    as the whole message ("julie at gmail"): "meet me at gmail" is no address."""
    text = view.text
    mail_name, mail_words, _ = _mail_names()
    for match in mail_name.finditer(text):
        plain = "@" not in match.group() and not _MARKS.search(match.group("local"))
        reach = max(0, match.start() - _MAIL_WORD_REACH)
        alone = not _WORDY.search(text, 0, match.start()) and not _WORDY.search(text, match.end())
        if plain and not alone and not mail_words.search(text, reach, match.start()):
            continue
        evidence = f"e-mail address without its domain ending ({match.group('provider')})"
        yield *view.to_original(*match.span()), 0.8, evidence


def spelled_links(view: Normalized, languages: tuple[str, ...]) -> Normalized | None:
    """The view with "." and "/" read out in words written as symbols ("t dot me slash
    julie" → "t.me/julie"), for the link detector; None when nothing is spelled out."""
    book = _book(languages)
    if not _spells(book, view.text):
        return None
    edits = [(m.start(), m.end(), ".") for m in book.spelled_dot.finditer(view.text)]
    if not edits:
        return None
    edits += [(m.start(), m.end(), "/") for m in book.spelled_slash.finditer(view.text)]
    edits.sort()
    return view.replace_spans(edits)
