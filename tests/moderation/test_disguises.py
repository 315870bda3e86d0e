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
    ],
)
def test_leetspeak_folds_only_known_names_and_intent_words(text, folded):
    assert fold_leet(text) == folded
    assert len(fold_leet(text)) == len(text)


def test_the_known_names_and_intent_words_are_lower_case_words():
    platforms, intents = disguise_targets()
    assert "telegram" in platforms and "send" in intents
    assert all(word.isalpha() and word.islower() for word in platforms | intents)
