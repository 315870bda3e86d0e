"""Links: found in text, told apart (a messenger profile or an ordinary link), and the
well-known media ones allowed.

A link to a messaging or social profile ("t.me/julie") is a contact detail and reported as a
"messenger_handle"; any other link is a "url", unless it points at a domain of the media
allowlist (DEFAULT_MEDIA_DOMAINS, or the MODERATION_MEDIA_DOMAINS setting: YouTube, Spotify,
Wikipedia...), which people share all the time and which moves no one off the platform. A
link is allowed only when its host is such a domain or a subdomain of one, as the sender
typed it: "youtube.com.evil.example", "evil-youtube.com", "youtube.com@evil.example" or a
Cyrillic "о" in "yоutube.com" are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from moderation.normalization import Normalized

__all__ = [
    "DEFAULT_MEDIA_DOMAINS",
    "MEDIA",
    "find_links",
    "link_host",
    "media_domains",
    "media_link",
]

# What find_links calls an allowed media link.
MEDIA = "media_link"
# Well-known media whose links people share all the time; a domain counts with its subdomains
# ("music.apple.com" is Apple Music, not all of apple.com). MODERATION_MEDIA_DOMAINS replaces it.
DEFAULT_MEDIA_DOMAINS = (
    "youtube.com",
    "youtu.be",
    "youtube-nocookie.com",
    "spotify.com",
    "spotify.link",
    "music.apple.com",
    "soundcloud.com",
    "deezer.com",
    "tidal.com",
    "netflix.com",
    "imdb.com",
    "wikipedia.org",
    "vimeo.com",
)

_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"

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


# A spelled "name dot xx" is a link only with a TLD that is no word in the six languages.
_SPELLED_TLDS = frozenset(("com", "net", "org", "io", "co", "ly", "gg", "app", "info", "biz"))
_AUTHORITY_END = re.compile(r"[/?#]")


def find_links(
    view: Normalized, text: str, *, spelled: bool = False
) -> Iterator[tuple[str, int, int, float, str]]:
    """Yield ``(kind, start, end, confidence, evidence)`` in the ORIGINAL ``text`` for each link
    in ``view`` (a case-folded view of it). ``kind`` is "messenger_handle", "url", or
    ``MEDIA`` for a well-known media link: no finding, but what it spans (a video id, say) is
    part of it and nothing else. ``spelled`` says the view has words read out for "." and "/"
    replaced ("t dot me slash julie")."""
    for match in _URL.finditer(view.text):
        link = match.group().rstrip(_URL_TRAILING)
        kind, confidence, evidence = _classify_link(link)
        start, end = view.to_original(match.start(), match.start() + len(link))
        if kind == "url" and media_link(link, text[start:end]):
            kind, confidence, evidence = MEDIA, 0.0, f"media link to {link_host(link)}"
        if spelled:
            tld = link.split("/", 1)[0].rpartition(".")[2]
            if kind == "url" and tld not in _SPELLED_TLDS:
                continue  # "le point de vue" is no link to "le.de"
            evidence = f"{evidence}, spelled out"
        yield kind, start, end, confidence, evidence


def link_host(link: str) -> str | None:
    """The host a browser would open for ``link`` (lower case), or None if credentials come
    before it ("youtube.com@evil.example" opens evil.example: a disguise in itself)."""
    _, sep, rest = link.partition("://")
    if not sep:
        rest = link
    # Browsers read a backslash as a slash: "evil.example\@youtube.com" opens evil.example.
    authority = _AUTHORITY_END.split(rest.replace("\\", "/"), maxsplit=1)[0]
    if "@" in authority:
        return None
    host = authority.rpartition(":")[0] if ":" in authority else authority
    return host.rstrip(".").lower() or None


def media_link(link: str, typed: str) -> bool:
    """Whether ``link`` opens a domain of the media allowlist, ``typed`` being what the sender
    wrote for it: a link written with look-alike or invisible characters is never allowed."""
    if not typed.isascii():
        return False
    host = link_host(link)
    if host is None:
        return False
    domains = _domain_set(media_domains())
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels) - 1))


def media_domains() -> tuple[str, ...]:
    """The allowlist: MODERATION_MEDIA_DOMAINS when set, else the defaults above (also when
    Django settings are not configured, as in the benchmarks)."""
    try:
        configured = getattr(settings, "MODERATION_MEDIA_DOMAINS", None)
    except ImproperlyConfigured:
        configured = None
    return DEFAULT_MEDIA_DOMAINS if configured is None else tuple(configured)


@lru_cache(maxsize=8)
def _domain_set(domains: tuple[str, ...]) -> frozenset[str]:
    return frozenset(d.strip().lower().strip(".") for d in domains if d.strip())
