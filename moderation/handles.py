"""Messenger and social handles shared with intent, in English, Spanish, French, German,
Italian and Portuguese: "add me on telegram", "mi insta es julie_88", "me chama no zap".

A platform named without intent ("whatsapp is down") is ordinary talk and is not reported.
Works on the fully folded view (lowercase, accents dropped, spaced letters rejoined).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from moderation.normalization import Normalized, around

__all__ = ["find_handles"]

# Platform → (strong aliases, weak aliases), common misspellings included. Weak ones are also
# ordinary words or short codes ("line", "signal", "face", "wa") and only count after an
# explicit "add me on"-style phrase.
_PLATFORMS: dict[str, tuple[str, str]] = {
    "telegram": (r"tele?\s?gr[ae]?[mn]+|telegra|tlgrm|telega|tg", r"tele|tlg"),
    "whatsapp": (
        r"wh?at?s?t?\s?ap+|wass?ap+|guasap|wsp|wpp|wapp|whtsapp|wtsap+|zap(?:zap)?|uatsap",
        r"whats|wats|wa",
    ),
    "snapchat": (r"snap\s?chat|snap", r"sc|snp"),
    "instagram": (r"insta(?:\s?gram)?|insta?gran|instgram|ig", r"inst"),
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
# A platform name with punctuation inside it: "telegra.m", "whats-app", "insta_gram".
_PUNCTUATED_WORD = re.compile(r"\b[a-z]+(?:[.\-_*'][a-z]+)+\b")
_PLATFORM_WORD = re.compile(rf"(?:{_STRONG})")

# "whatsapp number", "snap username": asking for or giving the address itself. Words like
# "account" and "name" only count with a handle after them ("my insta account got hacked").
_ID_WORD = r"id|username|user\s?name|handle|nick|number|num|nummer|numero|numer"
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
    r"morto|morta|muerto|mort|tot|died|caido|caiu|lost|perdu|perdido|weg|perso|sem|sin|sans|"
    r"ohne|senza|esta|sta|ta"
)
# A token that carries a handle's marks: "@julie", "julie_88".
_MARKED_HANDLE = r"@[a-z0-9_][a-z0-9_.\-]{1,31}|(?=[a-z0-9_.\-]*[0-9_])[a-z0-9_][a-z0-9_.\-]{1,31}"
# After "my snap is" a plain word also counts when it ends the clause: "my snap is julie".
_HANDLE_AFTER_COPULA = rf"{_MARKED_HANDLE}|[a-z][a-z0-9]{{1,31}}(?=\s*(?:$|[.,!?;:)]))"
_POSSESSIVE = r"my|mi|mon|ma|mein|meine|meinen|meu|minha|mio|mia|il\s+mio|o\s+meu"
# One entry per phrasing; <ALL>, <STRONG> and <VERB> become the named group "platform".
_INTENT_TEMPLATES = (
    # English: "add me on telegram", "hit me up on snap", "find me on kik", "text me via wa"
    r"\b(?:add|text|txt|message|msg|dm|pm|inbox|ping|contact|reach|find|follow|call|ring|hit|"
    r"hmu|holla|holler|chat|talk|write|catch|connect|look)(?:\s+(?:with|to|for)?\s*"
    r"(?:me|us))(?:\s+up)?\s+(?:on|at|via|in|thru|through|over|by)\s+(?:my\s+)?<ALL>",
    # Without "me" only as a request: "add on snap", not "my message on whatsapp".
    r"(?<!my )(?<!the )(?<!your )(?<!a )\b(?:add|dm|pm|inbox|contact|reach|follow|hmu)"
    r"(?:\s+up)?\s+(?:on|via|thru|through|over)\s+<STRONG>",
    r"\b(?:add|follow|text|message|dm|hmu)\s+(?:me\s+)?(?:on\s+)?my\s+<STRONG>",
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
    r"\bhere'?s\s+my\s+<STRONG>",
    # Possessive in all six languages: "my insta is x", "mi whatsapp es", "mon snap c'est",
    # "mein telegram ist", "meu zap é", "il mio ig è"; the handle itself joins the span.
    rf"\b(?:{_POSSESSIVE})\s+<STRONG>\s*"
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
    r"seguimos|charlemos|conversemos)(?:\s+(?:un\s+)?(?:mensaje|msj|mensajito|dm|md))?"
    r"\s+(?:a|al|en|por|x|via)\s+(?:el\s+|mi\s+)?<ALL>",
    r"\b(?:tienes|tenes|usas)\s+(?:un\s+|el\s+)?<STRONG>",
    r"\b(?:pasame|dame|mandame|cual\s+es)\s+(?:tu|su)\s+<STRONG>",
    r"\b(?:te\s+)?(?:paso|dejo|doy|mando)\s+mi\s+(?:numero\s+de\s+)?<ALL>",
    # French: "ajoute-moi sur snap", "écris-moi sur whatsapp", "t'as telegram ?"
    r"\b(?:ajoute|ajoutez|ecris|ecrivez|contacte|contactez|envoie|envoyez|retrouve|retrouvez|"
    r"suis|suivez|rejoins|rejoignez|appelle|appelez|viens|venez)(?:[\s\-]*(?:moi|nous))?"
    r"(?:\s+(?:un\s+)?(?:message|msg|mot|texto|dm))?\s+(?:sur|par|via|en)\s+(?:mon\s+)?<ALL>",
    r"\b(?:parlons|continuons|discutons|passons|on\s+(?:continue|se\s+parle|parle|passe|"
    r"discute))\s+(?:sur|par|via|en)\s+<ALL>",
    r"\b(?:t'?as|tu\s+as|as[\s\-]tu|avez[\s\-]vous)\s+(?:un\s+)?<STRONG>",
    r"\b(?:c'?est\s+quoi|quel\s+est|donne[\s\-]moi|envoie[\s\-]moi)\s+(?:ton|votre)\s+<STRONG>",
    r"\b(?:je\s+te\s+)?(?:donne|passe|laisse|file|envoie)\s+mon\s+<ALL>",
    # German: "schreib mir auf telegram", "adde mich bei snap", "hast du whatsapp?"
    r"\b(?:schreib|schreibe|schreibt|adde|addet|kontaktiere|kontaktier|folge|folg|meld|melde|"
    r"ruf|find|such|fug|fuge|komm|kommt)(?:\s+(?:mir|mich|uns|dich))?(?:\s+(?:doch|einfach|"
    r"mal|gerne?|bitte))*\s+(?:auf|bei|uber|per|via|in|an|zu)\s+(?:mein(?:em)?\s+)?<ALL>",
    r"\blasst?\s+uns\s+(?:(?:doch|mal)\s+)*(?:auf|bei|uber|per|in)\s+<ALL>",
    r"\b(?:hast\s+du|habt\s+ihr|haben\s+sie)\s+(?:ein(?:en)?\s+)?<STRONG>",
    r"\b(?:was\s+ist|gib\s+mir|schick\s+mir)\s+(?:dein(?:en|e)?|ihr(?:en)?)\s+<STRONG>",
    r"\b(?:ich\s+)?(?:geb|gebe|schick|schicke)\s+dir\s+mein(?:e|en)?\s+<ALL>",
    # Portuguese: "me chama no zap", "me adiciona no whatsapp", "tem telegram?"
    r"\b(?:me\s+)?(?:chama|chame|adiciona|adicione|add|segue|siga|manda|mande|liga|fala|chamar|"
    r"procura|procure)(?:\s+(?:comigo|mensagem|msg|uma\s+mensagem|um\s+oi|la|ai))?\s+"
    r"(?:no|na|pelo|pela|em|via|pro|pra)\s+(?:meu\s+|minha\s+)?<ALL>",
    r"\b(?:me\s+)?(?:manda|mande)\s+(?:um\s+)?(?P<platform>zap|whats|whatsapp)\b",
    r"\b(?:tem|tens|voce\s+tem|vc\s+tem|voce\s+usa|vc\s+usa)\s+(?:o\s+)?<STRONG>",
    r"\b(?:me\s+)?(?:passa|manda|qual\s+(?:e|eh))\s+(?:o\s+)?(?:seu|teu)\s+<STRONG>",
    r"\bvamos\s+(?:conversar|falar|continuar|teclar)\s+(?:no|na|pelo|pela|por|via)\s+<ALL>",
    r"\b(?:te\s+)?(?:passo|mando|dou)\s+(?:o\s+)?meu\s+<ALL>",
    # Italian: "aggiungimi su telegram", "scrivimi su whatsapp", "hai telegram?"
    r"\b(?:aggiungimi|scrivimi|contattami|seguimi|trovami|chiamami|cercami|scrivici|contattaci|"
    r"mandami\s+un\s+messaggio|parliamo|sentiamoci|continuiamo|passiamo)\s+"
    r"(?:su|sul|via|in|a|tramite)\s+<ALL>",
    r"\b(?:hai|avete|usi)\s+(?:un\s+)?<STRONG>",
    r"\b(?:dammi|qual\s+e)\s+(?:il\s+)?tuo\s+<STRONG>",
    r"\bti\s+(?:do|passo|lascio|mando)\s+(?:il\s+)?mio\s+<ALL>",
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
# How far an intent phrase reaches before the platform name and, with the handle, after it.
# The window's end sits well past any handle, so a clause end ("$") is never faked there.
_REACH_BEFORE = 90
_REACH_AFTER = 90
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


def _unpunctuate_platforms(view: Normalized) -> Normalized:
    """Drop the dots and dashes inside platform names: "telegra.m" → "telegram"."""
    edits = []
    for match in _PUNCTUATED_WORD.finditer(view.text):
        joined = re.sub(r"[.\-_*']", "", match.group())
        if _PLATFORM_WORD.fullmatch(joined):
            edits.append((match.start(), match.end(), joined))
    return view.replace_spans(edits) if edits else view


def find_handles(view: Normalized) -> Iterator[tuple[int, int, float, str]]:
    """Yield ``(start, end, confidence, evidence)`` in the ORIGINAL text for each handle shared
    or asked for with intent; the handle itself joins the span when it is given."""
    view = _unpunctuate_platforms(view)
    text = view.text
    mentions = [match.span() for match in _ANY_PLATFORM.finditer(text)]
    if not mentions:
        return  # most messages name no platform; skip the phrase patterns entirely
    # Every phrasing names the platform: look only at the phrase's reach around each name.
    for low, high in around(mentions, text, before=_REACH_BEFORE, after=_REACH_AFTER):
        for pattern in _INTENTS:
            for match in pattern.finditer(text, low, high):
                name, confidence = _platform(match.group("platform"))
                end = match.end()
                groups = match.groupdict()
                handle = groups.get("handle") or groups.get("marked")
                tail = _TAIL_HANDLE.match(text, end)
                if tail:
                    end, handle = tail.end(), tail.group()
                evidence = f"{name} handle" if handle else f"{name} contact request"
                yield *view.to_original(match.start(), end), confidence, evidence
