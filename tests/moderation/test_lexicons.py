"""The safety lexicons: one checked data file per language, compiled for the folded view."""

import re
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from moderation import apps
from moderation.cues import compile_entry
from moderation.keywords import Gate, leading_words, required_words
from moderation.lexicon import (
    LEXICON_DIR,
    RISK_LABELS,
    LexiconError,
    all_languages,
    digit_words,
    known_platform_names,
    lexicon,
    load_lexicons,
    platform_aliases,
    resolve_languages,
    spelled_symbols,
)

REQUIRED_LANGUAGES = {
    "en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk", "tr", "ar", "hi", "id", "vi",
    "th", "ja", "zh", "ko", "tl",
}  # fmt: skip


def test_every_language_a_dating_app_serves_has_a_lexicon():
    assert set(all_languages()) >= REQUIRED_LANGUAGES


@pytest.mark.parametrize("code", sorted(REQUIRED_LANGUAGES))
def test_each_lexicon_covers_every_kind_of_cue(code):
    lex = lexicon(code)
    assert lex.code == code
    for key in ("cues", "amount_requests", "money", "currencies", "gift_cards", "services"):
        assert lex.payment[key], key
    assert lex.pitches
    assert lex.platforms and lex.contact["intents"] and lex.contact["ask_number"]
    assert lex.contact["at"] and lex.contact["dot"]
    assert sorted(lex.numbers) == [str(digit) for digit in range(10)]
    for script in (
        "wrong_number", "investment", "customs_fee", "emergency", "hospital_bills",
        "military_deployment", "oil_rig",
    ):  # fmt: skip
        assert lex.risk[script], script


def test_hindi_is_written_in_devanagari_and_in_latin_letters():
    cues = " ".join(lexicon("hi").words["send_do"])
    assert "भेजो" in cues and "bhejo" in cues


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("телега", "telegram"),
        ("телегу", "telegram"),
        ("вотсап", "whatsapp"),
        ("вайбер", "viber"),
        ("微信", "wechat"),
        ("微信号", "wechat"),
        ("카톡", "kakaotalk"),
        ("ライン", "line"),
        ("ไลน์", "line"),
        ("guasap", "whatsapp"),
        ("zap", "whatsapp"),
        ("telegram", "telegram"),
        ("whats app", "whatsapp"),
        ("the green app", "whatsapp"),
    ],
)
def test_known_platform_names_list_slang_and_transliterations(name, platform):
    assert name in known_platform_names()
    assert platform_aliases()[name] == platform


def test_digit_and_symbol_words_are_read_in_the_given_languages():
    assert digit_words(["ru"])["семь"] == "7"
    assert digit_words(["ru"])["seven"] == "7"  # English is always read
    assert "sette" not in digit_words(["ru"])
    at, dot = spelled_symbols(["es"])
    assert "arroba" in at and "at" in at and "punto" in dot


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["pt-BR"], ("en", "pt")),
        (["es", "es_MX", "ES"], ("en", "es")),
        (["xx", "", "he"], ("en",)),
        ([], ("en",)),
    ],
)
def test_languages_are_resolved_to_lexicons_plus_english(given, expected):
    assert resolve_languages(given) == expected


def test_no_languages_means_every_language():
    assert resolve_languages(None) == all_languages()


# --- the checks at start ---------------------------------------------------------------------


@pytest.fixture
def lexicons(tmp_path: Path) -> Path:
    """A copy of common.toml and en.toml, to break one thing at a time."""
    for name in ("common.toml", "en.toml"):
        shutil.copy(LEXICON_DIR / name, tmp_path / name)
    return tmp_path


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_of_the_lexicons_loads(lexicons):
    assert set(load_lexicons(lexicons)) == {"en"}


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('at = ["at"]', "at = []", "contact.at", "is empty"),
        ('dot = ["dot"]\n', "", "contact.dot", "missing"),
        ("[risk]", '[risk]\nghosts = ["boo"]', "risk.ghosts", "unknown name"),
        (
            'widowed = ["widow(?:er|ed)?"]',
            'widowed = ["widow(?:er|ed"]',
            "risk.widowed[0]",
            "no valid pattern",
        ),
        (
            'allowance = ["allowance"]',
            'allowance = ["Allowance"]',
            "risk.allowance[0]",
            "lower case",
        ),
        (
            'allowance = ["allowance"]',
            'allowance = ["allowance", "allowance"]',
            "risk.allowance[1]",
            "twice",
        ),
        (
            'sugar_daddy = ["sugar ?(?:daddy|mommy|mama|baby)"]',
            'sugar_daddy = ["{sugar}"]',
            "risk.sugar_daddy[0]",
            "{sugar} is no word list",
        ),
        ('code = "en"', 'code = "english"', "code", "file's name"),
        ("[payment]", '[payment]\ncolour = ["red"]', "payment.colour", "unknown key"),
        ('0 = ["zero", "oh", "o"]\n', "", "numbers.0", "missing"),
        ('0 = ["zero", "oh", "o"]', '0 = ["ze+ro"]', "numbers.0[0]", "plain words"),
        ("oil_rig = [", "oil_rigs = [", "risk.oil_rigs", "unknown name"),
        (
            "[contact.nicknames]",
            '[contact.nicknames]\nmyspace = ["tom"]',
            "contact.nicknames.myspace",
            "unknown name",
        ),
        ("here'?s my {platform}", "here'?s my profile", "contact.intents[9]", "{platform}"),
        (
            '    "{give_verb} (?:me|us) (?:{about} )?{amount}{end}",',
            '    "{give_verb} (?:me|us) now",',
            "amount_requests[0]",
            "{amount}",
        ),
        ('modal = ["can"', 'modals = ["can"', "payment.cues[1]", "{modal} is no word list"),
        ("\n[words]\n", '\n[words]\nunused = ["x"]\n', "words.unused", "no entry uses"),
        ("\n[words]\n", '\n[words]\nnested = "x"\n', "words.nested", "list of strings"),
        ('name = "English"', 'name = "English', "(file)", "not valid TOML"),
    ],
)
def test_a_broken_lexicon_is_refused_naming_the_file_and_key(lexicons, old, new, key, problem):
    _replace(lexicons / "en.toml", old, new)
    with pytest.raises(LexiconError) as error:
        load_lexicons(lexicons)
    message = str(error.value)
    assert message.startswith("moderation/lexicons/en.toml: "), message
    assert key in message and problem in message, message


def test_a_platform_unknown_to_common_toml_is_refused(lexicons):
    _replace(lexicons / "en.toml", "[contact.platforms]", '[contact.platforms]\nmyspace = ["tom"]')
    with pytest.raises(LexiconError, match=r"en\.toml: contact\.platforms\.myspace: unknown"):
        load_lexicons(lexicons)


def test_a_missing_common_file_is_refused(lexicons):
    (lexicons / "common.toml").unlink()
    with pytest.raises(LexiconError, match=r"common\.toml: \(file\): missing"):
        load_lexicons(lexicons)


def test_english_is_required(lexicons):
    (lexicons / "en.toml").unlink()
    with pytest.raises(LexiconError, match=r"en\.toml: \(file\): missing"):
        load_lexicons(lexicons)


def test_every_risk_label_key_has_a_label():
    assert all(label and label == label.lower() for label in RISK_LABELS.values())


def test_the_app_refuses_to_start_with_a_broken_lexicon(monkeypatch):
    def broken() -> None:
        raise LexiconError("es.toml", "payment.cues[3]", "no valid pattern")

    monkeypatch.setattr(apps, "load_lexicons", broken)
    config = apps.ModerationConfig("moderation", apps)
    with pytest.raises(ImproperlyConfigured, match=r"es\.toml: payment\.cues\[3\]"):
        config.ready()


def test_the_app_checks_the_real_lexicons_at_start():
    apps.ModerationConfig("moderation", apps).ready()


# --- compiling entries for the folded view -------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        ("envíame", "enviame"),  # accents fold as in messages
        ("überweis", "uberweis"),
        ("скинь денег", "скинь   денег"),  # a blank matches any run of blanks
        ("whats ?app", "whatsapp"),  # " ?" is blanks or none
        ("ギフトカード", "ギフトカード"),  # native script stays native, voiced marks kept
        ("[aáà]mor", "amor"),
    ],
)
def test_entries_are_folded_like_messages(entry, text):
    assert re.fullmatch(compile_entry(entry, {}, "test.toml:x"), text)


def test_a_word_list_stands_for_its_forms():
    source = compile_entry("{verb}me", {"verb": "envia|manda"}, "test.toml:x")
    assert re.fullmatch(source, "mandame") and not re.fullmatch(source, "pagame")


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (r"(?:me\s+)?(?:envia|manda)", {"me", "envia", "manda"}),
        (r"(?:hast du|habt ihr|haben sie)", {"hast du", "habt ihr", "haben sie"}),
        (r"tarjetas?\s+de\s+regalo", {"tarjeta", "tarjetas"}),
        (r"\d+\s?%", None),
    ],
)
def test_entries_are_found_by_their_first_words(source, words):
    assert leading_words(source) == (frozenset(words) if words else None)


def test_a_pattern_is_gated_by_its_least_common_required_words():
    assert required_words(r"(?:\d+\s?)?%\s+(?:daily|weekly)\s+profit") == {"profit"}


def test_the_gate_finds_keywords_at_word_starts_only():
    gate = Gate({"crypto": ["eth"], "platform": ["wa"], "ask": ["買って"]})
    assert [text for text in ("eth", "something") if gate.hits(text)] == ["eth"]
    assert gate.hits("wa?") and not gate.hits("was here")
    assert gate.hits("カードを買ってくれない")  # unspaced scripts: anywhere
