"""Messenger handles count only when shared or asked for with intent, in six languages."""

import pytest

from moderation.detectors import Finding, scan


def _found(text: str, kind: str, *, region: str | None = None) -> list[str]:
    """The original substrings reported as ``kind``."""
    return [text[f.start : f.end] for f in scan(text, region=region) if f.kind == kind]


def _only(text: str, kind: str, *, region: str | None = None) -> Finding:
    findings = [f for f in scan(text, region=region) if f.kind == kind]
    assert len(findings) == 1, findings
    return findings[0]


# --- messenger handles with intent -----------------------------------------------------------

HANDLE_INTENTS = [
    "add me on telegram",
    "Add me on Telegram!",
    "my insta is julie_88",
    "my snap is julie",
    "my ig handle is julie.k",
    "text me on whatsapp",
    "hit me up on snap",
    "find me on kik",
    "@julie_88 on telegram",
    "telegram: @julie_88",
    "what's your snap?",
    "what\u2019s your insta",
    "do you have whatsapp?",
    "are you on insta?",
    "whatsapp me",
    "let's move to telegram",
    "can we talk on signal instead",
    "line id: julie88",
    "agrégame en telegram",
    "escríbeme al whatsapp",
    "¿tienes telegram?",
    "mi whatsapp es 5512345678",
    "ajoute-moi sur snap",
    "écris-moi sur whatsapp",
    "mon snap c'est julie75",
    "on continue sur telegram ?",
    "schreib mir auf telegram",
    "adde mich bei snapchat",
    "hast du whatsapp?",
    "mein insta ist julie_88",
    "me chama no zap",
    "me chama no whatsapp",
    "me adiciona no insta",
    "meu zap é 11987654321",
    "tem telegram?",
    "aggiungimi su telegram",
    "scrivimi su whatsapp",
    "il mio instagram è julie_88",
    "hai telegram?",
]


@pytest.mark.parametrize("text", HANDLE_INTENTS)
def test_handle_with_intent_is_found_in_six_languages(text):
    findings = [f for f in scan(text) if f.kind == "messenger_handle"]
    assert findings, text
    assert all(f.confidence >= 0.75 for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "add me on t e l e g r a m",
        "add me on t.e.l.e.g.r.a.m",
        "add me on t\u0435l\u0435gram",  # Cyrillic е
        "add me on tele\u200bgram",  # zero-width space
        "add me on ｔｅｌｅｇｒａｍ",
        "add me on 𝐭𝐞𝐥𝐞𝐠𝐫𝐚𝐦",
        "ᴀᴅᴅ ᴍᴇ ᴏɴ ᴛᴇʟᴇɢʀᴀᴍ",
    ],
)
def test_obfuscated_platform_names_are_still_found_with_original_spans(text):
    finding = _only(text, "messenger_handle")
    assert (finding.start, finding.end) == (0, len(text))
    assert finding.evidence == "telegram contact request"


def test_handle_evidence_names_the_platform_and_includes_the_handle_in_the_span():
    text = "ok so my insta is julie_88 :)"
    finding = _only(text, "messenger_handle")
    assert text[finding.start : finding.end] == "my insta is julie_88"
    assert finding.evidence == "instagram handle"


@pytest.mark.parametrize(
    "text",
    [
        "I saw it on instagram yesterday",
        "whatsapp is down again lol",
        "my whatsapp is not working",
        "my sister uses telegram for work",
        "did you see the snap I sent?",
        "did you get my message on whatsapp?",
        "I'm in line at the store",
        "bad signal here, call you later",
        "my face is red",
        "oh snap, I forgot",
        "telegram is a nice app honestly",
        "mi whatsapp no funciona",
        "meu zap está sem bateria",
        "mon snap est bloqué depuis hier",
        "il mio whatsapp è morto",
        "j'ai vu ça sur facebook",
        "Hast du heute Zeit?",
        "Hai tempo domani?",
        "¿Tienes hambre?",
        "my instagram account got hacked",
        "I deleted my facebook account",
        "check my insta later.",
        "call me later",
        "text me when you're home",
        "let's go to the cinema",
    ],
)
def test_mentioning_a_platform_without_intent_is_not_a_handle(text):
    assert _found(text, "messenger_handle") == []


MORE_INTENTS = [
    # English, with abbreviations and misspellings
    "hmu on snap",
    "my tg is julie88",
    "my tg: @julie88",
    "write me on telegram",
    "hit me up on sc",
    "text me on watsap",
    "add me on whatsap",
    "add me on telegran",
    "add me on telegra.m",
    "add me on whats-app",
    "add me on insta gram",
    "add my snap",
    "here's my snap",
    # Spanish
    "agrégame al whats",
    "escríbeme por tg",
    "te paso mi whatsapp",
    "búscame en insta",
    "sígueme en ig",
    "háblame al wsp",
    # French
    "ajoute-moi sur insta",
    "je te donne mon snap",
    "viens sur telegram",
    "contacte-moi sur whatsapp",
    "t'as snap ?",
    # German
    "schreib mir auf whatsapp",
    "komm auf telegram",
    "ich gebe dir meine insta",
    "meld dich bei whatsapp",
    "was ist dein snap?",
    # Italian
    "scrivimi su telegram",
    "ti passo il mio whatsapp",
    "aggiungimi su ig",
    "sentiamoci su whatsapp",
    "dammi il tuo snap",
    # Portuguese
    "me chama no zapzap",
    "me add no insta",
    "te passo meu whats",
    "vamos conversar no telegram",
    "me passa seu zap",
]


@pytest.mark.parametrize("text", MORE_INTENTS)
def test_handle_intents_with_abbreviations_and_misspellings(text):
    findings = [f for f in scan(text) if f.kind == "messenger_handle"]
    assert findings, text
    assert all(text[f.start : f.end] for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "ＡＤＤ ＭＥ ＯＮ ＳＮＡＰ",
        "ⓐⓓⓓ ⓜⓔ ⓞⓝ ⓚⓘⓚ",
        "⒜⒟⒟ ⒨⒠ ⒪⒩ ⒦⒤⒦",
        "a\u200cdd m\u200de o\u2060n k\ufe0fi\ufe0fk",
        "\u202ekik no em dda",  # right-to-left override: displays as "add me on kik"
    ],
)
def test_styled_invisible_and_reversed_phrases_are_found_over_the_whole_text(text):
    finding = _only(text, "messenger_handle")
    assert text[finding.start : finding.end].strip("\u202e") in text
    assert finding.end - finding.start >= len(text) - 1


@pytest.mark.parametrize(
    "text",
    [
        # Spanish
        "lo vi en instagram ayer",
        "mi whatsapp está lleno de fotos",
        "el telegrama llegó tarde",
        # French
        "je l'ai vu sur instagram",
        "whatsapp est en panne",
        "mon snap est plein de photos de chats",
        # German
        "ich hab's auf Instagram gesehen",
        "WhatsApp ist heute langsam",
        "komm auf die Party",
        # Italian
        "l'ho visto su instagram",
        "whatsapp non funziona oggi",
        "ti passo il sale",
        # Portuguese
        "vi no instagram ontem",
        "o zap está sem sinal",
        "te passo o endereço depois",
        # English
        "the line at the bank was long",
        "tele is on, come watch",
    ],
)
def test_platform_mentions_without_intent_are_no_handle_in_six_languages(text):
    assert _found(text, "messenger_handle") == []
