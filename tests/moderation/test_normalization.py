"""Normalization folds disguises away for matching and maps every span back to the original."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.normalization import around, mixed_script_words, normalize, normalize_views
from moderation.numbers import spell_digits


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


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ⓣⓔⓛⓔⓖⓡⓐⓜ", "telegram"),  # circled
        ("⒯⒠⒧⒠⒢⒭⒜⒨", "telegram"),  # parenthesized
        ("🅣🅔🅛🅔🅖🅡🅐🅜", "telegram"),  # negative circled
        ("𝔱𝔢𝔩𝔢𝔤𝔯𝔞𝔪 𝕥𝕖𝕝𝕖𝕘𝕣𝕒𝕞", "telegram telegram"),  # fraktur, double-struck
        ("1️⃣5️⃣5️⃣0️⃣", "1550"),  # keycaps
        ("𝟎𝟕𝟗 ０７９ ٠٧٩ ❶❷", "079 079 079 12"),  # styled, fullwidth, Arabic-Indic, dingbat
        ("w\u200bh\u200ca\u200dt\u2060s\ufeffa\u00adpp", "whatsapp"),  # zero-width, soft hyphen
        ("\u202atele\u202cgram\u2066", "telegram"),  # bidi embedding and isolate controls
        ("te\ufe0fle\ufe0egram", "telegram"),  # variation selectors
        ("Überweisung ſnap ßtraße", "uberweisung snap sstrasse"),
    ],
)
def test_styled_invisible_and_keycap_characters_fold_to_plain_ascii(text, folded):
    assert normalize(text).text == folded


def test_other_scripts_keep_their_letters_and_emoji_stay():
    # Only look-alikes fold: a Russian or Chinese message is not transliterated into words
    # that nobody wrote.
    assert "ж" in normalize("жду тебя").text
    assert normalize("你好 😀").text == "你好 😀"


def test_right_to_left_override_is_read_in_display_order():
    text = "\u202emargelet no em dda"
    normalized = normalize(text)
    assert normalized.text == "add me on telegram"
    assert _original_of(text, "telegram") == "margelet"


def test_case_sensitive_view_folds_look_alikes_to_the_same_case():
    text = "1\u0410\u0430Bc \u039a\u0399\u039a"  # Cyrillic А а in a Latin word, Greek ΚΙΚ
    assert normalize(text, lower=False, join_spaced=False).text == "1AaBc KIK"


def test_replace_spans_maps_new_text_to_what_it_replaced():
    text = "call zero seven nine"
    normalized = normalize(text).replace_spans([(5, 20, "079")])
    assert normalized.text == "call 079"
    assert normalized.to_original(5, 8) == (5, 20)
    assert normalized.to_original(0, 4) == (0, 4)


def test_digits_spelled_in_words_read_as_digits_in_six_languages():
    for text, digits in [
        ("zero one five five five one two three four", "015551234"),
        ("cero uno cinco cinco cinco uno dos tres cuatro", "015551234"),
        ("zéro un cinq cinq cinq un deux trois quatre", "015551234"),
        ("null eins fünf fünf fünf eins zwei drei vier", "015551234"),
        ("zero uno cinque cinque cinque uno due tre quattro", "015551234"),
        ("zero um cinco cinco cinco um dois três quatro", "015551234"),
    ]:
        view = spell_digits(normalize(text, lower=False, join_spaced=False))
        assert view.text == digits, text
        assert view.to_original(0, len(view.text)) == (0, len(text))


def test_mixed_script_words_are_found_but_separate_scripts_are_fine():
    text = "add me on t\u0435l\u0435gram, Привет John, ΚΙΚ"
    assert [text[s:e] for s, e in mixed_script_words(text)] == ["t\u0435l\u0435gram"]
    assert mixed_script_words("plain ascii") == []


def test_around_merges_windows_and_never_cuts_a_word():
    text = "aaaa bbbb cccc dddd"
    assert around([(5, 9)], text, before=2, after=2) == [(3, 14)]
    assert around([(0, 1), (5, 6)], text, before=1, after=1) == [(0, 9)]
    assert around([], text, before=5, after=5) == []


@given(st.text(), st.integers(0, 60), st.integers(0, 60))
def test_every_normalized_span_maps_inside_the_original(text, a, b):
    for lower, join in ((True, True), (False, False)):
        normalized = normalize(text, lower=lower, join_spaced=join)
        start, end = normalized.to_original(min(a, b), max(a, b))
        assert 0 <= start <= end <= len(text)


_DISGUISES = st.sampled_from(
    ["\u200b", "\u202e", "\u202c", "\u2067", "\u2069", "\ufe0f", "\u20e3", "\u0301", "İ"]
    + ["\u0435", "Κ", "ｔ", "𝐭", "⒯", "🅣", "\U0001f1f9", "ß", "ﬁ", "٣", " ", ".", "a", "1"]
)
_TEXT = st.one_of(st.text(), st.lists(_DISGUISES, max_size=30).map("".join))


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.data())
def test_normalization_never_raises_and_nonempty_spans_map_to_nonempty_original(text, data):
    for normalized in (*normalize_views(text), normalize(text)):
        if not normalized.text:
            continue
        start = data.draw(st.integers(0, len(normalized.text) - 1))
        end = data.draw(st.integers(start + 1, len(normalized.text)))
        original_start, original_end = normalized.to_original(start, end)
        assert 0 <= original_start < original_end <= len(text)
        assert text[original_start:original_end]


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_the_three_views_match_normalize_with_the_same_options(text):
    exact, folded, words = normalize_views(text)
    assert exact.text == normalize(text, lower=False, join_spaced=False).text
    assert folded.text == normalize(text, join_spaced=False).text
    assert words.text == normalize(text).text


# --- scripts: native text stays native, disguises fold ---------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Скинь номер, пиши в телегу или вотсап", "скинь номер, пиши в телегу или вотсап"),
        ("мой телеграм", "мой телеграм"),  # й keeps its breve
        ("сор рос ехе", "сор рос ехе"),  # all look-alike letters, yet Russian words
        ("ещё", "еще"),  # ё and е are one letter for matching, as Russian writers treat them
        ("Γεια σου", "γεια σου"),
        ("ΚΑΛΗΜΕΡΑ", "καλημερα"),
    ],
)
def test_text_written_in_its_own_script_is_matched_natively(text, folded):
    assert normalize(text).text == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ギフトカード", "ギフトカード"),
        ("キ\u3099フトカート\u3099", "ギフトカード"),  # voiced marks typed as combining marks
        ("ｷﾞﾌﾄｶｰﾄﾞ", "ギフトカード"),  # half-width katakana with half-width voiced marks
        ("ぱぴぷ", "ぱぴぷ"),
        ("카톡 아이디", "카톡 아이디"),  # Hangul stays composed
        ("ㅋㅋㅋ", "ㅋㅋㅋ"),
        ("पैसे भेजो", "पैसे भेजो"),  # Devanagari vowel signs are letters' parts, not accents
        ("โอนเงินให้หน่อย", "โอนเงินให้หน่อย"),  # Thai vowels and tone marks
        ("chuyển tiền", "chuyen tien"),  # Latin accents still fold, in every language
        ("مَالٌ", "مال"),  # Arabic short vowel marks are optional: dropped
        ("مـــال", "مال"),  # as is the tatweel that stretches a word
    ],
)
def test_marks_that_belong_to_a_script_are_kept_and_optional_ones_dropped(text, folded):
    assert normalize(text).text == folded


def test_a_composed_kana_maps_back_to_everything_the_sender_typed():
    text = "ｷﾞﾌﾄｶｰﾄﾞ"
    normalized = normalize(text)
    assert normalized.to_original(0, 1) == (0, 2)
    assert normalized.to_original(0, len(normalized.text)) == (0, len(text))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("t\u0435l\u0435gr\u0430m", "telegram"),  # a Latin word with Cyrillic е, а
        ("т\u0435л\u0435г\u0430", "телега"),  # a Russian word is not touched
        ("тeлeгa", "телега"),  # a Russian word with Latin e, a: folded to Cyrillic
        ("cкинь", "скинь"),  # Latin c
        ("ΚΙΚ", "kik"),  # a known name written wholly in Greek look-alikes
        ("ѕкуре", "skype"),  # and in Cyrillic ones
        ("Ѕnарсhаt", "snapchat"),
    ],
)
def test_look_alikes_fold_only_inside_mixed_words_and_disguised_names(text, folded):
    assert normalize(text).text == folded


def test_a_reverse_disguise_maps_back_to_the_original_word():
    text = "пиши в тeлeгу"
    normalized = normalize(text)
    index = normalized.text.index("телегу")
    assert text[slice(*normalized.to_original(index, index + 6))] == "тeлeгу"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("加我telegram", "加我 telegram"),
        ("我的微信号abc123", "我的微信号 abc123"),
        ("telegramで連絡して", "telegram で連絡して"),
        ("카톡id는 julie88", "카톡 id 는 julie88"),
        ("แอดไลน์abc", "แอดไลน์ abc"),
        ("邮箱julia@gmail.com谢谢", "邮箱 julia@gmail.com 谢谢"),
    ],
)
def test_latin_and_cjk_written_together_get_a_word_boundary(text, folded):
    assert normalize(text).text == folded
    assert normalize(text, join_spaced=False).text == folded


def test_the_boundary_maps_back_into_the_original_and_identifiers_keep_their_text():
    text = "加我telegram"
    normalized = normalize(text)
    index = normalized.text.index("telegram")
    assert text[slice(*normalized.to_original(index, index + 8))] == "telegram"
    assert text[slice(*normalized.to_original(0, len(normalized.text)))] == text
    assert normalize(text, lower=False, join_spaced=False).text == text


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("add me on t3l3gram", "add me on telegram"),
        ("my wh4ts4pp", "my whatsapp"),
        ("te1egram", "telegram"),
        ("1nsta", "insta"),
        ("sn@pchat", "snapchat"),
        ("@dd m3 on kik", "add me on kik"),
        ("5end me ca$h", "send me cash"),
        ("$end m0ney", "send money"),
    ],
)
def test_leetspeak_folds_in_platform_names_and_intent_words(text, folded):
    assert normalize(text).text == folded


@pytest.mark.parametrize(
    "text",
    [
        "call me 07911 123456",
        "see you at 7, room 305",
        "b4 7pm",
        "l33t h4x0r",  # leet, but no name or intent word
        "4x4 and 3d",
        "julie_88@gmail.com",
        "$50 or 40$",
    ],
)
def test_leetspeak_leaves_numbers_and_other_words_alone(text):
    assert normalize(text).text == text.lower()


def test_leetspeak_folds_only_in_the_words_view():
    exact, folded, words = normalize_views("add me on t3l3gram 0791")
    assert words.text == "add me on telegram 0791"
    assert folded.text == "add me on t3l3gram 0791"
    assert exact.text == "add me on t3l3gram 0791"
