"""Messenger and social handles shared or asked for with intent, in every language with a
lexicon: "add me on telegram", "mi insta es julie_88", "добавь меня в телеге", "加我微信",
"what's your number?", "t[.]me/julie".

A platform named without intent ("whatsapp is down") is ordinary talk and is not reported. A
language's phrasings are read with its own platform slang plus the international names; the
caller says which languages a message may be in (None: all). Works on the fully folded view
(lowercase, accents dropped, spaced letters rejoined), with what is slipped into a platform's
name taken out (``moderation.platform_names``). The names and phrasings are compiled in
``moderation.contact_book``; this module finds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from moderation import lexicon as lexicons
from moderation.contact_book import STRENGTHS, SURE, WEAK, WEAK_MARK, book
from moderation.cues import Phrases
from moderation.keywords import KEYWORDS, scopes
from moderation.normalization import Normalized, around
from moderation.platform_names import mend_platform_names

__all__ = ["find_handles"]

# How far an intent phrase reaches before the platform name and, with the handle, after it.
_REACH_BEFORE = 90
_REACH_AFTER = 90
# How far from a keyword of a platform's name the name itself may start or end.
_NAME_REACH = 40
# A handle right after the phrase: "add me on telegram @julie", "line id: julie88".
_TAIL_HANDLE = re.compile(r"\s*(?:[:=]\s*@?|@)[a-z0-9_][a-z0-9_.\-]{1,31}")


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
    view = mend_platform_names(view)
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
                found = book().languages[code].ask_number
                for match in found.find(view.text, lead, near, before=_REACH_BEFORE, after=30):
                    yield *view.to_original(*match.span()), 0.75, "asks for a phone number"
    if "/" in view.text:
        for match in book().links.finditer(view.text):
            name = book().link_platforms[int((match.lastgroup or "l0")[1:])]
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
            kept.append((match.start(), match.end(), WEAK_MARK if strength == "w" else SURE))
            meaning.append((platform, STRENGTHS[strength]))
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
    everything = len(active) == len(book().languages)
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
                name, confidence = positions.get(platform_at, ("platform", WEAK))
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
        language = book().languages[code]
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
            shared = _marked(view, shared_starts, shared_windows, book().common_names)
            if shared[1]:
                # Read in every language: all their phrasings in one pattern, once.
                pooled = (book().common_intents, book().all_intents)
                yield from found(*shared, pooled if everything else pooled[:1], "contact:intent:*")
        marked, positions = shared
        if not everything and positions and code in shared_intents(marked):
            yield from found(marked, positions, (language.intents,), f"contact:intent:{code}")
