"""The offline demo translator: lexicon substitution that never touches what it does not know."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translation.lexicon import (
    LANGUAGES,
    LEXICON_DIR,
    ROWS,
    TranslationLexiconError,
    load_lexicon,
)
from translation.offline import SUPPORTED, _tokenize, offline_translate

OTHERS = [lang for lang in LANGUAGES if lang != "en"]

GREETING = {
    "en": "hello, how are you?",
    "es": "hola, cómo estás?",
    "fr": "bonjour, comment ça va?",
    "de": "hallo, wie geht es dir?",
    "it": "ciao, come stai?",
    "pt": "olá, como você está?",
}


def test_supported_languages() -> None:
    assert frozenset({"en", "es", "fr", "de", "it", "pt"}) == SUPPORTED


@pytest.mark.parametrize("target", OTHERS)
def test_greeting_from_english(target: str) -> None:
    assert offline_translate(GREETING["en"], source="en", target=target) == GREETING[target]


@pytest.mark.parametrize("source", OTHERS)
def test_greeting_into_english(source: str) -> None:
    assert offline_translate(GREETING[source], source=source, target="en") == GREETING["en"]


def test_demo_sentence_is_recognisably_translated() -> None:
    text = "hello, how are you? I love this song 😀"
    assert offline_translate(text, source="en", target="es") == (
        "hola, cómo estás? Me encanta esta canción 😀"
    )
    assert offline_translate(text, source="en", target="fr") == (
        "bonjour, comment ça va? J'adore cette chanson 😀"
    )
    assert offline_translate(text, source="en", target="de") == (
        "hallo, wie geht es dir? Ich liebe dieses Lied 😀"
    )


def test_pivot_spanish_to_french() -> None:
    text = "¡Hola! ¿Cómo estás? Te quiero mucho."
    assert offline_translate(text, source="es", target="fr") == (
        "¡Bonjour! ¿Comment ça va? Je t'aime beaucoup."
    )


@pytest.mark.parametrize(("source", "target"), list(itertools.permutations(OTHERS, 2)))
def test_every_non_english_pair_goes_through_english(source: str, target: str) -> None:
    row = next(row for row in ROWS if row[0] == "thank you very much")
    forms = dict(zip(LANGUAGES, row, strict=True))
    assert offline_translate(forms[source], source=source, target=target) == forms[target]


@pytest.mark.parametrize("target", OTHERS)
def test_every_english_entry_translates_to_its_row(target: str) -> None:
    column = LANGUAGES.index(target)
    for row in ROWS:
        translated = offline_translate(row[0], source="en", target=target)
        assert translated.lower() == row[column].lower(), row


def test_lexicon_is_a_useful_size() -> None:
    assert 200 <= len(ROWS) <= 400


def test_phrases_take_precedence_over_words() -> None:
    assert offline_translate("thank you very much", source="en", target="es") == "muchas gracias"
    assert offline_translate("I love you", source="en", target="es") == "Te quiero"
    assert offline_translate("I love pizza", source="en", target="es") == "Me encanta pizza"
    assert offline_translate("see you tomorrow", source="en", target="de") == "bis morgen"
    assert offline_translate("see you", source="en", target="de") == "bis dann"


def test_phrases_do_not_span_punctuation_or_lines() -> None:
    assert offline_translate("good, morning", source="en", target="es") == "bueno, mañana"
    assert offline_translate("good\nmorning", source="en", target="es") == "bueno\nmañana"


def test_chat_shorthand_is_understood() -> None:
    assert offline_translate("how r u? thx", source="en", target="es") == "cómo estás? gracias"
    assert offline_translate("idk", source="en", target="fr") == "je ne sais pas"


def test_case_is_carried_over() -> None:
    assert offline_translate("Hello", source="en", target="es") == "Hola"
    assert offline_translate("HELLO", source="en", target="es") == "HOLA"
    assert offline_translate("hello", source="en", target="es") == "hola"
    assert offline_translate("GOOD MORNING", source="en", target="pt") == "BOM DIA"
    assert offline_translate("Ok. Thanks", source="en", target="es") == "Vale. Gracias"


def test_capitals_required_by_spelling_are_not_carried_mid_sentence() -> None:
    # English "I" and German nouns are capitalised by rule, not by the writer.
    assert offline_translate("and I love you", source="en", target="es") == "y te quiero"
    assert offline_translate("I love you", source="en", target="es") == "Te quiero"
    assert offline_translate("ich habe einen Hund", source="de", target="en") == "I have a dog"
    assert offline_translate("Hund", source="de", target="en") == "Dog"
    assert offline_translate("I have a dog", source="en", target="de") == "Ich habe ein Hund"


def test_french_elision_is_split() -> None:
    assert offline_translate("l'amour", source="fr", target="en") == "the love"
    assert offline_translate("L'Italie", source="fr", target="en") == "The Italie"


def test_untranslatable_tokens_pass_through() -> None:
    text = (
        "hello @maria 😀 see https://example.com/home?lang=en or write to love@example.com, "
        "10 kisses at 3pm #love www.friend.org/home v2.0 user_name Zorblax"
    )
    translated = offline_translate(text, source="en", target="es")
    for kept in (
        "@maria",
        "😀",
        "https://example.com/home?lang=en",
        "love@example.com,",
        " 10 ",
        "3pm",
        "#love",
        "www.friend.org/home",
        "v2.0",
        "user_name",
        "Zorblax",
    ):
        assert kept in translated
    assert translated.startswith("hola @maria 😀 ver ")
    assert "besos en 3pm" in translated


def test_whitespace_and_punctuation_are_preserved() -> None:
    text = "  hello\n\n\tfriend!!  ...  (yes) — “no” "
    assert offline_translate(text, source="en", target="es") == (
        "  hola\n\n\tamigo!!  ...  (sí) — “no” "
    )


@pytest.mark.parametrize(
    ("source", "target"), [("xx", "es"), ("en", "ja"), ("zh", "ko"), ("", "es"), ("en", "")]
)
def test_unsupported_language_returns_text_unchanged(source: str, target: str) -> None:
    text = "hello, how are you?"
    assert offline_translate(text, source=source, target=target) == text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_language_returns_text_unchanged(lang: str) -> None:
    text = "hello, how are you? hola"
    assert offline_translate(text, source=lang, target=lang) == text


def test_regional_codes_use_their_language() -> None:
    assert offline_translate("hello", source="en-US", target="pt-BR") == "olá"
    assert offline_translate("hello", source="en-GB", target="en") == "hello"


def test_deterministic() -> None:
    text = "Good morning! I miss you, see you tonight?"
    results = {offline_translate(text, source="en", target="it") for _ in range(20)}
    assert results == {"Buongiorno! Mi manchi, ci vediamo stasera?"}


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(min_size=1, max_size=200),
    source=st.sampled_from(sorted(SUPPORTED)),
    target=st.sampled_from(sorted(SUPPORTED)),
)
def test_output_is_never_empty_for_non_empty_input(text: str, source: str, target: str) -> None:
    assert offline_translate(text, source=source, target=target)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_tokenizing_loses_nothing(text: str) -> None:
    tokens, kinds = _tokenize(text)
    assert "".join(tokens) == text
    assert len(tokens) == len(kinds)


# --- the vocabulary is data ------------------------------------------------------------------


def test_the_vocabulary_is_read_from_one_file_per_language():
    assert {path.stem for path in LEXICON_DIR.glob("*.toml")} == set(LANGUAGES)
    assert LANGUAGES[0] == "en"  # the pivot: every row starts with its English form


@pytest.fixture
def lexicon_copy(tmp_path):
    for path in LEXICON_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def _replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_of_the_vocabulary_loads(lexicon_copy):
    languages, rows, _, _ = load_lexicon(lexicon_copy)
    assert languages == LANGUAGES and rows == ROWS


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("es.toml", '"hello" = "hola"\n', "", "es.toml: forms.hello: missing"),
        (
            "es.toml",
            '"hello" = "hola"',
            '"hello" = "hola"\n"hullo" = "hola"',
            "forms.hullo: no such meaning",
        ),
        ("fr.toml", '"l\'" = "the"', '"l" = "the"', "elisions.l: malformed"),
        ("de.toml", 'language = "de"', 'language = "deu"', "de.toml: language: must be 'de'"),
        ("it.toml", "[extra]", '[extra]\n"ciaooo" = "howdy"', "extra.ciaooo: no meaning 'howdy'"),
        ("pt.toml", "[forms]", "[forms]\n[forms.x]", "forms.x: must be a non-empty string"),
        ("en.toml", '    "hi",\n', '    "hi",\n    "hi",\n', "meanings: listed twice: ['hi']"),
    ],
)
def test_a_broken_vocabulary_is_refused_naming_the_file_and_key(
    lexicon_copy, file, old, new, message
):
    _replace(lexicon_copy / file, old, new)
    with pytest.raises(TranslationLexiconError) as error:
        load_lexicon(lexicon_copy)
    assert str(error.value).startswith("translation/lexicons/")
    assert message in str(error.value)
