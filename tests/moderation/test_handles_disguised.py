"""Contact requests with the platform's name disguised (leetspeak, an emoji or a digit slipped
in, scripts mixed) and the everyday ways of saying "talk to me on ...", in every language.

Each request is read in its own language (with English) and in every language at once, as a
message of unknown language is.
"""

import pytest

from moderation.detectors import scan_with_context
from moderation.handles import find_handles
from moderation.normalization import normalize_views


def _contacts(text: str, languages: list[str] | None) -> list[str]:
    return [found[3] for found in find_handles(normalize_views(text)[2], languages)]


DISGUISED = {
    "en": [
        "talk to me on wh4ts4pp",
        "speak to me on telegram",
        "shoot me a message on t3l3gr4m",
        "drop me a text on 1nst4",
        "get in touch on s1gn4l",
        "add me on sn*pchat",
        "add me on tele•gram",
        "text me on wh4tz4pp",
    ],
    "es": [
        "háblame por w4ts4p",
        "chatea conmigo en t3l3gr4m",
        "me escribes al wh4tsapp?",
        "puedes escribirme por telegram",
        "mensajéame al 1nst4",
    ],
    "pt": [
        "fala comigo no z4p",
        "me escreve no t3l3gr4m",
        "me chama no privado do 1nst4",
        "você pode me mandar mensagem no telegram",
        "te chamo no zap",
    ],
    "fr": [
        "parle-moi sur wh4ts4pp",
        "parlez-moi sur telegram",
        "texte-moi sur whatsapp",
        "tu peux m'écrire sur t3l3gr4m",
        "viens discuter sur snap",
        "passe sur whatsapp",
    ],
    "de": [
        "sprich mit mir auf t3l3gr4m",
        "schick mir eine Nachricht auf wh4tsapp",
        "melde dich bei mir auf whatsapp",
        "kannst du mir auf telegram schreiben",
        "wechseln wir zu whatsapp",
    ],
    "it": [
        "parlami su wh4ts4pp",
        "messaggiami su 1nst4",
        "possiamo parlare su telegram",
        "mi scrivi su whatsapp?",
        "andiamo su t3l3gr4m",
    ],
    "nl": [
        "praat met me op t3l3gr4m",
        "stuur me een bericht op wh4tsapp",
        "we kunnen op whatsapp verder praten",
        "stuur me een dm op insta",
    ],
    "pl": [
        "porozmawiajmy na wh4ts4ppie",
        "gadaj ze mną na telegramie",
        "wyślij mi wiadomość na t3l3gr4mie",
        "możesz do mnie napisać na whatsappie",
    ],
    "ru": [
        "давай общаться в т3л3гр4м",
        "поговорим в телеге",
        "скинь сообщение в вотс4п",
        "можешь написать мне в телегу",
        "пиши в лс в инсте",
    ],
    "uk": [
        "давай спілкуватися у в4йб3рі",
        "поговоримо в телеграмі",
        "можеш написати мені у вайбер",
        "напиши мені повідомлення в інсту",
    ],
    "tr": [
        "bana wh4ts4pp'tan mesaj at",
        "telegramdan devam edelim",
        "whatsapp'tan yazabilir misin",
        "1nst4'dan dm at",
    ],
    "ar": [
        "كلمني وتس4ب",
        "كلمني واتس4ب",
        "ضيفني انست4",
        "اتصل بي على الواتس",
        "ممكن تكلمني على الواتس",
        "اكتبلي على التلجرام",
        "kalemni 3la wh4tsapp",
    ],
    "hi": [
        "व्हाट्स4प पर बात करो",
        "टेलीग्राम पर कॉल करो",
        "व्हाट्सएप पर आ जाओ",
        "wh4ts4pp pe call karo",
        "telegram pe aa jao",
    ],
    "id": [
        "chat di w4 aja",
        "wa aku aja ya",
        "telepon aku lewat wh4tsapp",
        "kirim pesan ke t3l3gr4m aku",
        "boleh minta wa nya",
    ],
    "vi": [
        "nhắn em qua z4l0",
        "gọi cho anh qua zalo",
        "sang zalo nói chuyện",
        "nhắn tin cho em trên t3l3gr4m",
    ],
    "th": [
        "แอด l1n3 มานะ",
        "ไปคุยกันในไลน์",
        "ส่งข้อความมาทางเฟส",
        "แอดไล❤น์มานะ",
    ],
    "ja": [
        "L1N3で話そ",
        "LINEしよ",
        "インスタのDMに送って",
        "LINEで話さない？",
        "ラ❤インで話そ",
    ],
    "zh": [
        "加我v❤️信，这里聊天不方便",
        "加我微❤信",
        "加我微1信",
        "加个V",
        "加我维信",
        "给我发微信",
        "+v lxy_1997",
        "我的v是lxy_1997",
    ],
    "ko": [
        "k4kao톡 추가해줘",
        "카카오talk 추가해",
        "카❤톡 추가해줘",
        "카톡으로 넘어가자",
        "인스타 dm 보내줘",
        "라인으로 연락해",
    ],
    "tl": [
        "sa w4ts4pp na lang tayo mag-usap",
        "pm mo ko sa fb",
        "lipat tayo sa t3l3gr4m",
        "sa viber na lang",
    ],
}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in DISGUISED.items() for text in texts]
)
def test_disguised_requests_to_talk_elsewhere_are_found(language, text):
    assert _contacts(text, [language]), text
    assert _contacts(text, None), text


MENTIONS = {
    "en": ["talk to me about whatsapp", "I talk to my mom on whatsapp", "w4 form is due"],
    "es": ["háblame de whatsapp", "mi mamá me escribe por whatsapp", "le escribí por whatsapp"],
    "pt": ["ele me ligou no whatsapp ontem", "ele escreve no whatsapp todo dia"],
    "fr": ["je parle sur telegram avec ma mère", "il texte sur whatsapp toute la journée"],
    "de": ["sprich mit mir über telegram", "WhatsApp ist down"],
    "it": ["parlami di whatsapp", "mia madre mi scrive su whatsapp"],
    "nl": ["mijn moeder appt me op whatsapp", "praat met me over telegram"],
    "pl": ["mama pisze do mnie na whatsappie", "whatsapp nie działa"],
    "ru": ["мама пишет мне в вотсап", "пиши про телегу"],
    "uk": ["мама пише мені у вайбер", "телеграм глючить"],
    "tr": ["annem bana whatsapp'tan yazdı", "instagram'da gördüm"],
    "ar": ["امي كلمتني على الواتس", "الواتساب معلق من الصبح", "سنة 2024 كانت صعبة"],
    "hi": ["mummy whatsapp pe baat karti hai", "व्हाट्सएप आज नहीं चल रहा"],
    "id": ["wa lagi error nih", "1g gula"],
    "vi": ["zalo hôm nay bị lỗi", "em xóa facebook một tháng rồi"],
    "th": ["ไลน์ล่มตั้งแต่เช้า"],
    "ja": ["母からLINEで連絡が来た", "LINEが朝からずっと落ちてる"],
    "zh": ["他说微信上聊过了", "维生素v", "我v了50", "稍微，信任我"],
    "ko": ["엄마가 카톡으로 연락했어", "카톡이 안 돼"],
    "tl": ["nag-message si mama sa messenger", "down ang messenger buong umaga"],
}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in MENTIONS.items() for text in texts]
)
def test_talk_about_apps_stays_clean_however_the_names_are_written(language, text):
    assert _contacts(text, [language]) == []
    assert _contacts(text, None) == []


def test_v_after_add_me_is_wechat_even_across_messages():
    """ "加我" / "V" / "lxy_1997": caught when "V" arrives, and the handle with it after."""
    [found] = [f for f in scan_with_context("V", ["加我"]) if f.kind == "messenger_handle"]
    assert found.evidence.startswith("wechat")
    later = scan_with_context("lxy_1997", ["加我", "V"])
    assert [f.kind for f in later] == ["messenger_handle"]
    assert (later[0].start, later[0].end) == (0, len("lxy_1997"))
