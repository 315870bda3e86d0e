"""Language detection: the supported language a message is in, or the sender's fallback."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from translation.detection import (
    DETECTION_CHARS,
    detect_language,
    foreign_script_language,
    has_translatable_text,
    preload_detector,
)
from translation.services import source_language_of

SIX = ("en", "es", "fr", "de", "it", "pt")
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مرحبا، كيف حالك اليوم؟", "ar"),
        ("مرحبا", "ar"),
        ("Привет, как у тебя дела сегодня?", "ru"),
        ("שלום, מה שלומך?", "he"),
        ("안녕하세요, 오늘 어때요?", "ko"),
    ],
)
def test_text_in_a_script_no_supported_language_uses_is_named_not_given_the_profile_language(
    settings, text, expected
):
    settings.SUPPORTED_LANGUAGES = ["en", "es", "fr", "de", "it", "pt"]
    assert source_language_of(text, fallback="en") == expected


def test_latin_text_that_cannot_tell_still_falls_back(settings):
    settings.SUPPORTED_LANGUAGES = ["en", "es", "fr", "de", "it", "pt"]
    assert source_language_of("ok 👍", fallback="es") == "es"
    assert foreign_script_language("hello there", supported=["en"]) is None
