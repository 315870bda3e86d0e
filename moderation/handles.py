"""Messenger and social handles shared or asked for with intent, in every language with a
lexicon: "add me on telegram", "mi insta es julie_88", "добавь меня в телеге", "加我微信",
"what's your number?", "t[.]me/julie".

A platform named without intent ("whatsapp is down") is ordinary talk and is not reported. A
language's phrasings are read with its own platform slang plus the international names; the
caller says which languages a message may be in (None: all). Works on the fully folded view
(lowercase, accents dropped, spaced letters rejoined).

Platform names are many and the phrasings around them are many more, so they are found in
two steps: first each name the language knows is replaced by one placeholder character
(strong names and nicknames by one, weak names by another), then the phrasings, which name
the platform by that character, are matched on the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
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
from moderation.keywords import KEYWORDS, gate_words, leading_words, scopes
from moderation.lexicon import PIVOT, Lexicon
from moderation.normalization import Normalized, around

__all__ = ["find_handles"]

# A token that carries a handle's marks: "@julie", "julie_88", "jessy.m", "5512345678".
_MARKED = (
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
_SURE = "\ue000"
_WEAK_MARK = "\ue001"
_PLATFORM = _SURE
_ANY_PLATFORM = f"[{_SURE}{_WEAK_MARK}]"
# How far an intent phrase reaches before the platform name and, with the handle, after it.
_REACH_BEFORE = 90
_REACH_AFTER = 90
# How far from a keyword of a platform's name the name itself may start or end.
_NAME_REACH = 40
# A handle right after the phrase: "add me on telegram @julie", "line id: julie88".
_TAIL_HANDLE = re.compile(r"\s*(?:[:=]\s*@?|@)[a-z0-9_][a-z0-9_.\-]{1,31}")
# A platform name with punctuation inside it: "telegra.m", "whats-app", "insta_gram" (not an
# apostrophe: "what's" is no "whats").
_PUNCTUATED_WORD = re.compile(r"\b[a-z]+(?:[.\-_*][a-z]+)+\b")
_STRONG, _WEAK, _NICKNAME = 0.9, 0.75, 0.8
_STRENGTHS = {"s": _STRONG, "n": _NICKNAME, "w": _WEAK}


@dataclass(frozen=True, slots=True)
class _Language:
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
            "platform": _PLATFORM,
            "any_platform": _ANY_PLATFORM,
            "handle": rf"(?:{_MARKED}|{_PLAIN_AT_END})",
            "marked_handle": _MARKED,
        }
    )
    sources = []
    for index, entry in enumerate(entries):
        name = f"{prefix}x{index}"
        numbered = {
            **shared,
            "platform": f"(?P<p{name}>{_PLATFORM})",
            "any_platform": f"(?P<p{name}>{_ANY_PLATFORM})",
            "handle": rf"(?!(?:{not_handle}))(?P<h{name}>{_MARKED}|{_PLAIN_AT_END})",
            "marked_handle": f"(?P<m{name}>{_MARKED})",
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


def _compile(lex: Lexicon, english: Lexicon, common: lexicons.Common) -> _Language:
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
    return _Language(
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


@dataclass(frozen=True, slots=True)
class _Book:
    languages: Mapping[str, _Language]
    # The international platform names, for languages that add none of their own, and the
    # phrasings of common.toml read with every language's words, for messages marked with them.
    common_names: re.Pattern[str]
    common_intents: Phrases
    all_intents: Phrases
    punctuated: re.Pattern[str]
    links: re.Pattern[str]
    link_platforms: tuple[str, ...]


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


def _build() -> _Book:
    """Compile every language, and register with ``KEYWORDS`` the keywords that gate them:
    platform names ("contact:name>:*" for the international ones, "...:es" for a
    language's own), intent phrasings ("contact:intent:es>" / "~") and asks for a number
    ("contact:ask:es>" / "~")."""
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
    strong = [
        compile_entry(entry, {}, where) for where, _, entry in shared[: len(common.platforms)]
    ]
    dots = sorted({fold(word) for lex in lexes for word in lex.contact["dot"]})
    dot_words = "|".join(re.escape(word) for word in dots)
    dot = rf"\s*(?:[\[(<{{]\s*(?:\.|{dot_words})\s*[\])>}}]|\s(?:{dot_words})\s)\s*"
    link_sources = []
    link_platforms = []
    for name, entries in common.links.items():
        for index, entry in enumerate(entries):
            where = f"common.toml:contact.links.{name}[{index}]"
            link_sources.append((where, compile_entry(entry, {"dot": dot}, where)))
            link_platforms.append(name)
    links = "|".join(f"(?P<l{i}>{source})" for i, (_, source) in enumerate(link_sources))
    return _Book(
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
        punctuated=re.compile("|".join(strong)),
        links=checked(rf"\b(?:{links})\s*/\s*@?[a-z0-9_][a-z0-9_.\-+/]{{1,63}}", link_sources),
        link_platforms=tuple(link_platforms),
    )


_BOOK = _build()


def _unpunctuate_platforms(view: Normalized) -> Normalized:
    """Drop the dots and dashes inside platform names: "telegra.m" → "telegram"."""
    edits = []
    for match in _PUNCTUATED_WORD.finditer(view.text):
        joined = re.sub(r"[.\-_*]", "", match.group())
        if _BOOK.punctuated.fullmatch(joined):
            edits.append((match.start(), match.end(), joined))
    return view.replace_spans(edits) if edits else view


def _where(
    hits: list[tuple[int, int, frozenset[str]]], tag: str
) -> tuple[list[int], list[tuple[int, int]]]:
    """Where the phrases tagged ``tag`` may start (its ">" hits) or be near (its "~" ones)."""
    lead = [start for start, _, tags in hits if f"{tag}>" in tags]
    near = [(start, end) for start, end, tags in hits if f"{tag}~" in tags]
    return lead, near


def find_handles(
    view: Normalized, languages: Iterable[str] | None = None
) -> Iterator[tuple[int, int, float, str]]:
    """Yield ``(start, end, confidence, evidence)`` in the ORIGINAL text for each handle shared
    or asked for with intent, each phone number asked for, and each messaging link written
    with its dot disguised; the handle itself joins the span when it is given.

    ``languages`` are the languages the message may be in (English is added); None: all.
    """
    hits = KEYWORDS.hits(view.text)
    names: frozenset[str] = frozenset()
    asks: frozenset[str] = frozenset()
    for _, _, tags in hits:
        names |= scopes(tags, "contact:name")
        asks |= scopes(tags, "contact:ask:")
    if names or asks:
        active = lexicons.resolve_languages(languages)
        if names:
            yield from _intent_findings(view, hits, active)
        for code in active:
            if code in asks:
                lead, near = _where(hits, f"contact:ask:{code}")
                found = _BOOK.languages[code].ask_number
                for match in found.find(view.text, lead, near, before=_REACH_BEFORE, after=30):
                    yield *view.to_original(*match.span()), 0.75, "asks for a phone number"
    if "/" in view.text:
        for match in _BOOK.links.finditer(view.text):
            name = _BOOK.link_platforms[int((match.lastgroup or "l0")[1:])]
            yield *view.to_original(*match.span()), 0.9, f"{name} link, dot disguised"


def _marked(
    view: Normalized,
    starts: Iterable[int],
    windows: list[tuple[int, int]],
    names: re.Pattern[str],
) -> tuple[Normalized, dict[int, tuple[str, float]]]:
    """The view with the platform ``names`` that start at ``starts`` or stand in
    ``windows`` replaced by their placeholder, and what each placeholder (by position)
    stands for: platform and confidence."""
    text = view.text
    matches = [match for start in starts if (match := names.match(text, start))]
    for low, high in windows:
        matches += names.finditer(text, low, high)
    matches.sort(key=lambda match: (match.start(), -match.end()))
    kept: list[tuple[int, int, str]] = []
    meaning: list[tuple[str, float]] = []
    last = -1
    for match in matches:
        if match.start() >= last:
            strength, _, platform = (match.lastgroup or "w_").partition("_")
            kept.append((match.start(), match.end(), _WEAK_MARK if strength == "w" else _SURE))
            meaning.append((platform, _STRENGTHS[strength]))
            last = match.end()
    if not kept:
        return view, {}
    marked = view.replace_spans(kept)
    positions: dict[int, tuple[str, float]] = {}
    shift = 0
    for (start, end, _), what in zip(kept, meaning, strict=True):
        positions[start - shift] = what
        shift += end - start - 1
    return marked, positions


def _groups(match: re.Match[str]) -> tuple[int, str | None]:
    """Where the platform's placeholder is in an intent match, and the handle if given."""
    platform_at, handle = -1, None
    for group, value in match.groupdict().items():
        if value is not None:
            if group[0] == "p":
                platform_at = match.start(group)
            else:
                handle = value
    return platform_at, handle


def _intent_findings(
    view: Normalized, hits: list[tuple[int, int, frozenset[str]]], active: tuple[str, ...]
) -> Iterator[tuple[int, int, float, str]]:
    unpunctuated = _unpunctuate_platforms(view)
    if unpunctuated is not view:
        view = unpunctuated
        hits = KEYWORDS.hits(view.text)
    named: frozenset[str] = frozenset()
    for _, _, tags in hits:
        named |= scopes(tags, "contact:name")

    def where(scope: str) -> tuple[list[int], list[tuple[int, int]]]:
        if scope not in named:
            return [], []
        lead_tag, near_tag = f"contact:name>:{scope}", f"contact:name~:{scope}"
        lead = [start for start, _, tags in hits if lead_tag in tags]
        near = [(start, end) for start, end, tags in hits if near_tag in tags]
        windows = around(near, view.text, before=_NAME_REACH, after=_NAME_REACH) if near else []
        return lead, windows

    shared_starts, shared_windows = where("*")
    everything = len(active) == len(_BOOK.languages)
    # Most languages mark a message alike (international names only): mark it once for them.
    shared: tuple[Normalized, dict[int, tuple[str, float]]] | None = None
    gates: dict[str, list[tuple[int, int, frozenset[str]]]] = {}
    seen: set[tuple[int, int]] = set()

    def found(
        marked: Normalized,
        positions: dict[int, tuple[str, float]],
        found: Iterable[Phrases],
        tag: str,
    ) -> Iterator[tuple[int, int, float, str]]:
        text = marked.text
        if marked is view:
            marked_hits = hits
        else:
            marked_hits = gates.get(text) or gates.setdefault(text, KEYWORDS.hits(text))
        lead, near = _where(marked_hits, tag)
        lead += positions
        near += [(p, p + 1) for p in positions]
        for phrases_ in found:
            for match in phrases_.find(text, lead, near, before=_REACH_BEFORE, after=_REACH_AFTER):
                platform_at, handle = _groups(match)
                name, confidence = positions.get(platform_at, ("platform", _WEAK))
                end = match.end()
                tail = _TAIL_HANDLE.match(text, end)
                if tail:
                    end, handle = tail.end(), tail.group()
                span = marked.to_original(match.start(), end)
                if span in seen:
                    continue
                seen.add(span)
                evidence = f"{name} handle" if handle else f"{name} contact request"
                yield *span, confidence, evidence

    def shared_intents(marked: Normalized) -> frozenset[str]:
        """The languages whose phrasings may be in the message marked for all of them."""
        marked_hits = (
            hits if marked is view else gates.setdefault(marked.text, KEYWORDS.hits(marked.text))
        )
        present: frozenset[str] = frozenset()
        for _, _, tags in marked_hits:
            present |= scopes(tags, "contact:intent:")
        return present

    for code in active:
        language = _BOOK.languages[code]
        own_starts, own_windows = where(code)
        if own_starts or own_windows:
            marked, positions = _marked(
                view, shared_starts + own_starts, shared_windows + own_windows, language.names
            )
            if positions:
                yield from found(
                    marked,
                    positions,
                    (language.common_intents, language.intents),
                    f"contact:intent:{code}",
                )
            continue
        if shared is None:
            shared = _marked(view, shared_starts, shared_windows, _BOOK.common_names)
            if shared[1]:
                # Read in every language: all their phrasings in one pattern, once.
                pooled = (_BOOK.common_intents, _BOOK.all_intents)
                yield from found(*shared, pooled if everything else pooled[:1], "contact:intent:*")
        marked, positions = shared
        if not everything and positions and code in shared_intents(marked):
            yield from found(marked, positions, (language.intents,), f"contact:intent:{code}")
