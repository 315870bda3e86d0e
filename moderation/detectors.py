"""Deterministic detectors: payment identifiers and requests, contact details and links.

Each detector matches on the view of the text that suits it: identifiers with checksums on a
case-preserving view, words on a fully folded one. Every span is reported in the original text.
``scan_with_context`` also reads the sender's previous messages, so that a number or handle
split across several messages is caught in the one that completes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from moderation.handles import find_handles
from moderation.normalization import Normalized, mixed_script_words, normalize_views
from moderation.numbers import find_phones, phone_region
from moderation.payments import find_payment_requests
from moderation.wallets import find_bics, find_payment_identifiers

__all__ = ["CONTEXT_MESSAGES", "KINDS", "Finding", "scan", "scan_with_context"]

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
# How many of the sender's previous messages are read with a new one, and how much of their
# text at most: enough for a number or a word sent a piece (even a letter) at a time.
CONTEXT_MESSAGES = 8
_CONTEXT_CHARS = 80
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


def scan(text: str, *, region: str | None = None) -> list[Finding]:
    """Run every detector over ``text`` and return the findings sorted by start.

    ``region`` is an ISO 3166 alpha-2 hint (the sender's country) that lets phone numbers
    written without a country code be recognised; unknown regions are ignored.
    """
    exact, folded, words = normalize_views(text)
    findings = [
        *_payment_identifiers(exact),
        *_found("bic", find_bics(exact.text), exact),
        *_found("phone", find_phones(exact, phone_region(region))),
        *_found("payment_request", find_payment_requests(words)),
        *_emails(folded),
        *_urls(folded),
        *_spelled_urls(folded),
        *_found("messenger_handle", find_handles(words)),
        *(
            Finding("mixed_script", start, end, 0.7, "word mixes Latin with Cyrillic or Greek")
            for start, end in mixed_script_words(text)
        ),
    ]
    return _resolve_overlaps(findings)


def scan_with_context(
    text: str, previous: Sequence[str], *, region: str | None = None
) -> list[Finding]:
    """Scan ``text`` together with the sender's ``previous`` messages (oldest first).

    Returns the findings that involve the new text: its own, plus those that begin in an
    earlier message and end in this one (a phone number or "add me on" + "telegram" sent in
    pieces), clipped to the new text and marked "across messages" in their evidence.
    """
    own = scan(text, region=region)
    earlier: list[str] = []
    budget = _CONTEXT_CHARS
    for message in reversed(previous[-CONTEXT_MESSAGES:]):
        if budget <= 0:
            break
        if message:
            # Only the end of a long message can hold the start of something split.
            earlier.insert(0, message[-budget:])
            budget -= len(message)
    if not earlier or not text:
        return own
    # A paragraph separator reads as a blank, so "0791" + "1123456" joins into a number, yet
    # ends any right-to-left override, as each message is its own paragraph on screen.
    # Only a match that straddles the boundary is new here, and no identifier or phrase is
    # longer than the context window: the head of the new text is all that needs reading.
    head = text[:_CONTEXT_CHARS]
    joined = _PARAGRAPH.join([*earlier, head])
    offset = len(joined) - len(head)
    across = [
        Finding(f.kind, 0, f.end - offset, f.confidence, f.evidence + _ACROSS)
        for f in scan(joined, region=region)
        if f.start < offset < f.end
    ]
    return _resolve_overlaps(own + across) if across else own


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


_LOCAL = r"[a-z0-9](?:[a-z0-9._%+\-]{0,63})"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"(?<![\w.%+\-]){_LOCAL}@(?:{_LABEL}\.)+[a-z]{{2,24}}(?![\w\-]|\.\w)")
# "name at gmail dot com", "name(at)gmail(dot)com", "name [at] gmail [dot] com", and the
# words for "@" and "." in Spanish, French, German, Italian and Portuguese.
_AT_WORDS = ("at", "arroba", "arobase", "chez", "chiocciola", "klammeraffe")
_AT_WORD = rf"(?:{'|'.join(_AT_WORDS)})"
_DOT_WORDS = ("dot", "punto", "ponto", "point", "punkt")
_DOT_WORD = rf"(?:{'|'.join(_DOT_WORDS)})"
_SPELLING_WORDS = frozenset(_AT_WORDS + _DOT_WORDS)
_ASCII_WORD = re.compile(r"[a-z]+")
_AT_SEP = rf"\s*[(\[{{<]\s*(?:@|{_AT_WORD})\s*[)\]}}>]\s*|\s*@\s*|\s+{_AT_WORD}\s+"
_DOT_SEP = rf"\s*[(\[{{<]\s*(?:\.|{_DOT_WORD})\s*[)\]}}>]\s*|\s+{_DOT_WORD}\s+|\s?\.\s?"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.%+\-])(?P<local>{_LOCAL})(?P<at>{_AT_SEP})"
    rf"(?P<domain>{_LABEL}(?:(?:{_DOT_SEP}){_LABEL})*)(?P<dot>{_DOT_SEP})"
    r"(?P<tld>[a-z]{2,24})(?![\w\-]|\.\w)"
)
# With a bare " at " and plain dots, only well-known mail domains count: "be at home.later".
_MAIL_PROVIDERS = frozenset(
    ("gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "icloud")
    + ("me", "mac", "aol", "proton", "protonmail", "pm", "gmx", "web", "mail", "yandex", "qq")
    + ("163", "126", "zoho", "tutanota", "orange", "free", "wanadoo", "libero", "t-online")
    + ("uol", "bol", "terra")
)
_TLD_WORDS = r"com|net|org|info|biz|io|co|me|uk|de|fr|es|it|pt|br|mx|ru|nl|be|ch|at|pl|ca|au|in|eu"
_KNOWN_TLD = re.compile(rf"(?:{_TLD_WORDS})")
_DOT_WORD_RE = re.compile(rf"[(\[{{<]|\b{_DOT_WORD}\b")


def _spells_symbols(text: str) -> bool:
    """Whether ``text`` has a word read out for "@" or "." ("at", "dot", "arroba"...)."""
    return not _SPELLING_WORDS.isdisjoint(_ASCII_WORD.findall(text))


def _emails(view: Normalized) -> Iterator[Finding]:
    if "@" not in view.text and not _spells_symbols(view.text):
        return  # no "@" and no word for it: the usual case, skipped cheaply
    for match in _PLAIN_EMAIL.finditer(view.text):
        start, end = view.to_original(match.start(), match.end())
        yield Finding("email", start, end, 0.95, "e-mail address")
    for match in _OBFUSCATED_EMAIL.finditer(view.text):
        if _PLAIN_EMAIL.fullmatch(match.group()):
            continue  # reported above
        at, dot, domain = match.group("at"), match.group("dot"), match.group("domain")
        if at.strip() in _AT_WORDS:
            # A bare word "at" is everyday English: demand a known TLD, and with plain dots
            # also a known mail provider ("be at home.later" is no address).
            if not _KNOWN_TLD.fullmatch(match.group("tld")):
                continue
            dotted_plainly = dot.strip() == "." and _DOT_WORD_RE.search(domain) is None
            if dotted_plainly and re.split(r"\W+", domain, maxsplit=1)[0] not in _MAIL_PROVIDERS:
                continue
        start, end = view.to_original(match.start(), match.end())
        yield Finding("email", start, end, 0.85, "obfuscated e-mail address")


# Top-level domains that make a bare "name.tld" a link. Those that are also everyday words
# ("pain.it", "reply.be", "2.im") only count with a path after them, as in "t.me/julie".
_BARE_TLDS = (
    "com|net|org|info|biz|io|co|tv|app|dev|xyz|online|site|top|club|shop|store|live|link|ly|"
    "gg|cc|ws|uk|de|fr|es|pt|br|mx|ar|cl|ru|ua|pl|nl|ch|se|dk|fi|ie|ca|au|nz|jp|cn|kr|sg|hk|"
    "tw|ph|th|vn|za|ng|eu|asia|ee|group|dog|ai|fm|tr|gr|ro|cz"
)
_WORDLIKE_TLDS = "me|it|be|am|im|to|in|at|us|id"
_URL_PATH = r"/[^\s<>\"'`]*"
_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'`]+"
    rf"|(?<![\w@.\-/])(?:{_LABEL}\.)+(?:(?:{_BARE_TLDS})(?![\w\-@]|\.[a-z0-9])(?:{_URL_PATH})?"
    rf"|(?:{_WORDLIKE_TLDS}){_URL_PATH})"
    r"|\b(?:tg|whatsapp|viber|skype|weixin|kik|line|snapchat):(?://)?[^\s<>\"'`]+"
)
_URL_TRAILING = ".,;:!?)]}'\""
# Host → (platform, path prefix the link must have). Messaging and social profile links are
# contact handles in link form, so they are reported as "messenger_handle", not "url".
_DEEP_LINK_HOSTS: dict[str, tuple[str, str]] = {
    "t.me": ("telegram", "/"),
    "telegram.me": ("telegram", "/"),
    "telegram.dog": ("telegram", "/"),
    "wa.me": ("whatsapp", "/"),
    "chat.whatsapp.com": ("whatsapp", "/"),
    "api.whatsapp.com": ("whatsapp", "/send"),
    "whatsapp.com": ("whatsapp", "/send"),
    "snapchat.com": ("snapchat", "/add/"),
    "instagram.com": ("instagram", "/"),
    "instagr.am": ("instagram", "/"),
    "line.me": ("line", "/"),
    "kik.me": ("kik", "/"),
    "discord.gg": ("discord", "/"),
    "discord.com": ("discord", "/invite/"),
    "discordapp.com": ("discord", "/invite/"),
    "m.me": ("messenger", "/"),
    "messenger.com": ("messenger", "/t/"),
    "signal.me": ("signal", "/"),
    "signal.group": ("signal", "/"),
    "u.wechat.com": ("wechat", "/"),
    "weixin.qq.com": ("wechat", "/"),
    "invite.viber.com": ("viber", "/"),
    "join.skype.com": ("skype", "/"),
    "open.kakao.com": ("kakaotalk", "/"),
    "threema.id": ("threema", "/"),
    "tiktok.com": ("tiktok", "/@"),
    "facebook.com": ("facebook", "/"),
    "fb.com": ("facebook", "/"),
    "fb.me": ("facebook", "/"),
    "onlyfans.com": ("onlyfans", "/"),
    "linktr.ee": ("linktree", "/"),
}
_APP_SCHEMES = {"tg": "telegram", "weixin": "wechat"}
_APP_LINK_SCHEMES = ("tg", "whatsapp", "viber", "skype", "weixin", "kik", "line", "snapchat")


def _classify_link(link: str) -> tuple[str, float, str]:
    """Return ``(kind, confidence, evidence)`` for one extracted link."""
    scheme, sep, rest = link.partition("://")
    if not sep:
        scheme, colon, tail = link.partition(":")
        if colon and scheme in _APP_LINK_SCHEMES:
            app = _APP_SCHEMES.get(scheme, scheme)
            return "messenger_handle", 0.9, f"{app} app link ({scheme}:)"
        scheme, rest = "", link
    elif scheme not in ("http", "https", "ftp"):
        app = _APP_SCHEMES.get(scheme, scheme)
        return "messenger_handle", 0.9, f"{app} app link ({scheme}://)"
    host, slash, path = rest.partition("/")
    host = host.split("@")[-1].split(":")[0]
    path = slash + path
    candidates = [host, host.removeprefix("www."), host.partition(".")[2]]
    for candidate in candidates:
        entry = _DEEP_LINK_HOSTS.get(candidate)
        if entry and path.startswith(entry[1]) and len(path) > len(entry[1]):
            return "messenger_handle", 0.9, f"{entry[0]} link ({candidate})"
    return "url", 0.3, f"link to {host}"


def _urls(view: Normalized, spelled: bool = False) -> Iterator[Finding]:
    for match in _URL.finditer(view.text):
        link = match.group().rstrip(_URL_TRAILING)
        kind, confidence, evidence = _classify_link(link)
        start, end = view.to_original(match.start(), match.start() + len(link))
        if spelled:
            tld = link.split("/", 1)[0].rpartition(".")[2]
            if kind == "url" and tld not in _SPELLED_TLDS:
                continue  # "le point de vue" is no link to "le.de"
            evidence = f"{evidence}, spelled out"
        yield Finding(kind, start, end, confidence, evidence)


# "t dot me slash julie", "insta punto com barra julie": links read out in words.
_SPELLED_DOT = re.compile(
    rf"(?<=[a-z0-9])\s*(?:[(\[{{<]\s*{_DOT_WORD}\s*[)\]}}>]|\s{_DOT_WORD}\s)\s*(?=[a-z0-9])"
)
_SPELLED_SLASH = re.compile(r"(?<=[a-z0-9])\s+(?:slash|barra|schragstrich|barre)\s+(?=[a-z0-9@])")
# A spelled "name dot xx" is a link only with a TLD that is no word in the six languages.
_SPELLED_TLDS = frozenset(("com", "net", "org", "io", "co", "ly", "gg", "app", "info", "biz"))


def _spelled_urls(view: Normalized) -> Iterator[Finding]:
    if not _spells_symbols(view.text):
        return
    edits = [(m.start(), m.end(), ".") for m in _SPELLED_DOT.finditer(view.text)]
    if not edits:
        return
    edits += [(m.start(), m.end(), "/") for m in _SPELLED_SLASH.finditer(view.text)]
    edits.sort()
    yield from _urls(view.replace_spans(edits), spelled=True)


# A finding inside or across one of these kinds is part of that thing, not a separate one:
# digits inside a wallet or URL are not a phone number, a domain inside an e-mail is no link.
_SHADOWED_BY: dict[str, frozenset[str]] = {
    "url": frozenset({"crypto_wallet", "iban", "email", "messenger_handle"}),
    "phone": frozenset({"crypto_wallet", "iban", "email", "url"}),
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
