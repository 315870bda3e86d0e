"""Segmentation: long messages split at sentence ends into pieces that join back exactly."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from translation.segmentation import Segment, _sentences, join_segments, split_sentences


def texts(segments: list[Segment]) -> list[str]:
    return [segment.text for segment in segments]


def rejoined(segments: list[Segment]) -> str:
    return join_segments(texts(segments), segments)


def test_text_within_the_limit_is_one_segment():
    text = "Hello there. How are you? I'm fine!"
    assert split_sentences(text, max_chars=len(text)) == [Segment(text, "")]
    assert split_sentences(text, max_chars=600) == [Segment(text, "")]


def test_trailing_whitespace_is_kept_as_the_separator():
    """Models trim whitespace, so it is kept aside and put back on join."""
    assert split_sentences("see you soon!\n\n", max_chars=600) == [Segment("see you soon!", "\n\n")]
    assert split_sentences("", max_chars=10) == [Segment("", "")]
    assert split_sentences("   ", max_chars=1) == [Segment("", "   ")]


def test_long_text_splits_at_sentence_ends_and_packs_greedily():
    text = "Hello there. How are you? I'm fine! And you?"
    segments = split_sentences(text, max_chars=25)
    assert segments == [
        Segment("Hello there. How are you?", " "),
        Segment("I'm fine! And you?", ""),
    ]
    assert split_sentences(text, max_chars=13) == [
        Segment("Hello there.", " "),
        Segment("How are you?", " "),
        Segment("I'm fine!", " "),
        Segment("And you?", ""),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Mr. Smith met Dr. Jones at St. Mary's.",
        "Bring snacks, e.g. chips and i.e. nothing heavy.",
        "The book is by J. K. Rowling and I loved it.",
        "It costs 3.5 euros or 4,5 dollars today.",
        "I was thinking... maybe we could go out.",
        "Ven con la Sra. García y el Sr. López.",
    ],
)
def test_abbreviations_initials_decimals_and_trailing_off_do_not_end_a_sentence(sentence):
    """Checked on the sentence list itself: packing would hide a wrong boundary."""
    assert _sentences(f"{sentence} {sentence}") == [(sentence, " "), (sentence, "")]


def test_an_ellipsis_before_a_new_sentence_ends_one():
    text = "Well... you know. Maybe… ¿vienes o no?"
    assert _sentences(text) == [
        ("Well... you know.", " "),
        ("Maybe…", " "),
        ("¿vienes o no?", ""),
    ]
    assert _sentences("Wait... What?") == [("Wait...", " "), ("What?", "")]
    assert texts(split_sentences(text, max_chars=20)) == [
        "Well... you know.",
        "Maybe… ¿vienes o no?",
    ]


def test_spanish_openings_stay_with_their_sentence():
    text = "Hola. ¿Qué tal? ¡Genial! Y tú, ¿qué haces hoy?"
    assert texts(split_sentences(text, max_chars=21)) == [
        "Hola. ¿Qué tal?",
        "¡Genial!",
        "Y tú, ¿qué haces hoy?",
    ]


def test_cjk_sentences_split_without_spaces():
    text = "你好。我很好！你呢？今天天气很好。"
    segments = split_sentences(text, max_chars=9)
    assert texts(segments) == ["你好。我很好！", "你呢？", "今天天气很好。"]
    assert [s.separator for s in segments] == ["", "", ""]


def test_newlines_end_sentences_and_keep_their_whitespace():
    text = "first line without a stop\nsecond one\n\nnew paragraph here"
    segments = split_sentences(text, max_chars=29)
    assert segments == [
        Segment("first line without a stop", "\n"),
        Segment("second one", "\n\n"),
        Segment("new paragraph here", ""),
    ]


def test_a_newline_after_an_abbreviation_still_ends_the_sentence():
    text = "ask the Dr.\nok see you later then"
    assert texts(split_sentences(text, max_chars=21)) == ["ask the Dr.", "ok see you later then"]


def test_closing_quotes_stay_with_their_sentence():
    text = 'He said "stop." Then he left.'
    assert texts(split_sentences(text, max_chars=20)) == ['He said "stop."', "Then he left."]


def test_a_long_sentence_is_cut_after_a_clause_mark():
    text = "I went to the market, bought some apples and pears, then walked home slowly"
    segments = split_sentences(text, max_chars=40)
    assert texts(segments) == [
        "I went to the market,",
        "bought some apples and pears,",
        "then walked home slowly",
    ]
    assert rejoined(segments) == text


def test_a_long_sentence_without_clause_marks_is_cut_at_the_last_space():
    text = "one two three four five six seven eight nine ten"
    assert texts(split_sentences(text, max_chars=15)) == [
        "one two three",
        "four five six",
        "seven eight",
        "nine ten",
    ]


def test_cjk_text_without_spaces_is_cut_after_a_comma():
    text = "我们明天去公园，然后去吃饭，最后回家休息"
    assert texts(split_sentences(text, max_chars=8)) == [
        "我们明天去公园，",
        "然后去吃饭，",
        "最后回家休息",
    ]


def test_a_word_longer_than_the_limit_is_hard_split():
    text = "x" * 25
    assert texts(split_sentences(text, max_chars=10)) == ["x" * 10, "x" * 10, "x" * 5]


def test_a_hard_split_keeps_emoji_sequences_and_placeholders_whole():
    family = "👨‍👩‍👧‍👦"  # 7 code points, one grapheme
    text = "ab" + family + "cd"
    assert texts(split_sentences(text, max_chars=8)) == ["ab", family + "c", "d"]
    masked = "abc⟦12⟧def⟦3⟧"
    assert texts(split_sentences(masked, max_chars=5)) == ["abc", "⟦12⟧d", "ef⟦3⟧"]


def test_join_uses_the_translated_pieces_and_original_separators():
    segments = split_sentences("Hello there.\n\nHow are you?  ", max_chars=13)
    assert join_segments(["Hola.", "¿Qué tal?"], segments) == "Hola.\n\n¿Qué tal?  "


def test_join_rejects_a_wrong_number_of_pieces():
    segments = split_sentences("Hello there. How are you?", max_chars=13)
    with pytest.raises(ValueError):
        join_segments(["Hola."], segments)


def test_max_chars_must_be_positive():
    with pytest.raises(ValueError):
        split_sentences("hello", max_chars=0)


_CHAT = st.lists(
    st.sampled_from(
        list("ab AZ.,!?;…¿¡。！？，、\n\t\"'”)⟦⟧19")
        + ["Mr.", "e.g.", "...", "3.5", " J. ", "👨‍👩‍👧‍👦", "🇪🇸", "e\u0301", "\r\n", "⟦12⟧"]
    ),
    max_size=120,
).map("".join)


def _check(text: str, max_chars: int) -> list[Segment]:
    segments = split_sentences(text, max_chars=max_chars)
    assert rejoined(segments) == text
    assert all(len(segment.text) <= max_chars for segment in segments)
    assert all(not segment.separator or segment.separator.isspace() for segment in segments)
    if len(segments) > 1:
        assert all(segment.text for segment in segments)
    return segments


@given(_CHAT, st.integers(min_value=1, max_value=80))
@example("Mr. Smith. ", 1)
@example("  \n  ", 1)
@example("a\u0301" * 5, 1)
def test_chat_like_text_joins_back_exactly_within_the_limit(text, max_chars):
    _check(text, max_chars)


@given(st.text(max_size=400), st.integers(min_value=1, max_value=200))
def test_any_text_joins_back_exactly_within_the_limit(text, max_chars):
    _check(text, max_chars)


_WORDS = st.lists(
    st.sampled_from(["hello", "world", "see", "you", "soon", "coffee", "today", "friends"]),
    min_size=1,
    max_size=8,
)
_SENTENCE = st.builds(
    lambda words, comma, end: (", " if comma else " ").join(words).capitalize() + end,
    _WORDS,
    st.booleans(),
    st.sampled_from([".", "!", "?", "?!", "。", "..."]),
)


@given(st.lists(_SENTENCE, min_size=1, max_size=15), st.sampled_from([" ", "  ", "\n", "\n\n"]))
def test_sentences_that_fit_are_never_cut_and_are_packed_greedily(sentences, gap):
    text = gap.join(sentences)
    max_chars = max(len(s) for s in sentences) + 10
    segments = _check(text, max_chars)
    # Each piece is a run of whole sentences...
    pieces = [segment.text for segment in segments]
    assert gap.join(pieces) == text
    assert all(piece[0].isupper() and piece[-1] in ".!?。" for piece in pieces)
    # ...and no two neighbours would have fitted together.
    for left, right in zip(segments, segments[1:], strict=False):
        assert len(left.text) + len(left.separator) + len(right.text) > max_chars
