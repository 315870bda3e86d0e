"""Look-alike letters and leetspeak are undone only in the words they disguise."""

import pytest

from moderation.disguises import disguise_targets, fold_leet, fold_lookalikes


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("t\u0435l\u0435gram", "telegram"),
        ("тeлeгa", "телега"),
        ("ΚΙΚ", "KIK"),
        ("Привет John", "Привет John"),
        ("сор рос", "сор рос"),
        ("1\u0410\u0430Bc", "1AaBc"),
    ],
)
def test_look_alikes_fold_to_the_script_of_the_word_or_a_known_name(text, folded):
    assert fold_lookalikes(text) == folded
    assert len(fold_lookalikes(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("add me on t3l3gram", "add me on telegram"),
        ("te1egram and 1nsta", "telegram and insta"),
        ("$end m0ney", "send money"),
        ("b4 7pm, 4x4, l33t", "b4 7pm, 4x4, l33t"),
        ("call 07911 123456", "call 07911 123456"),
        ("dodaj mnie na t3l3gr4mie", "dodaj mnie na telegramie"),  # an ending after the name
        ("t3l3gr4mdan ekle", "telegramdan ekle"),
        ("пиши в т3л3гу", "пиши в телегу"),  # Cyrillic leetspeak
        ("пиши у в4йб3р", "пиши у вайбер"),
        ("l1n3 k4kao z4l0", "line kakao zalo"),
        ("room 3b, mp3, 6pm", "room 3b, mp3, 6pm"),
        # Names and words of every lexicon: Spanish slang, Portuguese slang, a Spanish verb.
        ("escribeme al w4s4p", "escribeme al wasap"),
        ("me chama no z4pz4p", "me chama no zapzap"),
        ("3scr1b3m3 por telegram", "escribeme por telegram"),
        ("vi8er, si9nal, s!gnal", "viber, signal, signal"),
        ("wh4tz4pp", "whatzapp"),
        ("додай в 1нст4гр4м", "додай в інстаграм"),  # "1" for the Ukrainian "і"
    ],
)
def test_leetspeak_folds_only_known_names_and_intent_words(text, folded):
    assert fold_leet(text) == folded
    assert len(fold_leet(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        # A short word folds to a platform's name ("w4" is "wa", WhatsApp in Indonesian)...
        ("chat di w4 aja", "chat di wa aja"),
        # ...but not to a word of asking: a short word with a digit is an abbreviation.
        ("whats no1 in the charts", "whats no1 in the charts"),
        ("m3 too, a1 b4 c3", "m3 too, a1 b4 c3"),
        # In a message written in leetspeak it does: the sender disguises words.
        ("@dd m3 0n t3l3gram", "add me on telegram"),
        # "@" and "$" are only ever written for letters.
        ("@dd me on telegram", "add me on telegram"),
        # Quantities, ordinals and codes that start with a digit spell no name.
        ("1g of sugar, 5c, 4s, 1st, 2nd, 10am", "1g of sugar, 5c, 4s, 1st, 2nd, 10am"),
        ("t9, f8, w8 4 me", "t9, f8, w8 4 me"),
        # A sign that ends a word or a clause is no letter.
        ("add me on telegram!", "add me on telegram!"),
        ("hi! a|b", "hi! a|b"),
    ],
)
def test_short_words_and_signs_fold_only_where_they_disguise(text, folded):
    assert fold_leet(text) == folded


def test_the_known_names_and_intent_words_are_lower_case_words():
    platforms, intents = disguise_targets()
    assert "telegram" in platforms and "send" in intents
    assert all(word.isalpha() and word.islower() for word in platforms | intents)


def test_the_names_and_words_are_read_from_every_lexicon():
    platforms, intents = disguise_targets()
    # Slang of one language each (es, pt, ru), and a verb of asking in Spanish (accent folded).
    assert {"guasap", "zapzap", "телега"} <= platforms
    assert "escribeme" in intents
