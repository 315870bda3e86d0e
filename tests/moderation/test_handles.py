"""Messenger handles count only when shared or asked for with intent, in every language.

The first tables go through ``detectors.scan`` (every language is read); the tables per
language call the detector with the languages a message would be read in.
"""

import pytest

from moderation.detectors import Finding, scan
from moderation.handles import find_handles
from moderation.normalization import normalize_views
from moderation.policy import check_text


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


# --- every language, read in its own words (and English) ------------------------------------


def _contacts(text: str, languages: list[str] | None) -> list[str]:
    """Evidence of each contact request or handle found in ``text`` read in ``languages``."""
    return [found[3] for found in find_handles(normalize_views(text)[2], languages)]


CONTACTS = {
    "en": [
        "Telegram?",
        "sc: jules.b",
        "what's your number?",
        "can I have your number",
        "let's move to the green app",
        "add me on the blue bird",
        "t[.]me/jules_b",
        "wa (dot) me/447911123456",
    ],
    "es": [
        "¿Telegram?",
        "pásame tu número",
        "¿cuál es tu número?",
        "agrégame al guasap",
        "¿tienes la app verde?",
        "escríbeme por wsp",
    ],
    "pt": ["me chama no zap", "qual é o seu número?", "me passa seu whats", "tem o app verdinho?"],
    "fr": ["donne-moi ton numéro", "t'as snap ?", "c'est quoi ton 06 ?", "écris-moi sur watsap"],
    "de": ["gib mir deine Nummer", "hast du die grüne App?", "schreib mir auf WhatsApp"],
    "it": ["dammi il tuo numero", "scrivimi su whats", "hai l'app verde?"],
    "nl": ["app me even", "wat is je nummer?", "heb je de groene app?", "stuur me een appje"],
    "pl": ["dodaj mnie na snapie", "podaj mi swój numer", "masz whatsappa?"],
    "ru": [
        "скинь номер",
        "дай свой номер",
        "добавь меня в телеге",
        "напиши мне в вотсап",
        "Телега?",
        "у тебя есть вайбер?",
    ],
    "uk": ["дай свій номер", "напиши мені у вайбер", "додай мене в телеграмі", "Вайбер?"],
    "tr": ["whatsapp'tan yaz", "numaranı ver", "instagram var mı?", "telegramdan ekle beni"],
    "ar": ["ضيفني سناب", "عطني رقمك", "كلمني واتس", "شو رقمك؟", "عندك تيليجرام؟"],
    "hi": [
        "अपना नंबर दो",
        "apna number do na",
        "whatsapp pe baat karte hain",
        "व्हाट्सएप पर बात करो",
        "तुम्हारे पास टेलीग्राम है?",
    ],
    "id": ["minta nomor wa kamu dong", "add telegram aku ya", "punya wa nggak?", "WA?"],
    "vi": ["kết bạn zalo nha", "cho em xin số điện thoại", "anh có zalo không?"],
    "th": ["แอดไลน์มาหน่อย", "ขอเบอร์หน่อย", "มีไลน์ไหม", "ไลน์?"],
    "ja": ["LINE交換しよ", "電話番号教えて", "ラインやってる？", "インスタ教えて"],
    "zh": ["加我微信", "你微信号多少", "有微信吗", "加我vx", "你手机号多少", "微信号：lxy_97"],
    "ko": ["카톡 아이디 알려줘", "번호 좀 알려줘", "카톡 하세요?", "카톡?", "라인 아이디 알려줘"],
    "tl": ["anong number mo?", "add mo ko sa fb", "chat tayo sa messenger", "may viber ka?"],
}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in CONTACTS.items() for text in texts]
)
def test_contact_requests_are_found_in_their_language(language, text):
    assert _contacts(text, [language]), text
    assert _contacts(text, None), text  # and when every language is read


NOT_CONTACTS = {
    "en": [
        "what's your favorite number?",
        "what's your number one priority",
        "the green app store link is broken lol",
        "I saw a blue bird today",
        "my room number is 12",
    ],
    "es": ["¿cuál es tu número favorito?", "el telegrama llegó tarde", "mi whatsapp no funciona"],
    "pt": ["o zap está sem sinal", "qual é o seu número da sorte?"],
    "fr": ["quel est ton numéro préféré ?", "whatsapp est en panne"],
    "de": ["WhatsApp ist heute langsam", "komm auf die Party"],
    "it": ["whatsapp non funziona oggi", "ti passo il sale"],
    "nl": ["whatsapp doet raar vandaag", "wat is je huisnummer?"],
    "pl": ["whatsapp dziś nie działa", "jaki masz rozmiar?"],
    "ru": ["телеграм сегодня тормозит", "какой номер квартиры?", "у тебя есть кот?"],
    "uk": ["вайбер сьогодні глючить", "який номер квартири?", "у тебе є фіолетовий светр?"],
    "tr": ["whatsapp bugün çalışmıyor", "numara kaç beden?"],
    "ar": ["الواتس خربان اليوم", "سنابي مقفول"],
    "hi": ["व्हाट्सएप आज नहीं चल रहा", "whatsapp aaj nahi chal raha"],
    "id": ["wa lagi error nih", "nomor sepatu kamu berapa"],
    "vi": ["zalo hôm nay bị lỗi", "số nhà anh là bao nhiêu"],
    "th": ["ไลน์ล่มอีกแล้ว"],
    "ja": ["LINEが重い", "番号が違います"],
    "zh": ["微信又卡了", "房间号码是多少"],
    "ko": ["카톡이 안 돼", "방 번호가 뭐야?"],
    "tl": ["sira ang messenger ngayon", "ano ang number ng kwarto?"],
}


@pytest.mark.parametrize(
    ("language", "text"),
    [(lang, text) for lang, texts in NOT_CONTACTS.items() for text in texts],
)
def test_talk_about_apps_and_numbers_is_no_contact_request(language, text):
    assert _contacts(text, [language]) == []
    assert _contacts(text, None) == []  # not even when every language is read


def test_a_languages_own_slang_is_read_only_in_that_language():
    assert _contacts("me chama no zap", ["pt"])
    assert _contacts("me chama no zap", ["de"]) == []
    assert _contacts("добавь меня в телеге", ["ru"])
    assert _contacts("добавь меня в телеге", ["es"]) == []


def test_a_weak_name_alone_asks_only_where_it_is_the_apps_name():
    """ "line?" is no question about an app in English; in Japanese or Thai chat it is."""
    assert _contacts("line?", ["en"]) == []
    assert _contacts("line?", ["ja"]) == ["line contact request"]


def test_the_platform_is_named_by_its_canonical_name():
    assert _contacts("добавь меня в телеге", ["ru"]) == ["telegram contact request"]
    assert _contacts("加我微信", ["zh"]) == ["wechat contact request"]
    assert _contacts("微信号：lxy_97", ["zh"]) == ["wechat handle"]


def test_a_disguised_link_is_a_messenger_handle():
    text = "find me at t[.]me/jules_b"
    [(start, end, _, evidence)] = find_handles(normalize_views(text)[2], ["en"])
    assert text[start:end] == "t[.]me/jules_b"
    assert evidence == "telegram link, dot disguised"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "text me, whats your #"),
        ("en", "whats ur # babe"),
        ("id", "add line aku ya"),
        ("ko", "라인 아이디 뭐야"),
    ],
)
def test_asks_for_a_number_or_an_id_found_by_probing(language, text):
    assert check_text(text, languages=[language]).action != "allow"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "whats your #hashtag for the trip"),
        ("en", "what is your # in the queue?"),
        ("id", "aku pakai line juga"),
        ("ko", "라인 아이디 까먹었어"),
    ],
)
def test_talk_about_numbers_ids_and_apps_is_no_ask(language, text):
    assert check_text(text, languages=[language]).action == "allow"
