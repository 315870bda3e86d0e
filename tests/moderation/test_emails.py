"""E-mail addresses are found plain, spelled out, and without their domain ending, in any
language."""

import pytest

from moderation.emails import find_emails
from moderation.lexicon import resolve_languages
from moderation.normalization import normalize_views


@pytest.mark.parametrize(
    "text",
    [
        "jules88 at gmail",
        "jules.b@hotmail",
        "jules.b (at) yahoo",
        "my email is jules at gmail",
        "jules at gmail",
        "lucia.fdez92 arroba gmail",
        "anya.smirnova94 собака яндекс",
        "jiyoon.kim98 골뱅이 네이버",
    ],
)
def test_an_email_address_without_its_domain_ending_is_found(text):
    [(start, end, _, evidence)] = find_emails(normalize_views(text)[1], resolve_languages(None))
    assert text[start:end] == text.split(" is ")[-1]
    assert evidence.startswith("e-mail address without its domain ending")


def found(text, languages=None):
    return [
        (text[start:end], evidence)
        for start, end, _, evidence in find_emails(
            normalize_views(text)[1], resolve_languages(languages)
        )
    ]


def test_a_plain_name_at_a_mail_service_is_an_address_when_it_is_the_whole_message():
    assert [where for where, _ in found("jules at gmail 😘")] == ["jules at gmail"]
    assert found("meet jules at gmail") == []


@pytest.mark.parametrize("text", ["jules at gmail.com", "jules@gmail.com"])
def test_a_complete_address_is_found_whole_not_as_a_name_without_its_ending(text):
    assert [where for where, _ in found(text)] == [text]
    assert "without its domain ending" not in found(text)[0][1]


@pytest.mark.parametrize(
    "text",
    [
        "meet me at gmail hq",
        "I work at gmail lol",
        "be at home.later",
        "marie et paul.fr",
        "on se voit chez julie.com?",
        "see you at 8.30",
    ],
)
def test_talk_about_mail_services_or_places_is_no_address(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "languages", "address"),
    [
        ("julie at gmail dot com", ["en"], "julie at gmail dot com"),
        ("julie(at)gmail(dot)com", ["en"], "julie(at)gmail(dot)com"),
        ("escríbeme: lucia arroba gmail punto com", ["es"], "lucia arroba gmail punto com"),
        ("pisz: kasia małpa onet kropka pl", ["pl"], "kasia małpa onet kropka pl"),
        ("пиши anya собака mail точка ru", ["ru"], "anya собака mail точка ru"),
        ("yazın elif et gmail nokta com", ["tr"], "elif et gmail nokta com"),
        ("linh a còng gmail chấm com nhé", ["vi"], "linh a còng gmail chấm com"),
    ],
)
def test_an_address_spelled_out_in_the_writers_language_is_found(text, languages, address):
    assert [where for where, _ in found(text, languages)] == [address]


def test_the_words_for_at_of_a_language_not_given_are_not_read_for_full_addresses():
    """The Polish "małpa" is no "@" in a Spanish conversation."""
    assert found("kasia małpa onet kropka pl", ["es"]) == []
