"""The contact book: every language's platform names and its phrasings of "add me on ...",
compiled once from the lexicons for ``moderation.handles`` to find with.

Platform names are many and the phrasings around them are many more, so they are found in
two steps: first each name a language knows is replaced by one placeholder character (strong
names and nicknames by ``SURE``, weak names by ``WEAK_MARK``), then the phrasings, which name
the platform by that character, are matched on the result. This module compiles both steps'
patterns and registers with ``KEYWORDS`` the keywords that gate them: platform names
("contact:name>:*" for the international ones, "...:es" for a language's own), intent
phrasings ("contact:intent:es>" / "~") and asks for a number ("contact:ask:es>" / "~").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from moderation import lexicon as lexicons
from moderation.cues import (
    Phrases,
    alternation,
    bounded,
    checked,
    choices,
    compact,
    compile_entry,
    compiled_phrases,
    fold,
    phrases,
)
from moderation.keywords import KEYWORDS, gate_words, leading_words
from moderation.lexicon import PIVOT, Lexicon

__all__ = [
    "ANY_PLATFORM",
    "book",
    "MARKED",
    "PLATFORM",
    "STRENGTHS",
    "SURE",
    "WEAK",
    "WEAK_MARK",
    "Book",
    "Language",
]

# A token that carries a handle's marks: "@julie", "julie_88", "jessy.m", "5512345678".
MARKED = (
    r"@[a-z0-9_][a-z0-9_.\-]{1,31}"
    r"|(?=[a-z0-9_\-]*(?:[0-9_]|\.[a-z0-9]))[a-z0-9_][a-z0-9_.\-]{1,31}"
)
# After "my snap is" a plain word also counts when it ends the clause: "my snap is julie".
_PLAIN_AT_END = r"[a-z][a-z0-9]{1,31}(?=\s*(?:$|[.,!?;:)\u2029]))"
_CLAUSE_END = r"(?=\s*(?:$|[.,!?;:)\u2029]))"
_SENTENCE_START = (
    r"(?:(?<![\s\S])|(?<=[.!?¡¿\n\u2029])|(?<=[.!?¡¿\n\u2029]\s)|(?<=[.!?¡¿\n\u2029]\s\s))"
)
# The characters that stand for a platform's name in the phrasings (Unicode private use: no
# message has them, or if one does, it names no platform the detectors know).
SURE = "\ue000"
WEAK_MARK = "\ue001"
PLATFORM = SURE
ANY_PLATFORM = f"[{SURE}{WEAK_MARK}]"
# Confidence of a contact request by the strength of the platform's name in it.
_STRONG, WEAK, _NICKNAME = 0.9, 0.75, 0.8
STRENGTHS = {"s": _STRONG, "n": _NICKNAME, "w": WEAK}


@dataclass(frozen=True, slots=True)
class Language:
    """One language's compiled contact phrasings and the platform names it knows."""

    code: str
    # The platform names the language knows (with the international ones), one named group
    # per strength and platform: "s_telegram", "w_line", "n_whatsapp".
    names: re.Pattern[str]
    # The language's own phrasings; those of common.toml read with its words, for a message
    # marked with the language's own platform names.
    intents: Phrases
    intent_sources: tuple[tuple[str, str, str], ...]
    common_intents: Phrases
    ask_number: Phrases


@dataclass(frozen=True, slots=True)
class Book:
    """Every language's phrasings, and what a message read in all of them is matched with."""

    languages: Mapping[str, Language]
    # The international platform names, for languages that add none of their own, and the
    # phrasings of common.toml read with every language's words, for messages marked with them.
    common_names: re.Pattern[str]
    common_intents: Phrases
    all_intents: Phrases
    # Messaging links written with the dot disguised ("t[.]me/julie"), one group per entry,
    # and the platform of each group.
    links: re.Pattern[str]
    link_platforms: tuple[str, ...]


def _where(code: str, key: str) -> str:
    return f"{code}.toml:{key}"


def _labelled(
    key: str, shared: Mapping[str, tuple[str, ...]] | None, lex: Lexicon | None
) -> list[tuple[str, str, str]]:
    """``(where, platform, name)`` of a platform table of common.toml (if given) and of
    a language (if given)."""
    tables = [] if lex is None else [(f"{lex.code}.toml:contact.{key}", getattr(lex, key))]
    if shared is not None:
        tables.insert(0, ("common.toml:platforms", shared))
    return [
        (f"{where}.{name}[{index}]", name, entry)
        for where, table in tables
        for name, entries in table.items()
        for index, entry in enumerate(entries)
    ]


def _names(
    lex: Lexicon | None, common: lexicons.Common, suffixes: Iterable[tuple[str, str]] = ()
) -> re.Pattern[str]:
    """The platform names a language knows (or, with no language, the international ones),
    in one named group per strength and platform, each group's longest forms first, with
    the case endings ``(where, suffix)`` the language glues to them."""
    if lex is not None:
        where = _where(lex.code, "contact.suffixes")
        suffixes = [(where, suffix) for suffix in lex.contact.get("suffixes", ())]
    endings = [compile_entry(suffix, {}, where) for where, suffix in suffixes]
    ending = "(?:" + "|".join(endings) + ")?" if endings else ""
    groups: dict[str, list[tuple[str, str]]] = {}
    for strength, key, shared in (
        ("s", "platforms", common.platforms),
        ("n", "nicknames", None),
        ("w", "weak_platforms", common.weak_platforms),
    ):
        for where, name, entry in _labelled(key, shared, lex):
            if lex is None and not where.startswith("common"):
                continue
            groups.setdefault(f"{strength}_{name}", []).append(
                (where, compile_entry(entry, {}, where))
            )
    parts = []
    for group, entries in groups.items():
        sources = sorted((source for _, source in entries), key=len, reverse=True)
        parts.append(f"(?P<{group}>{'|'.join(sources)}){ending}")
    every_entry = [pair for entries in groups.values() for pair in entries]
    return checked(bounded("|".join(parts)), every_entry)


def _intent_sources(
    entries: Iterable[str],
    shared: Mapping[str, str],
    refused: Iterable[str],
    where: str,
    prefix: str = "",
) -> list[tuple[str, str, str]]:
    """Intent phrasings, compiled on the marked view (a platform's name is a placeholder
    there): ``(where, source, gate source)``. All are alternatives of one pattern, so each
    numbers its own groups ("p<prefix>x3": the platform of phrasing 3)."""
    not_handle = alternation(list(refused) or ["(?!)"], {}, f"{where}:not_handle")
    small = compact(
        {
            **shared,
            "platform": PLATFORM,
            "any_platform": ANY_PLATFORM,
            "handle": rf"(?:{MARKED}|{_PLAIN_AT_END})",
            "marked_handle": MARKED,
        }
    )
    sources = []
    for index, entry in enumerate(entries):
        name = f"{prefix}x{index}"
        numbered = {
            **shared,
            "platform": f"(?P<p{name}>{PLATFORM})",
            "any_platform": f"(?P<p{name}>{ANY_PLATFORM})",
            "handle": rf"(?!(?:{not_handle}))(?P<h{name}>{MARKED}|{_PLAIN_AT_END})",
            "marked_handle": f"(?P<m{name}>{MARKED})",
        }
        at = f"{where}[{index}]"
        sources.append((at, compile_entry(entry, numbered, at), compile_entry(entry, small, at)))
    return sources


def _lists(
    code: str, lists: Mapping[str, str], ids: list[str], phones: Iterable[str]
) -> dict[str, str]:
    """The placeholders of intents and asks other than the platform and the handle."""
    return {
        **lists,
        "id": choices(ids, {}, _where(code, "contact.id_words")),
        "phone": choices(list(phones), {}, _where(code, "contact.phone_words")),
        "end": _CLAUSE_END,
        "start": _SENTENCE_START,
    }


def _compile(lex: Lexicon, english: Lexicon, common: lexicons.Common) -> Language:
    code = lex.code
    own = [lex] if code == PIVOT else [lex, english]
    words = {
        name: choices(entries, {}, _where(code, f"words.{name}"))
        for name, entries in lex.words.items()
    }
    ids = [entry for each in own for entry in each.contact["id_words"]]
    refused = [entry for each in own for entry in each.contact.get("not_handle", ())]
    shared = _lists(code, words, ids, lex.contact["phone_words"])
    own_sources = _intent_sources(
        lex.contact["intents"], shared, refused, _where(code, "contact.intents"), code
    )
    return Language(
        code=code,
        names=_names(lex, common),
        intents=compiled_phrases(own_sources),
        intent_sources=tuple(own_sources),
        common_intents=compiled_phrases(
            _intent_sources(
                common.contact["intents"], shared, refused, f"common.toml:contact.intents ({code})"
            )
        ),
        ask_number=phrases(lex.contact["ask_number"], shared, _where(code, "contact.ask_number")),
    )


def _name_keywords(entries: Iterable[tuple[str, str, str]], scope: str) -> dict[str, set[str]]:
    """Gate keywords of platform names: where one may start (">", anchored) or, for names
    that start with a common word ("the green app"), a word near which one may be ("~")."""
    tags: dict[str, set[str]] = {f"contact:name>:{scope}": set(), f"contact:name~:{scope}": set()}
    for where, _, entry in entries:
        source = compile_entry(entry, {}, where)
        first = leading_words(source)
        if first and all(len(word) > 3 or _COMMON_START.fullmatch(word) is None for word in first):
            tags[f"contact:name>:{scope}"] |= first
        else:
            tags[f"contact:name~:{scope}"] |= gate_words(source, where)
    return tags


# Words a nickname may start with that are too common to look for: articles, possessives.
_COMMON_START = re.compile(r"the|my|la|el|le|o|a|un|una|de|l'|die|der|das|yung|app|ap|w")


def _links(common: lexicons.Common, lexes: Iterable[Lexicon]) -> tuple[re.Pattern[str], list[str]]:
    """Messaging links with the dot disguised, in the words of every language for "dot"."""
    dots = sorted({fold(word) for lex in lexes for word in lex.contact["dot"]})
    dot_words = "|".join(re.escape(word) for word in dots)
    dot = rf"\s*(?:[\[(<{{]\s*(?:\.|{dot_words})\s*[\])>}}]|\s(?:{dot_words})\s)\s*"
    sources = []
    platforms = []
    for name, entries in common.links.items():
        for index, entry in enumerate(entries):
            where = f"common.toml:contact.links.{name}[{index}]"
            sources.append((where, compile_entry(entry, {"dot": dot}, where)))
            platforms.append(name)
    links = "|".join(f"(?P<l{i}>{source})" for i, (_, source) in enumerate(sources))
    return checked(rf"\b(?:{links})\s*/\s*@?[a-z0-9_][a-z0-9_.\-+/]{{1,63}}", sources), platforms


def _build() -> Book:
    """Compile every language, and register with ``KEYWORDS`` the keywords that gate them."""
    every = lexicons.load_lexicons()
    common = lexicons.common()
    languages = {code: _compile(lex, every[PIVOT], common) for code, lex in every.items()}
    lexes = list(every.values())
    tagged: dict[str, set[str] | frozenset[str]] = {}
    shared = _labelled("platforms", common.platforms, None)
    shared += _labelled("weak_platforms", common.weak_platforms, None)
    tagged.update(_name_keywords(shared, "*"))
    for lex in lexes:
        own = [
            item
            for key in ("platforms", "nicknames", "weak_platforms")
            for item in _labelled(key, None, lex)
        ]
        tagged.update(_name_keywords(own, lex.code))
    pooled = _lists(
        "common",
        {},
        sorted({entry for lex in lexes for entry in lex.contact["id_words"]}),
        sorted({entry for lex in lexes for entry in lex.contact["phone_words"]}),
    )
    refused = sorted({entry for lex in lexes for entry in lex.contact.get("not_handle", ())})
    common_intents = compiled_phrases(
        _intent_sources(common.contact["intents"], pooled, refused, "common.toml:contact.intents")
    )
    # Every language's own phrasings in one pattern, for messages read in all of them.
    all_intents = compiled_phrases(
        [source for language in languages.values() for source in language.intent_sources]
    )
    tagged["contact:intent:*>"] = common_intents.leading | all_intents.leading
    tagged["contact:intent:*~"] = common_intents.required | all_intents.required
    for code, language in languages.items():
        tagged[f"contact:intent:{code}>"] = (
            language.intents.leading | language.common_intents.leading
        )
        tagged[f"contact:intent:{code}~"] = (
            language.intents.required | language.common_intents.required
        )
        tagged[f"contact:ask:{code}>"] = language.ask_number.leading
        tagged[f"contact:ask:{code}~"] = language.ask_number.required
    KEYWORDS.register(tagged)
    links, link_platforms = _links(common, lexes)
    return Book(
        languages=languages,
        common_intents=common_intents,
        all_intents=all_intents,
        # The endings of every language: "whatsapp'tan", "telegramie", "wanya".
        common_names=_names(
            None,
            common,
            [
                (_where(lex.code, "contact.suffixes"), suffix)
                for lex in lexes
                for suffix in lex.contact.get("suffixes", ())
            ],
        ),
        links=links,
        link_platforms=tuple(link_platforms),
    )


# Built on first use (KEYWORDS.builds): see SharedGate.builds.
book = KEYWORDS.builds(_build)
