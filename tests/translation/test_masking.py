"""Masking: what must survive translation untouched is swapped for ⟦n⟧ and put back after."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translation.masking import Masked, PlaceholderError, mask, unmask, without_protected

PLACEHOLDER = re.compile(r"⟦[0-9]+⟧")


def test_numbers_are_masked_so_similar_messages_share_a_cache_entry():
    """ "see you at 7" and "see you at 8" are one translation with different values."""
    seven, eight = mask("see you at 7"), mask("see you at 8")
    assert seven == Masked("see you at ⟦1⟧", ("7",))
    assert eight == Masked("see you at ⟦1⟧", ("8",))
    assert mask("7 or 7").text == mask("7 or 8").text == "⟦1⟧ or ⟦2⟧"


def test_each_occurrence_gets_its_own_number_in_order_of_appearance():
    masked = mask("call @ana at 7, not 7: ana@example.com 😘")
    assert masked.text == "call ⟦1⟧ at ⟦2⟧, not ⟦3⟧: ⟦4⟧ ⟦5⟧"
    assert masked.values == ("@ana", "7", "7", "ana@example.com", "😘")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("look https://x.com/a?b=1.", "https://x.com/a?b=1"),
        (
            "(see https://en.wikipedia.org/wiki/Foo_(bar))",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        ("go to www.example.org, ok", "www.example.org"),
        ("add me t.me/foo!", "t.me/foo"),
        ("site example.com/path?x=1", "example.com/path?x=1"),
        ("it's on example.com.", "example.com"),
        ("shop.example.co.uk is down", "shop.example.co.uk"),
        ("open tg://resolve?domain=someone", "tg://resolve?domain=someone"),
        ("write to john.doe+tag@gmail.com.", "john.doe+tag@gmail.com"),
        ("ask @maria_88 now", "@maria_88"),
        ("ask @maria.k.", "@maria.k"),
    ],
)
def test_links_addresses_and_mentions_are_masked_whole(text, value):
    """Trailing punctuation stays with the sentence, not the link."""
    masked = mask(text)
    assert masked.values == (value,)
    assert unmask(masked.text, masked.values) == text


@pytest.mark.parametrize(
    ("text", "masked_text", "values"),
    [
        ("it costs 3.5 or 3,5", "it costs ⟦1⟧ or ⟦2⟧", ("3.5", "3,5")),
        ("at 7:30pm", "at ⟦1⟧pm", ("7:30",)),
        ("the 1st and 22nd", "the ⟦1⟧st and ⟦2⟧nd", ("1", "22")),
        ("$1,000.50 today", "$⟦1⟧ today", ("1,000.50",)),
        ("see you at 8.", "see you at ⟦1⟧.", ("8",)),
        ("le 2ème étage", "le ⟦1⟧ème étage", ("2",)),
    ],
)
def test_numbers_are_masked(text, masked_text, values):
    assert mask(text) == Masked(masked_text, values)


def test_digits_inside_words_stay_words():
    """ "gr8" and "mp3" are words a model should see; only free-standing numbers are masked."""
    assert mask("gr8, send the mp3 and the v2.0 file") == Masked(
        "gr8, send the mp3 and the v2.0 file", ()
    )


@pytest.mark.parametrize("text", ["ok.me too", "e.g. this", "i.e. that", "node.js rocks", "a.m."])
def test_words_joined_by_a_full_stop_are_not_links(text):
    assert mask(text).values == ()


@pytest.mark.parametrize(
    "emoji",
    [
        "👩‍❤️‍💋‍👨",  # ZWJ sequence
        "👨‍👩‍👧‍👦",  # family
        "👍🏽",  # skin tone
        "🇪🇸",  # flag
        "1️⃣",  # keycap
        "🏴󠁧󠁢󠁳󠁣󠁴󠁿",  # subdivision flag (tag sequence)
        "❤️",  # with variation selector
        "🧑🏿‍🚀",  # skin tone inside a ZWJ sequence
    ],
)
def test_emoji_sequences_are_masked_intact(emoji):
    masked = mask(f"love you {emoji} so much")
    assert masked == Masked("love you ⟦1⟧ so much", (emoji,))


def test_a_run_of_emoji_is_one_value():
    masked = mask("good night 😘 😘😘 🌙")
    assert masked == Masked("good night ⟦1⟧", ("😘 😘😘 🌙",))


def test_text_with_nothing_to_protect_is_unchanged():
    assert mask("how are you today?") == Masked("how are you today?", ())
    assert unmask("¿cómo estás hoy?", ()) == "¿cómo estás hoy?"


def test_brackets_a_user_typed_are_protected_too():
    """Nobody types ⟦, but if someone does it survives and cannot be confused with ours."""
    text = "I typed ⟦3⟧ and a lone ⟦ bracket at 5"
    masked = mask(text)
    assert masked.text == "I typed ⟦1⟧ and a lone ⟦2⟧ bracket at ⟦3⟧"
    assert unmask(masked.text, masked.values) == text


def test_unmask_restores_placeholders_the_model_moved():
    """Word order changes between languages; placeholders may come back in any order."""
    masked = mask("@ana sent 3 photos 📸")
    assert masked.text == "⟦1⟧ sent ⟦2⟧ photos ⟦3⟧"
    translated = "⟦3⟧ ⟦2⟧ Fotos hat⟦1⟧geschickt"
    assert unmask(translated, masked.values) == "📸 3 Fotos hat@anageschickt"


def test_unmask_keeps_the_spacing_the_translation_chose():
    assert unmask("nos vemos a las⟦1⟧  ⟦2⟧", ("7", "😘")) == "nos vemos a las7  😘"


@pytest.mark.parametrize(
    "translated",
    [
        "nos vemos a las",  # lost
        "nos vemos a las ⟦1⟧ ⟦1⟧",  # duplicated
        "nos vemos a las ⟦ 1⟧",  # altered
        "nos vemos a las ⟦01⟧",  # altered
        "nos vemos a las [1]",  # altered into other brackets
        "nos vemos a las ⟦1",  # half a placeholder
        "nos vemos a las 1⟧",  # half a placeholder
        "nos vemos a las ⟦１⟧",  # full-width digit
        "nos vemos a las ⟦1⟧ ⟦2⟧",  # unknown one appeared
        "nos vemos a las ⟦0⟧",  # unknown one instead
    ],
)
def test_a_damaged_placeholder_is_detected(translated):
    with pytest.raises(PlaceholderError):
        unmask(translated, ("7",))


def test_placeholder_error_is_a_value_error():
    with pytest.raises(ValueError, match="missing"):
        unmask("nothing here", ("7", "8"))


def test_without_protected_leaves_only_the_words():
    text = "hi @ana 😘 see https://x.com/a at 7 or mail bob@example.com"
    assert without_protected(text).split() == ["hi", "see", "at", "or", "mail"]


@given(st.text())
def test_any_text_round_trips(text):
    masked = mask(text)
    assert unmask(masked.text, masked.values) == text


_PIECES = st.sampled_from(
    [
        "see you",
        " at ",
        "7",
        "7:30",
        "3,5",
        ".",
        ", ",
        "https://x.com/a?b=(1)",
        "www.example.org",
        "t.me/x",
        "me@mail.com",
        "@bob",
        "👩‍👩‍👧",
        "🇫🇷",
        "👍🏽",
        "1️⃣",
        "⟦",
        "⟧",
        "⟦2⟧",
        "gr8",
        "\n",
        "¿",
        "ok.me",
    ]
)


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_chat_like_text_round_trips_and_every_bracket_is_a_placeholder(text):
    masked = mask(text)
    assert unmask(masked.text, masked.values) == text
    # Every ⟦ or ⟧ in a masked text belongs to one of our placeholders, numbered 1..n once each.
    assert PLACEHOLDER.sub("", masked.text).count("⟦") == 0
    assert PLACEHOLDER.sub("", masked.text).count("⟧") == 0
    numbers = [int(p[1:-1]) for p in PLACEHOLDER.findall(masked.text)]
    assert numbers == list(range(1, len(masked.values) + 1))


@given(st.lists(_PIECES, max_size=30).map("".join), st.randoms(use_true_random=False))
def test_shuffled_placeholders_restore_the_same_values(text, random):
    """Moving placeholders around moves their values with them, nothing else."""
    masked = mask(text)
    words = PLACEHOLDER.split(masked.text)
    tokens = PLACEHOLDER.findall(masked.text)
    random.shuffle(tokens)
    moved = "".join(w + t for w, t in zip(words, [*tokens, ""], strict=True))
    expected = "".join(
        w + masked.values[int(t[1:-1]) - 1] for w, t in zip(words, tokens, strict=False)
    )
    assert unmask(moved, masked.values) == expected + words[-1]
