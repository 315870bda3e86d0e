"""Links to well-known media are allowed; every other link keeps its action, however it is
dressed up to look like one of them."""

import pytest

from moderation.detectors import scan
from moderation.policy import Action, check_text

MEDIA_LINKS = [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "youtube.com/watch?v=dQw4w9WgXcQ",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://music.youtube.com/watch?v=dQw4w9WgXcQ",
    "youtu.be/dQw4w9WgXcQ",
    "https://YouTube.com/shorts/abc",
    "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    "spotify.com",
    "https://music.apple.com/us/album/abbey-road/1441164426",
    "https://soundcloud.com/artist/song",
    "https://www.netflix.com/title/80100172",
    "imdb.com/title/tt0111161",
    "https://en.wikipedia.org/wiki/Paris",
    "https://de.wikipedia.org/wiki/Berlin.",
]


@pytest.mark.parametrize("link", MEDIA_LINKS)
def test_links_to_well_known_media_are_allowed(link):
    text = f"have you seen this? {link}"
    assert [f for f in scan(text) if f.kind in ("url", "messenger_handle")] == []
    assert check_text(text).action is Action.ALLOW


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("look youtube.com.evil.io/watch?v=x", "youtube.com.evil.io/watch?v=x"),
        ("look https://www.youtube.com.evil.io/", "https://www.youtube.com.evil.io/"),
        ("look evil-youtube.com/watch", "evil-youtube.com/watch"),
        ("look notyoutube.com", "notyoutube.com"),
        ("look https://youtube.com@evil.io/x", "https://youtube.com@evil.io/x"),
        ("look https://evil.io\\@youtube.com/x", "https://evil.io\\@youtube.com/x"),
        ("look https://youtube.com:443@evil.io", "https://youtube.com:443@evil.io"),
        ("look https://y\u043eutube.com/watch", "https://y\u043eutube.com/watch"),  # Cyrillic о
        ("look https://you\u200btube.com/watch", "https://you\u200btube.com/watch"),
        ("look wikipedia.org.ru/wiki", "wikipedia.org.ru/wiki"),
        ("look apple.com/music", "apple.com/music"),
    ],
)
def test_a_link_that_only_looks_like_a_media_one_keeps_its_action(text, link):
    # "youtube.com@evil.io" reads as an e-mail address as well: reported either way.
    found = [text[f.start : f.end] for f in scan(text) if f.kind in ("url", "email")]
    assert found == [link] or (found and "@" in link and found[0] in link)
    assert check_text(text).action is Action.FLAG


def test_only_the_other_link_of_a_message_is_reported():
    text = "the song youtu.be/dQw4w9WgXcQ and my site evil.io"
    assert [(f.kind, text[f.start : f.end]) for f in scan(text)] == [("url", "evil.io")]


def test_a_media_link_read_out_in_words_is_allowed_too():
    assert [f for f in scan("go to youtube dot com slash watch") if f.kind == "url"] == []
    assert [f for f in scan("go to evilsite dot com slash watch") if f.kind == "url"]


def test_messenger_links_stay_contact_details():
    assert [f.kind for f in scan("t.me/julie and youtu.be/x")] == ["messenger_handle"]


def test_the_allowlist_is_a_setting(settings):
    settings.MODERATION_MEDIA_DOMAINS = ["example.org"]
    assert [f for f in scan("see https://www.example.org/x") if f.kind == "url"] == []
    assert [f for f in scan("see https://youtu.be/x") if f.kind == "url"]
    settings.MODERATION_MEDIA_DOMAINS = []
    assert [f for f in scan("see https://en.wikipedia.org/wiki/Paris") if f.kind == "url"]
    settings.MODERATION_MEDIA_DOMAINS = None  # not set: the well-known media
    assert [f for f in scan("see https://en.wikipedia.org/wiki/Paris") if f.kind == "url"] == []
