"""What is slipped into a platform's name is taken out only where a name comes of it."""

import pytest

from moderation.normalization import normalize_views
from moderation.platform_names import mend_platform_names


def _mended(text: str) -> str:
    return mend_platform_names(normalize_views(text)[2]).text


@pytest.mark.parametrize(
    ("text", "mended"),
    [
        # An emoji or symbol slipped between the letters of a name.
        ("加我v❤️信", "加我 v信"),
        ("加我微❤信吧", "加我微信吧"),
        ("加我 微 ★ 信", "加我 微信"),
        ("카❤톡 추가해줘", "카톡 추가해줘"),
        ("add me on insta❤gram", "add me on instagram"),
        ("add me on tele•gram", "add me on telegram"),
        ("add me on telegra.m", "add me on telegram"),
        ("add me on whats-app", "add me on whatsapp"),
        ("dodaj mnie na telegra.mie", "dodaj mnie na telegramie"),  # an ending after the name
        # A symbol written for a letter.
        ("add me on sn*pchat", "add me on snapchat"),
        ("add me on t€legram", "add me on telegram"),
        # A digit inside a name in a script other than Latin, or for its last letter.
        ("كلمني وتس4ب", "كلمني وتساب"),
        ("ضيفني انست4", "ضيفني انستا"),
        ("व्हाट्स4प पर बात करो", "व्हाट्सअप पर बात करो"),  # "व्हाट्सएप" too: the first
        ("加我微1信", "加我微信"),
    ],
)
def test_what_is_slipped_into_a_name_is_taken_out_or_read_as_its_letter(text, mended):
    assert _mended(text) == mended


@pytest.mark.parametrize(
    "text",
    [
        "I love ❤ you",
        "I ❤ G-Eazy",
        "Q&A at 5, R&B after",
        "T&G meeting, S&C report",
        "e.g. the u.s. and the u.k.",
        "don't, won't, what's your name",
        "parle-moi de toi",
        "it costs 1.5k, see t.me/julie or julie.tele@gmail.com",
        "a/b testing, and/or 24/7",
        "稍微，信任我",  # a comma ends a clause: no "微信" across it
        "我们第1章见",
        "room 3b, mp3, 6pm",
        "سنة 2024 كانت صعبة",
    ],
)
def test_symbols_between_words_that_make_no_name_stay(text):
    view = normalize_views(text)[2]
    assert mend_platform_names(view) is view


def test_a_mended_name_still_maps_to_what_the_sender_typed():
    text = "add me on tele❤️gr❤️am now"
    view = mend_platform_names(normalize_views(text)[2])
    start = view.text.index("telegram")
    assert text[slice(*view.to_original(start, start + len("telegram")))] == "tele❤️gr❤️am"
