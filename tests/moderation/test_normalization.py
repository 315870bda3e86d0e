"""Normalization folds disguises away for matching and maps every span back to the original."""

from hypothesis import given
from hypothesis import strategies as st

from moderation.normalization import normalize


def _original_of(text: str, needle: str) -> str:
    """The original text behind the first occurrence of ``needle`` in the normalized text."""
    normalized = normalize(text)
    index = normalized.text.index(needle)
    start, end = normalized.to_original(index, index + len(needle))
    return text[start:end]


def test_plain_ascii_is_lowercased_with_identity_positions():
    normalized = normalize("Hello World")
    assert normalized.text == "hello world"
    assert normalized.to_original(6, 11) == (6, 11)


def test_case_and_spacing_can_be_kept_for_case_sensitive_identifiers():
    normalized = normalize("Pay 1BoatSLRHtKNngkdXEeobR76b53LETtpyT", lower=False, join_spaced=False)
    assert normalized.text == "Pay 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"


def test_zero_width_characters_are_removed_but_spans_cover_them():
    text = "add me on tele\u200bgr\u200dam"
    assert normalize(text).text == "add me on telegram"
    assert _original_of(text, "telegram") == "tele\u200bgr\u200dam"


def test_fullwidth_and_mathematical_letters_fold_to_ascii():
    assert normalize("ｔｅｌｅｇｒａｍ").text == "telegram"
    assert normalize("𝐭𝐞𝐥𝐞𝐠𝐫𝐚𝐦 𝓌𝒽𝒶𝓉𝓈𝒶𝓅𝓅").text == "telegram whatsapp"


def test_cyrillic_and_greek_lookalikes_fold_to_latin():
    text = "add me on t\u0435l\u0435gr\u0430m"  # Cyrillic е and а
    assert normalize(text).text == "add me on telegram"
    assert _original_of(text, "telegram") == "t\u0435l\u0435gr\u0430m"
    assert normalize("\u039a\u0399\u039a me").text == "kik me"  # Greek capitals


def test_small_capitals_and_regional_indicators_fold_to_ascii():
    assert normalize("ᴛᴇʟᴇɢʀᴀᴍ").text == "telegram"
    assert normalize("\U0001f1f8\U0001f1f3\U0001f1e6\U0001f1f5").text == "snap"


def test_accents_are_dropped_and_the_span_keeps_the_combining_mark():
    assert normalize("Agrégame en Telegram").text == "agregame en telegram"
    text = "e\u0301cris-moi"  # e + combining acute accent
    assert normalize(text).text == "ecris-moi"
    assert _original_of(text, "ecris") == "e\u0301cris"


def test_letters_spaced_one_by_one_are_rejoined():
    text = "add me on t e l e g r a m now"
    assert normalize(text).text == "add me on telegram now"
    assert _original_of(text, "telegram") == "t e l e g r a m"


def test_letters_split_by_dots_or_dashes_are_rejoined():
    assert normalize("w.h.a.t.s.a.p.p").text == "whatsapp"
    assert normalize("s-n-a-p me").text == "snap me"
    assert normalize("k_i_k").text == "kik"


def test_two_single_letters_and_ordinary_words_are_left_alone():
    assert normalize("e.g. a nice day").text == "e.g. a nice day"
    assert normalize("t.me/julie").text == "t.me/julie"


def test_spaced_letter_join_can_be_switched_off():
    assert normalize("t e l e g r a m", join_spaced=False).text == "t e l e g r a m"


def test_empty_text():
    normalized = normalize("")
    assert normalized.text == ""
    assert normalized.to_original(0, 0) == (0, 0)


def test_out_of_range_spans_are_clamped():
    normalized = normalize("tеlеgram")
    assert normalized.to_original(-5, 100) == (0, 8)


@given(st.text(), st.integers(0, 60), st.integers(0, 60))
def test_every_normalized_span_maps_inside_the_original(text, a, b):
    for lower, join in ((True, True), (False, False)):
        normalized = normalize(text, lower=lower, join_spaced=join)
        start, end = normalized.to_original(min(a, b), max(a, b))
        assert 0 <= start <= end <= len(text)
