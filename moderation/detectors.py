"""Deterministic detectors: wallets, IBANs and contact details (e-mail, phone, links, handles).

Each detector matches on the view of the text that suits it: identifiers with checksums on a
case-preserving view, words on a fully folded one. Every span is reported in the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from moderation.normalization import Normalized, normalize
from moderation.wallets import find_payment_identifiers

__all__ = ["KINDS", "Finding", "scan"]

KINDS = ("crypto_wallet", "iban", "email", "phone", "url", "messenger_handle")


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
    exact = normalize(text, lower=False, join_spaced=False)
    folded = normalize(text, join_spaced=False)
    findings = [
        *_payments(exact),
        *_phones(exact, _phone_region(region)),
        *_emails(folded),
        *_urls(folded),
        *_handles(normalize(text)),
    ]
    return _resolve_overlaps(findings)


def _payments(view: Normalized) -> Iterator[Finding]:
    for kind, start, end, confidence, evidence in find_payment_identifiers(view.text):
        yield Finding(kind, *view.to_original(start, end), confidence, evidence)


def _phone_region(region: str | None) -> str | None:
    if not region:
        return None
    region = region.upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


# 10-15 digits with light separators, the shape of a national number written without a
# country code; spam glues them to words ("call09050000327", "08704439680Ts&Cs"). A run
# continuing into more digits through '.', ',', ':' or '-' is an amount, a time or a code.
_DIGIT_RUN = re.compile(r"(?<![\d+.,])(?<!\d[:\-])\d(?:[ .\-]{1,2}\d|\d){9,14}(?!\d|[.,:\-]\d)")


def _phones(view: Normalized, region: str | None) -> Iterator[Finding]:
    covered: list[tuple[int, int]] = []
    for match in PhoneNumberMatcher(view.text, region, leniency=Leniency.VALID):
        covered.append((match.start, match.end))
        where = phonenumbers.region_code_for_number(match.number) or "international"
        start, end = view.to_original(match.start, match.end)
        yield Finding("phone", start, end, 0.9, f"phone number ({where})")
    for match in _DIGIT_RUN.finditer(view.text):
        if any(s < match.end() and match.start() < e for s, e in covered):
            continue
        start, end = view.to_original(match.start(), match.end())
        yield Finding("phone", start, end, 0.5, "long digit run shaped like a phone number")


_LOCAL = r"[a-z0-9](?:[a-z0-9._%+\-]{0,63})"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"(?<![\w.%+\-]){_LOCAL}@(?:{_LABEL}\.)+[a-z]{{2,24}}(?![\w\-]|\.\w)")
# "name at gmail dot com", "name(at)gmail(dot)com", "name [at] gmail [dot] com", "arroba".
_AT_WORD = r"(?:at|arroba|chez)"
_DOT_WORD = r"(?:dot|punto|ponto|point|punkt)"
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


def _emails(view: Normalized) -> Iterator[Finding]:
    for match in _PLAIN_EMAIL.finditer(view.text):
        start, end = view.to_original(match.start(), match.end())
        yield Finding("email", start, end, 0.95, "e-mail address")
    for match in _OBFUSCATED_EMAIL.finditer(view.text):
        if _PLAIN_EMAIL.fullmatch(match.group()):
            continue  # reported above
        at, dot, domain = match.group("at"), match.group("dot"), match.group("domain")
        if at.strip() in ("at", "arroba", "chez"):
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


def _urls(view: Normalized) -> Iterator[Finding]:
    for match in _URL.finditer(view.text):
        link = match.group().rstrip(_URL_TRAILING)
        kind, confidence, evidence = _classify_link(link)
        start, end = view.to_original(match.start(), match.start() + len(link))
        yield Finding(kind, start, end, confidence, evidence)


# Platform → (strong aliases, weak aliases). Weak ones are also ordinary words or short codes
# ("line", "signal", "face", "wa") and only count after an explicit "add me on"-style phrase.
_PLATFORMS: dict[str, tuple[str, str]] = {
    "telegram": (r"tele?gr[ae]?m+|tlgrm|telega|tg", r"tele"),
    "whatsapp": (r"wh?ats?\s?ap+|wass?ap+|guasap|wsp|wpp|wapp|zap(?:zap)?", r"whats|wats|wa"),
    "snapchat": (r"snap\s?chat|snap", r"sc|snp"),
    "instagram": (r"insta(?:\s?gram)?|instgram|ig", r"inst"),
    "kik": (r"kik", ""),
    "wechat": (r"we\s?chat|weixin", ""),
    "line": ("", r"line"),
    "signal": ("", r"signal"),
    "viber": (r"viber", ""),
    "discord": (r"discord", ""),
    "skype": (r"skype", ""),
    "facebook": (r"facebook|fb", r"face|messenger"),
    "tiktok": (r"tik\s?tok", ""),
    "kakaotalk": (r"kakao(?:\s?talk)?", ""),
    "threema": (r"threema", ""),
    "onlyfans": (r"only\s?fans", ""),
    "twitter": (r"twitter", ""),
}
_STRONG = "|".join(strong for strong, _ in _PLATFORMS.values() if strong)
_ALL = "|".join(alias for pair in _PLATFORMS.values() for alias in pair if alias)
_ALIAS_TIERS = [
    (name, re.compile(strong or "(?!)"), re.compile(weak or "(?!)"))
    for name, (strong, weak) in _PLATFORMS.items()
]
_ANY_PLATFORM = re.compile(rf"\b(?:{_ALL})\b")
# "whatsapp number", "snap username": asking for or giving the address itself. Words like
# "account" and "name" only count with a handle after them ("my insta account got hacked").
_ID_WORD = r"id|username|user\s?name|handle|nick|number|num|nummer|numero"
_ID_WORD_WITH_HANDLE = rf"{_ID_WORD}|name|acc(?:ount)?|profile|perfil|profil|profilo"
_COPULA = r"is|es|est|c'?est|ist|lautet|e|eh|=|:|-"
# Words that follow "my whatsapp is" / "telegram:" in ordinary talk about the app itself.
_NOT_A_HANDLE = (
    r"not|no|nao|pas|nicht|non|down|broken|private|privat|privado|privada|prive|privato|"
    r"working|dead|full|slow|blocked|bloqueado|bloque|gesperrt|bloccato|hacked|closed|off|gone|"
    r"deleted|banned|acting|weird|same|mismo|meme|mesmo|gleich|stesso|also|too|on|a|an|the|"
    r"so|very|really|still|being|just|kinda|mine|el|la|un|una|le|les|de|du|en|o|kaputt|aus|"
    r"muy|tres|sehr|molto|muito|better|bad|new|old|over|here|there|open|ok|fine|empty|only|"
    r"for|where|what|how|why|when|que|was|wie|come|como|comment|ist|is|yes|yeah|si|oui|ja|sim|"
    r"free|great|good|fast|worse|lento|langsam|lent|nuevo|nouveau|neu|nuovo|novo|mal|schlecht|"
    r"morto|morta|muerto|mort|tot|died|caido|caiu|gone|lost|perdu|perdido|weg|perso"
)
# A token that carries a handle's marks: "@julie", "julie_88".
_MARKED_HANDLE = r"@[a-z0-9_][a-z0-9_.\-]{1,31}|(?=[a-z0-9_.\-]*[0-9_])[a-z0-9_][a-z0-9_.\-]{1,31}"
# After "my snap is" a plain word also counts when it ends the clause: "my snap is julie".
_HANDLE_AFTER_COPULA = rf"{_MARKED_HANDLE}|[a-z][a-z0-9]{{1,31}}(?=\s*(?:$|[.,!?;:)]))"
# One entry per phrasing; <ALL>, <STRONG> and <VERB> become the named group "platform".
_INTENT_TEMPLATES = (
    # English: "add me on telegram", "hit me up on snap", "find me on kik", "text me via wa"
    r"\b(?:add|text|txt|message|msg|dm|pm|inbox|ping|contact|reach|find|follow|call|ring|hit|"
    r"hmu|holla|holler|chat|talk|write|catch|connect|look)(?:\s+(?:with|to|for)?\s*(?:me|us))"
    r"(?:\s+up)?\s+(?:on|at|via|in|thru|through|over|by)\s+(?:my\s+)?<ALL>",
    # Without "me" only as a request: "add on snap", not "my message on whatsapp".
    r"(?<!my )(?<!the )(?<!your )(?<!a )\b(?:add|dm|pm|inbox|contact|reach|follow|hmu)"
    r"(?:\s+up)?\s+(?:on|via|thru|through|over)\s+<STRONG>",
    r"\b(?:let'?s|we\s+(?:can|could|should)|can\s+we|could\s+we|shall\s+we|wanna|want\s+to|"
    r"you\s+can|u\s+can)\s+(?:move|go|switch|continue|talk|chat|text|speak|get|jump|hop)"
    r"\s+(?:(?:this|it)\s+)?(?:(?:over|back)\s+)?(?:to|on|in|via|onto)\s+<ALL>",
    r"\b(?:move|switch|moving|switching|come)\s+(?:this\s+|it\s+|(?:the|our)\s+chat\s+)?"
    r"(?:over\s+)?to\s+<STRONG>",
    r"\b(?:do|d)\s*(?:you|u|ya)\s+(?:have|got|use)\s+(?:an?\s+)?<STRONG>",
    r"\b(?:are|r)\s+(?:you|u)\s+on\s+<STRONG>",
    r"\b(?:what'?s|wats|wat'?s|what\s+is|send(?:\s+me)?|give\s+me|gimme|drop|share|pass\s+me)"
    r"\s+(?:your|ur|yr|ya)\s+<STRONG>",
    r"\b<VERB>\s+(?:me|us)\b",
    # Possessive in all six languages: "my insta is x", "mi whatsapp es", "mon snap c'est",
    # "mein telegram ist", "meu zap é", "il mio ig è"; the handle itself joins the span.
    rf"\b(?:my|mi|mon|mein|meine|meu|minha|mio|mia)\s+<STRONG>\s*"
    rf"(?:(?:{_ID_WORD_WITH_HANDLE})\b\s*)?(?:(?:{_COPULA})(?!\w)\s*"
    rf"(?!(?:{_NOT_A_HANDLE})\b)(?P<handle>{_HANDLE_AFTER_COPULA})|(?P<marked>{_MARKED_HANDLE}))",
    rf"\b<STRONG>\s*(?:{_ID_WORD})\b",
    r"\b(?P<platform>line)\s*id\b",
    r"\b<STRONG>\s*[:=\-]?\s*(?P<handle>@[a-z0-9_.]{3,32})",
    rf"\b<STRONG>\s*[:=]\s*(?!(?:{_NOT_A_HANDLE})\b)(?P<handle>{_HANDLE_AFTER_COPULA})",
    r"(?P<handle>@[a-z0-9_.]{3,32})\s+(?:on|in|at|via|en|sur|auf|bei|uber|no|na|su|em|op)"
    r"\s+<ALL>",
    # Spanish: "agrégame en telegram", "escríbeme al whatsapp", "¿tienes telegram?"
    r"\b(?:agregame|agregar(?:me)?|anademe|escribeme|escribime|escribenos|hablame|hablemos|"
    r"hablamos|llamame|buscame|sigueme|seguime|contactame|mandame|enviame|pasemos|sigamos|"
    r"seguimos)(?:\s+(?:un\s+)?(?:mensaje|msj|mensajito|dm|md))?\s+(?:a|al|en|por|x|via)\s+"
    r"(?:el\s+|mi\s+)?<ALL>",
    r"\b(?:tienes|tenes|usas)\s+(?:un\s+|el\s+)?<STRONG>",
    r"\b(?:pasame|dame|mandame|cual\s+es)\s+(?:tu|su)\s+<STRONG>",
    # French: "ajoute-moi sur snap", "écris-moi sur whatsapp", "t'as telegram ?"
    r"\b(?:ajoute|ajoutez|ecris|ecrivez|contacte|contactez|envoie|envoyez|retrouve|retrouvez|"
    r"suis|suivez|rejoins|rejoignez|appelle|appelez)(?:[\s\-]*(?:moi|nous))?"
    r"(?:\s+(?:un\s+)?(?:message|msg|mot|texto|dm))?\s+(?:sur|par|via|en)\s+(?:mon\s+)?<ALL>",
    r"\b(?:parlons|continuons|discutons|passons|on\s+(?:continue|se\s+parle|parle|passe|"
    r"discute))\s+(?:sur|par|via|en)\s+<ALL>",
    r"\b(?:t'?as|tu\s+as|as[\s\-]tu|avez[\s\-]vous)\s+(?:un\s+)?<STRONG>",
    r"\b(?:c'?est\s+quoi|quel\s+est|donne[\s\-]moi|envoie[\s\-]moi)\s+(?:ton|votre)\s+<STRONG>",
    # German: "schreib mir auf telegram", "adde mich bei snap", "hast du whatsapp?"
    r"\b(?:schreib|schreibe|schreibt|adde|addet|kontaktiere|kontaktier|folge|folg|meld|melde|"
    r"ruf|find|such|fug|fuge)(?:\s+(?:mir|mich|uns|dich))?(?:\s+(?:doch|einfach|mal|gerne?|"
    r"bitte))*\s+(?:auf|bei|uber|per|via|in|an)\s+(?:mein(?:em)?\s+)?<ALL>",
    r"\blasst?\s+uns\s+(?:(?:doch|mal)\s+)*(?:auf|bei|uber|per|in)\s+<ALL>",
    r"\b(?:hast\s+du|habt\s+ihr|haben\s+sie)\s+(?:ein(?:en)?\s+)?<STRONG>",
    r"\b(?:was\s+ist|gib\s+mir|schick\s+mir)\s+(?:dein(?:en|e)?|ihr(?:en)?)\s+<STRONG>",
    # Portuguese: "me chama no zap", "me adiciona no whatsapp", "tem telegram?"
    r"\b(?:me\s+)?(?:chama|chame|adiciona|adicione|add|segue|siga|manda|mande|liga|fala|chamar|"
    r"procura|procure)(?:\s+(?:comigo|mensagem|msg|uma\s+mensagem|um\s+oi|la|ai))?\s+"
    r"(?:no|na|pelo|pela|em|via|pro|pra)\s+(?:meu\s+|minha\s+)?<ALL>",
    r"\b(?:me\s+)?(?:manda|mande)\s+(?:um\s+)?(?P<platform>zap|whats|whatsapp)\b",
    r"\b(?:tem|tens|voce\s+tem|vc\s+tem|voce\s+usa|vc\s+usa)\s+(?:o\s+)?<STRONG>",
    r"\b(?:me\s+)?(?:passa|manda|qual\s+(?:e|eh))\s+(?:o\s+)?(?:seu|teu)\s+<STRONG>",
    r"\bvamos\s+(?:conversar|falar|continuar|teclar)\s+(?:no|na|pelo|pela|por|via)\s+<ALL>",
    # Italian: "aggiungimi su telegram", "scrivimi su whatsapp", "hai telegram?"
    r"\b(?:aggiungimi|scrivimi|contattami|seguimi|trovami|chiamami|cercami|scrivici|contattaci|"
    r"mandami\s+un\s+messaggio|parliamo|sentiamoci|continuiamo|passiamo)\s+"
    r"(?:su|sul|via|in|a|tramite)\s+<ALL>",
    r"\b(?:hai|avete|usi)\s+(?:un\s+)?<STRONG>",
    r"\b(?:dammi|qual\s+e)\s+(?:il\s+)?tuo\s+<STRONG>",
)
_VERB_PLATFORMS = r"tele?gr[ae]?m+|wh?ats?\s?ap+|kik|snap(?:\s?chat)?|viber|skype"
_INTENTS = [
    re.compile(
        template.replace("<ALL>", rf"(?P<platform>{_ALL})\b")
        .replace("<STRONG>", rf"(?P<platform>{_STRONG})\b")
        .replace("<VERB>", rf"(?P<platform>{_VERB_PLATFORMS})")
    )
    for template in _INTENT_TEMPLATES
]
# A handle right after the phrase: "add me on telegram @julie", "line id: julie88".
_TAIL_HANDLE = re.compile(r"\s*(?:[:=]\s*@?|@)[a-z0-9_][a-z0-9_.\-]{1,31}")


def _platform(alias: str) -> tuple[str, float]:
    """Canonical platform name for an alias, and how sure the alias makes us."""
    for name, strong, weak in _ALIAS_TIERS:
        if strong.fullmatch(alias):
            return name, 0.9
        if weak.fullmatch(alias):
            return name, 0.75
    return alias, 0.75


def _handles(view: Normalized) -> Iterator[Finding]:
    text = view.text
    if not _ANY_PLATFORM.search(text):
        return  # most messages name no platform; skip the phrase patterns entirely
    for pattern in _INTENTS:
        for match in pattern.finditer(text):
            name, confidence = _platform(match.group("platform"))
            end = match.end()
            groups = match.groupdict()
            handle = groups.get("handle") or groups.get("marked")
            tail = _TAIL_HANDLE.match(text, end)
            if tail:
                end, handle = tail.end(), tail.group()
            evidence = f"{name} handle" if handle else f"{name} contact request"
            start, stop = view.to_original(match.start(), end)
            yield Finding("messenger_handle", start, stop, confidence, evidence)


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
