"""Deterministic detectors: payment identifiers and requests, contact details and links.

Each detector matches on the view of the text that suits it: identifiers with checksums on a
case-preserving view, words on a fully folded one. Every span is reported in the original text.
``scan_with_context`` also reads the sender's previous messages, so that a number or handle
split across several messages is caught in the one that completes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from moderation import emails, spelled_numbers
from moderation import lexicon as lexicons
from moderation.emails import find_emails, spelled_links
from moderation.handles import find_handles
from moderation.keywords import KEYWORDS
from moderation.links import MEDIA, find_links
from moderation.normalization import Normalized, mixed_script_words, normalize, normalize_views
from moderation.numbers import find_phones, number_edges, phone_regions
from moderation.payments import find_payment_requests
from moderation.wallets import find_bics, find_payment_identifiers

__all__ = ["KINDS", "Finding", "scan", "scan_with_context", "warm_up"]

KINDS = (
    "crypto_wallet",
    "iban",
    "bic",
    "payment_request",
    "email",
    "phone",
    "url",
    "messenger_handle",
    "mixed_script",
)
# How much of the previous messages' text is read with a new one, at most. Which messages
# (how many, how old) is the caller's choice: MODERATION_CONTEXT_MESSAGES and _SECONDS.
# Only the end of a message can hold the start of something split, and no identifier or phrase
# is longer than this, so a long history costs no more than a short one.
_CONTEXT_CHARS = 64
# Earlier messages that are each a piece of an identifier ("+44", "7911", "1A1zP1", "DE89")
# are also read joined without the talk between them ("lol", "wait"): an identifier split
# over six messages with filler in between is read whole. Only identifiers that a checksum or
# a numbering plan validates count there, since the pieces could be unrelated numbers.
_PIECE = re.compile(r"[+(]?[0-9A-Za-z][0-9A-Za-z().\-]*(?: [0-9A-Za-z().\-]+){0,3}")
_PIECE_CHARS = 120
_MAX_PIECE = 24
_CAPITAL_AFTER_SMALL = re.compile(r"[a-z][A-Z]")
# Confidence of identifiers a checksum or numbering plan validated (not a bare digit run).
_VALIDATED = 0.9
_ACROSS = " (across messages)"
_PARAGRAPH = "\u2029"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a detector found: what it is, where (``text[start:end]``) and why."""

    kind: str
    start: int
    end: int
    confidence: float
    evidence: str

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-serializable form, for audit rows and API payloads."""
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class _Hints:
    """What the sender and the conversation say about how to read a message."""

    region: str | None
    regions: tuple[str, ...]
    languages: tuple[str, ...] | None


def warm_up() -> None:
    """Build every detector's patterns now (a few seconds of compiling, once per process)
    instead of on the first message. They are built on first use otherwise, so that a process
    that never checks a message (a migration, a server of the scale-out mode) does not pay for
    them. A broken lexicon entry raises here."""
    KEYWORDS.build_all()
    spelled_numbers.warm_up()
    emails.warm_up()
    scan("warm up: mail me at nobody@example.com or call +1 202 555 0143")


def scan(
    text: str,
    *,
    region: str | None = None,
    regions: Sequence[str] = (),
    languages: Iterable[str] | None = None,
) -> list[Finding]:
    """Run every detector over ``text`` and return the findings sorted by start.

    ``region`` is an ISO 3166 alpha-2 hint (the sender's country) and ``regions`` further ones
    in order (those of the conversation's languages, see ``numbers.language_regions``): they
    let phone numbers written without a country code be recognised. Unknown ones are ignored.
    ``languages`` are those the message may be in (its detected language and the sender's):
    the cue words of their lexicons are read, with English's; None reads every lexicon.
    """
    languages = tuple(languages) if languages is not None else None
    return _scan(text, _Hints(region, tuple(regions), languages))


def _scan(text: str, hints: _Hints, *, phones: bool = True, mixed: bool = True) -> list[Finding]:
    """:func:`scan`, with phone numbers left out when ``phones`` is false, and mixed-script
    words when ``mixed`` is (no word is split across messages)."""
    active = lexicons.resolve_languages(hints.languages)
    exact, folded, words = normalize_views(text)
    regions = phone_regions(hints.region, hints.regions)
    findings = [
        *_payment_identifiers(exact),
        *_found("bic", find_bics(exact.text), exact),
        *(_found("phone", find_phones(exact, regions, active)) if phones else ()),
        *_found("payment_request", find_payment_requests(words, active, original=text)),
        *_found("email", find_emails(folded, active)),
        *_urls(folded, text),
        *_spelled_urls(folded, text, active),
        *_found("messenger_handle", find_handles(words, active)),
    ]
    if mixed:
        findings += [
            Finding("mixed_script", start, end, 0.7, "word mixes Latin with Cyrillic or Greek")
            for start, end in mixed_script_words(text)
        ]
    return _resolve_overlaps(findings)


def scan_with_context(
    text: str,
    previous: Sequence[str],
    *,
    region: str | None = None,
    regions: Sequence[str] = (),
    languages: Iterable[str] | None = None,
) -> list[Finding]:
    """Scan ``text`` together with the sender's ``previous`` messages (oldest first).

    Returns the findings that involve the new text: its own, plus those that begin in an
    earlier message and end in this one (a phone number or "add me on" + "telegram" sent in
    pieces, with or without other messages in between), clipped to the new text and marked
    "across messages" in their evidence. Every message given is read: the caller chooses
    the window (the MODERATION_CONTEXT_* settings). The hints are :func:`scan`'s.
    """
    if languages is not None:
        languages = lexicons.resolve_languages(languages)  # once, for every scan below
    hints = _Hints(region, tuple(regions), languages)
    own = _scan(text, hints)
    if not text or not previous:
        return own
    # Only a match that straddles the boundary is new here, and no identifier or phrase is
    # longer than the context window: the head of the new text is all that needs reading.
    head = text[:_CONTEXT_CHARS]
    recent = _recent_text(previous)
    across = _across(recent, head, partial(_scan, phones=False, mixed=False), hints)
    # Reading numbers is the dearest detector (a parse per region): across messages, only
    # what could be one number going on from the last messages into this one is read.
    edges = number_edges(recent, head, languages)
    if edges is not None:
        across += _across(*edges, _phones, hints)
    pieces = _pieces(previous, head)
    if pieces:
        across += _across(pieces, head, _identifiers, hints)
    return _resolve_overlaps(own + across) if across else own


def _recent_text(previous: Sequence[str]) -> list[str]:
    """The ends of the latest messages, up to the context budget, oldest first."""
    earlier: list[str] = []
    budget = _CONTEXT_CHARS
    for message in reversed(previous):
        if budget <= 0:
            break
        if message:
            # Only the end of a long message can hold the start of something split.
            earlier.insert(0, message[-budget:])
            budget -= len(message)
    return earlier


def _pieces(previous: Sequence[str], head: str) -> list[str]:
    """The identifier pieces among the latest messages, oldest first, if the new text goes on
    from one and some other message stands between them (else the plain join reads them)."""
    if not _is_piece(head.split(maxsplit=1)[0] if head.strip() else ""):
        return []
    pieces: list[str] = []
    gap = skipped = False
    budget = _PIECE_CHARS
    for message in reversed(previous):
        piece = message.strip()
        if not _is_piece(piece):
            gap = True
            continue
        if len(piece) > budget:
            break
        skipped = skipped or gap
        pieces.insert(0, piece)
        budget -= len(piece)
    return pieces if skipped else []


def _is_piece(message: str) -> bool:
    """Whether ``message`` could be one piece of a phone number, wallet or IBAN: a short code
    with a digit in it or the mixed case of an address, not a word like "lol" or "Wait"."""
    if not message or len(message) > _MAX_PIECE:
        return False
    if not message.isascii():
        message = normalize(message, lower=False, join_spaced=False).text
    if not _PIECE.fullmatch(message):
        return False
    if any(c.isdigit() for c in message):
        return True
    capitals = sum(1 for c in message if c.isupper())
    return (capitals >= 2 and not message.isupper()) or bool(_CAPITAL_AFTER_SMALL.search(message))


def _across(
    earlier: list[str], head: str, detect: Callable[[str, _Hints], list[Finding]], hints: _Hints
) -> list[Finding]:
    """What ``detect`` finds in the earlier texts and ``head`` read as one, straddling into the
    head; spans clipped to the head."""
    if not earlier:
        return []
    # A paragraph separator reads as a blank, so "0791" + "1123456" joins into a number, yet
    # ends any right-to-left override, as each message is its own paragraph on screen.
    joined = _PARAGRAPH.join([*earlier, head])
    offset = len(joined) - len(head)
    found = detect(joined, hints)
    return [
        Finding(f.kind, 0, f.end - offset, f.confidence, f.evidence + _ACROSS)
        for f in found
        if f.start < offset < f.end
    ]


def _phones(text: str, hints: _Hints) -> list[Finding]:
    exact = normalize(text, lower=False, join_spaced=False)
    regions = phone_regions(hints.region, hints.regions)
    return list(_found("phone", find_phones(exact, regions, hints.languages)))


def _identifiers(text: str, hints: _Hints) -> list[Finding]:
    """Checksummed wallets and IBANs, and phone numbers valid in a numbering plan."""
    exact = normalize(text, lower=False, join_spaced=False)
    regions = phone_regions(hints.region, hints.regions)
    findings = [*_payment_identifiers(exact), *_found("phone", find_phones(exact, regions, ()))]
    return [f for f in findings if f.confidence >= _VALIDATED]


def _found(
    kind: str, hits: Iterator[tuple[int, int, float, str]], view: Normalized | None = None
) -> Iterator[Finding]:
    """Findings of ``kind`` from ``(start, end, confidence, evidence)`` hits.

    Hits are in original coordinates unless ``view`` is given, whose spans they are in.
    """
    for start, end, confidence, evidence in hits:
        if view is not None:
            start, end = view.to_original(start, end)
        if start < end:
            yield Finding(kind, start, end, confidence, evidence)


def _payment_identifiers(view: Normalized) -> Iterator[Finding]:
    for kind, start, end, confidence, evidence in find_payment_identifiers(view.text):
        yield Finding(kind, *view.to_original(start, end), confidence, evidence)


def _urls(view: Normalized, text: str, *, spelled: bool = False) -> Iterator[Finding]:
    for kind, start, end, confidence, evidence in find_links(view, text, spelled=spelled):
        yield Finding(kind, start, end, confidence, evidence)


def _spelled_urls(view: Normalized, text: str, languages: tuple[str, ...]) -> Iterator[Finding]:
    spelled = spelled_links(view, languages)
    if spelled is not None:
        yield from _urls(spelled, text, spelled=True)


# A finding inside or across one of these kinds is part of that thing, not a separate one:
# digits inside a wallet or URL are not a phone number, a domain inside an e-mail is no link.
_SHADOWED_BY: dict[str, frozenset[str]] = {
    "url": frozenset({"crypto_wallet", "iban", "email", "messenger_handle"}),
    "phone": frozenset({"crypto_wallet", "iban", "email", "url", MEDIA}),
    "email": frozenset({"crypto_wallet", "iban"}),
}


def _resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    findings.sort(key=lambda f: (f.start, -f.end))
    kept: list[Finding] = []
    for finding in findings:
        shadows = _SHADOWED_BY.get(finding.kind, frozenset())
        if any(
            other.kind in shadows and other.start < finding.end and finding.start < other.end
            for other in findings
        ):
            continue
        if finding.kind == MEDIA:
            continue  # allowed; it only shadowed what lies inside it
        previous = kept[-1] if kept else None
        if previous and previous.kind == finding.kind and finding.start < previous.end:
            # Two detections of the same thing (say, two intent phrasings): keep one, widened.
            best = max(previous, finding, key=lambda f: f.confidence)
            kept[-1] = Finding(
                finding.kind,
                previous.start,
                max(previous.end, finding.end),
                best.confidence,
                best.evidence,
            )
            continue
        kept.append(finding)
    return kept
