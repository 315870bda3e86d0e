"""E-mail addresses given without their domain ending are found, in any language."""

import pytest

from moderation.mail_names import find_mail_names
from moderation.normalization import normalize_views


@pytest.mark.parametrize(
    "text",
    [
        "jules88 at gmail",
        "jules.b@hotmail",
        "jules.b (at) yahoo",
        "my email is jules at gmail",
        "lucia.fdez92 arroba gmail",
        "anya.smirnova94 собака яндекс",
        "jiyoon.kim98 골뱅이 네이버",
    ],
)
def test_an_email_address_without_its_domain_ending_is_found(text):
    [(start, end, _, evidence)] = find_mail_names(normalize_views(text)[1])
    assert text[start:end] == text.split(" is ")[-1]
    assert evidence.startswith("e-mail address without its domain ending")


@pytest.mark.parametrize(
    "text",
    ["meet me at gmail hq", "jules at gmail.com", "jules@gmail.com", "I work at gmail lol"],
)
def test_a_complete_address_or_talk_about_a_mail_service_is_not_a_mail_name(text):
    assert list(find_mail_names(normalize_views(text)[1])) == []
