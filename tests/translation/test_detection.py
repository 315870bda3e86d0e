"""Language detection: the supported language a message is in, "und" for a language we do not
serve, or the sender's fallback when the text cannot tell."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from translation.detection import (
    DETECTION_CHARS,
    UNDETERMINED,
    detect_language,
    has_translatable_text,
    preload_detector,
)
from translation.services import detected_language_of, source_language_of

SIX = ("en", "es", "fr", "de", "it", "pt")
# The languages of the safety lexicons, the default SUPPORTED_LANGUAGES.
TWENTY = (
    "en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk",
    "tr", "ar", "hi", "id", "vi", "th", "ja", "zh", "ko", "tl",
)  # fmt: skip
# A fallback no detector answers, so a test can tell "detected" from "fell back".
FALLBACK = "zz"


def detect(text: str, **options) -> str:
    options.setdefault("supported", SIX)
    options.setdefault("fallback", FALLBACK)
    return detect_language(text, **options)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "hey, how was your day? I can't wait to see you this weekend"),
        ("en", "sorry I was at work, just got home"),
        ("es", "hola, ¿qué tal tu día? No puedo esperar a verte este fin de semana"),
        ("es", "perdón, estaba trabajando, acabo de llegar"),
        ("fr", "salut, ta journée s'est bien passée ? J'ai hâte de te voir ce week-end"),
        ("fr", "désolé j'étais au boulot, je viens de rentrer"),
        ("de", "hey, wie war dein Tag? Ich freue mich so, dich am Wochenende zu sehen"),
        ("de", "sorry, war bei der Arbeit, bin gerade heimgekommen"),
        ("it", "ciao, com'è andata la giornata? Non vedo l'ora di vederti questo weekend"),
        ("it", "scusa ero al lavoro, sono appena tornato"),
        ("pt", "oi, como foi o seu dia? Mal posso esperar para te ver neste fim de semana"),
        ("pt", "desculpa, estava no trabalho, acabei de chegar"),
    ],
)
def test_a_clear_sentence_is_detected(language, text):
    """A plain chat sentence in a supported language is recognised, whatever the fallback."""
    assert detect(text) == language
    assert detect(text, fallback="en" if language != "en" else "de") == language


@pytest.mark.parametrize("text", ["ok", "jaja", "lol", "jajaja 😂", "merci!", "ok ok ok", "xD"])
def test_short_text_falls_back(text):
    """Too few letters to tell a language: the sender's profile language is used."""
    assert detect(text) == FALLBACK


def test_links_mentions_numbers_and_emoji_are_not_letters():
    """A German-looking link and @mentions do not make a message German."""
    text = "@anna_k @marco 👍👍 https://www.beispiel.de/ich-liebe-dich-sehr 12345 ok"
    assert detect(text) == FALLBACK


@pytest.mark.parametrize(
    "text",
    [
        "😂😂😂",
        "https://example.com/some/long/path?with=query&and=more",
        "www.example.org t.me/someone bob@example.com",
        "@someone_else 123 456 7:30 !!! ???",
        "",
        "   \n  ",
    ],
)
def test_text_without_words_falls_back(text):
    assert detect(text) == FALLBACK


@pytest.mark.parametrize(
    "text",
    [
        "hoi, hoe was je dag vandaag? Ik kan niet wachten om je dit weekend te zien",  # Dutch
        "mijn zus komt volgende week langs, ik kook heel graag",  # Dutch
        "привет, как прошёл твой день? не могу дождаться встречи",  # Russian
        "cześć, jak minął ci dzień? nie mogę się doczekać",  # Polish
        "tinc moltes ganes de veure't aquest cap de setmana",  # Catalan
        "hafta sonu seni görmek için sabırsızlanıyorum",  # Turkish
        "こんにちは、今日はどんな一日でしたか",  # Japanese
    ],
)
def test_a_language_that_is_not_supported_falls_back(text):
    """Text in a language we do not serve is not forced into the nearest supported one."""
    assert detect(text) == FALLBACK


def test_only_the_given_languages_are_answered():
    """With English and German supported, French and Spanish fall back instead of being misread
    as English."""
    french = "demain je vais à la plage avec mes amis s'il fait beau"
    spanish = "mañana voy a la playa con mis amigos si hace buen tiempo"
    english = "tomorrow I am going to the beach with my friends"
    assert detect(french, supported=("en", "de")) == FALLBACK
    assert detect(spanish, supported=("en", "de")) == FALLBACK
    assert detect(english, supported=("en", "de")) == "en"


def test_near_neighbours_in_another_script_fall_back():
    """Ukrainian is not read as Russian when only Russian is supported."""
    assert (
        detect("я иду завтра на пляж с друзьями, если будет хорошая погода", supported=("ru",))
        == "ru"
    )
    ukrainian = "завтра я піду на пляж з друзями, якщо буде гарна погода"
    assert detect(ukrainian, supported=("ru",)) == FALLBACK


def test_ambiguous_text_falls_back_below_the_confidence_threshold():
    """Mixed-language text is detected with a lenient threshold and falls back with a strict
    one."""
    mixed = "bueno ok see you mañana amigo"
    assert detect(mixed, min_confidence=0.5) == "es"
    assert detect(mixed, min_confidence=0.95) == FALLBACK


def test_min_letters_is_configurable():
    text = "ciao bella, come stai oggi?"
    assert detect(text) == "it"
    assert detect(text, min_letters=100) == FALLBACK


def test_order_case_and_duplicates_of_supported_codes_do_not_matter():
    text = "perdón, estaba trabajando, acabo de llegar"
    assert detect(text, supported=["pt", "ES", "en", "es", "fr", "de", "it"]) == "es"


def test_codes_the_detector_does_not_know_are_ignored():
    """A misconfigured language never breaks detection of the others; alone, it falls back."""
    text = "sorry I was at work, just got home"
    assert detect(text, supported=("en", "es", "xx")) == "en"
    assert detect(text, supported=("xx",)) == FALLBACK
    assert detect(text, supported=()) == FALLBACK


def test_concurrent_first_use_builds_one_working_detector():
    """Threads racing on a detector's first use all get a correct answer."""
    supported = ("en", "it", "es")
    texts = ["ciao, com'è andata la giornata?", "hola, ¿qué tal tu día de hoy?"] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: detect(t, supported=supported), texts))
    assert results == ["it", "es"] * 8


def test_preloading_is_idempotent():
    preload_detector(SIX)
    preload_detector(list(reversed(SIX)))
    assert detect("sorry I was at work, just got home") == "en"


@pytest.mark.parametrize(
    "text",
    ["ok", "ok 👍", "see you at 7", "¿qué?", "日本", "Привет", "lol @maria", "haha https://x.com"],
)
def test_text_with_letters_is_translatable(text):
    assert has_translatable_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t",
        "😂😂😂",
        "👩‍❤️‍💋‍👨 🇪🇸 1️⃣ 👍🏽",
        "123 4.5 7:30",
        "https://example.com/path?q=words-in-a-link",
        "www.example.org",
        "t.me/someone",
        "bob@example.com",
        "@maria_88 @joao",
        "!!! ... ??? :) :-( <3",
        "@bob 👍 7:30 https://x.com/a?b=1 !!",
    ],
)
def test_text_without_words_is_not_translatable(text):
    """Emoji, numbers, links, addresses, mentions and punctuation read the same everywhere."""
    assert not has_translatable_text(text)


def test_codes_mixing_letters_and_digits_do_not_count_as_words():
    """A wallet address or an IBAN is in no language; its letters must not outvote the rest."""
    assert detect("send 0.1 btc to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") == FALLBACK
    assert detect("pay DE89370400440532013000 today please, my dear friend") == "en"


def test_a_long_message_is_judged_by_its_beginning():
    """Detection reads a bounded prefix (its cost grows with the text): a Spanish letter with
    an English quotation at its end is Spanish."""
    spanish = "hola, ¿qué tal tu día? No puedo esperar a verte este fin de semana. " * 8
    english = "and then he said that he would never ever come back to this town again " * 20
    assert len(spanish) > DETECTION_CHARS
    assert detect(spanish + english) == "es"


# --- twenty languages, and the ones we do not serve ----------------------------------------


@pytest.fixture
def twenty(settings):
    settings.SUPPORTED_LANGUAGES = list(TWENTY)


def test_the_default_languages_are_the_twenty_of_the_safety_lexicons():
    from django.conf import settings

    assert set(TWENTY) <= set(settings.SUPPORTED_LANGUAGES)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "hey, how was your day? I can't wait to see you this weekend"),
        ("es", "hola, ¿qué tal tu día? No puedo esperar a verte este fin de semana"),
        ("pt", "oi, como foi o seu dia? Mal posso esperar para te ver neste fim de semana"),
        ("fr", "salut, ta journée s'est bien passée ? J'ai hâte de te voir ce week-end"),
        ("de", "hey, wie war dein Tag? Ich freue mich so, dich am Wochenende zu sehen"),
        ("it", "ciao, com'è andata la giornata? Non vedo l'ora di vederti questo weekend"),
        ("nl", "hoi, hoe was je dag? Ik kan niet wachten om je dit weekend te zien"),
        ("pl", "cześć, jak minął ci dzień? nie mogę się doczekać, żeby cię zobaczyć w weekend"),
        ("ru", "привет, как прошёл твой день? не могу дождаться, когда увижу тебя на выходных"),
        ("uk", "привіт, як минув твій день? не можу дочекатися, коли побачу тебе на вихідних"),
        ("tr", "selam, günün nasıl geçti? hafta sonu seni görmek için sabırsızlanıyorum"),
        ("ar", "مرحبا، كيف كان يومك؟ لا أستطيع الانتظار لرؤيتك في عطلة نهاية الأسبوع"),
        ("hi", "नमस्ते, तुम्हारा दिन कैसा रहा? मैं इस वीकेंड तुमसे मिलने का इंतज़ार नहीं कर सकता"),
        ("id", "hai, gimana harimu? aku nggak sabar ketemu kamu akhir pekan ini"),
        ("vi", "chào em, hôm nay của em thế nào? anh rất mong được gặp em cuối tuần này"),
        ("th", "สวัสดีค่ะ วันนี้เป็นยังไงบ้าง อยากเจอคุณสุดสัปดาห์นี้มากเลย"),
        ("ja", "こんにちは、今日はどんな一日でしたか？週末に会えるのが楽しみです"),
        ("zh", "你好，今天过得怎么样？我好期待这个周末见到你"),
        ("ko", "안녕하세요, 오늘 하루 어땠어요? 이번 주말에 만나는 게 너무 기대돼요"),
        ("tl", "hi, kumusta ang araw mo? hindi na ako makapaghintay na makita ka ngayong weekend"),
        ("en", "sorry I was at work, just got home"),
        ("tr", "pardon, işteydim, eve yeni geldim"),
        ("vi", "xin lỗi, lúc nãy anh đang làm việc, giờ mới về đến nhà"),
        ("tl", "pasensya na, nasa trabaho ako kanina at kakauwi ko lang"),
        ("id", "maaf, tadi aku lagi kerja dan baru sampai rumah"),
    ],
)
def test_each_of_the_twenty_languages_is_detected_from_a_chat_sentence(twenty, language, text):
    assert detected_language_of(text) == language
    assert source_language_of(text, fallback="en" if language != "en" else "de") == language


@pytest.mark.parametrize(
    "text",
    [
        "hej, hur var din dag? jag längtar verkligen efter att träffa dig i helgen",  # Swedish
        "förlåt, jag var på jobbet och kom precis hem",  # Swedish
        "bună, cum a fost ziua ta? abia aștept să te văd în weekend",  # Romanian
        "scuze, eram la muncă și abia am ajuns acasă",  # Romanian
        "perdona, estava treballant i acabo d'arribar a casa",  # Catalan
        "tinc moltes ganes de veure't aquest cap de setmana",  # Catalan
        "hej, hvordan var din dag? jeg glæder mig rigtig meget til at se dig i weekenden",  # Danish
        "undskyld, jeg var på arbejde og er lige kommet hjem",  # Danish
        "ahoj, jaký jsi měl den? moc se těším, až tě o víkendu uvidím",  # Czech
        "hallo, hoe was jou dag? ek kan nie wag om jou die naweek te sien nie",  # Afrikaans
        "здравей, как мина денят ти? нямам търпение да те видя през уикенда",  # Bulgarian
        "سلام، روزت چطور بود؟ خیلی دلم می‌خواد آخر هفته ببینمت",  # Persian
        "माफ कर, मी कामावर होतो आणि आत्ताच घरी आलो",  # Marathi
    ],
)
def test_a_language_we_do_not_serve_is_undetermined_not_the_senders(twenty, text):
    """Its decoy wins clearly: the text is marked "und" (and translated for every reader), never
    labelled with the sender's profile language or the nearest supported one."""
    assert detected_language_of(text) == UNDETERMINED
    assert source_language_of(text, fallback="en") == UNDETERMINED


@pytest.mark.parametrize(
    "text",
    [
        "היי, איך עבר עליך היום? אני ממש מחכה לראות אותך בסוף השבוע",  # Hebrew
        "γεια σου, πώς πέρασε η μέρα σου; ανυπομονώ να σε δω το σαββατοκύριακο",  # Greek
        "வணக்கம், உங்கள் நாள் எப்படி இருந்தது?",  # Tamil
    ],
)
def test_a_script_none_of_the_languages_is_written_in_is_undetermined(twenty, text):
    assert source_language_of(text, fallback="en") == UNDETERMINED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مرحبا، كيف حالك اليوم؟", UNDETERMINED),
        ("Привет, как у тебя дела сегодня?", UNDETERMINED),
        ("שלום, מה שלומך היום?", UNDETERMINED),
        ("안녕하세요, 오늘 어때요?", UNDETERMINED),
        ("ok 👍", "es"),
        ("hola, ¿qué tal tu día? No puedo esperar a verte", "es"),
    ],
)
def test_with_six_languages_another_script_is_undetermined_without_a_model(
    settings, text, expected
):
    """A service in Latin-script languages marks Arabic or Cyrillic text "und" by its script."""
    settings.SUPPORTED_LANGUAGES = list(SIX)
    assert source_language_of(text, fallback="es") == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("th", "ขอบคุณมากนะครับ"),
        ("th", "ไปกินข้าวกันไหม 555"),
        ("ko", "ㅋㅋㅋㅋ 진짜?"),
        ("ko", "카톡 아이디 뭐야?"),
    ],
)
def test_a_language_with_a_script_of_its_own_is_named_by_it(twenty, language, text):
    assert detected_language_of(text) == language


@pytest.mark.parametrize("text", ["ok", "haha", "hahaha 😂", "lol", "ok ok", "jajaja", "555", "xD"])
def test_short_text_cannot_tell(twenty, text):
    """Too few letters for any language: "" and the sender's profile language, never "und"."""
    assert detected_language_of(text) == ""
    assert source_language_of(text, fallback="tl") == "tl"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "my phone is at 15% hold on"),
        ("en", "my snap is jessyyy.m"),
        ("de", "lena.schmidt93 at gmx"),
        ("ru", "напиши мне в вотсап, удобнее там"),
        ("hi", "मेरे वॉलेट में 300 USDT डाल दो, नेटवर्क TRC20"),
        ("id", "chat aku di 0812-3456-7890 aja, aku jarang buka di sini"),
        ("ko", "카톡: jiyoon98"),
    ],
)
def test_a_decoy_winning_by_a_hair_cannot_tell(twenty, language, text):
    """Handles, slang and near neighbours (Hindi and Marathi, Indonesian and Malay) spread the
    confidence over many languages; the decoy that comes first says nothing then."""
    assert detected_language_of(text) in {language, ""}


def test_without_outside_a_language_we_do_not_serve_falls_back():
    """Checking a translation's language (translation/validation.py) asks for no "und"."""
    swedish = "hej, hur var din dag? jag längtar verkligen efter att träffa dig i helgen"
    assert detect(swedish, supported=TWENTY) == FALLBACK
    assert detect(swedish, supported=TWENTY, outside=UNDETERMINED) == UNDETERMINED
    assert detect("שלום, מה שלומך היום?", supported=TWENTY) == FALLBACK


def test_thai_and_korean_need_no_language_model(twenty):
    """Named by their script, they cost the detector no memory."""
    from translation.detection import _detector_for

    detector = _detector_for(TWENTY)
    assert {"th", "ko"}.isdisjoint(detector.served.values())
    assert {code for code, _ in detector.own} == {"th", "ko"}


@pytest.mark.parametrize("text", ["(ง'̀-'́)ง", "ok ツ", "שלום", "(づ｡◕‿‿◕｡)づ"])
def test_a_few_letters_of_another_script_cannot_tell(twenty, text):
    """Kaomoji borrow letters from Thai or Japanese, and one word says little: the script
    decides only with as many letters as detection needs."""
    assert detected_language_of(text) == ""
