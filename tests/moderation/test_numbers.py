"""Phone numbers are found however they are written: digits, spaced, styled, words, short codes."""

import pytest

from moderation.detectors import Finding, scan


def _found(text: str, kind: str, *, region: str | None = None) -> list[str]:
    """The original substrings reported as ``kind``."""
    return [text[f.start : f.end] for f in scan(text, region=region) if f.kind == kind]


def _only(text: str, kind: str, *, region: str | None = None) -> Finding:
    findings = [f for f in scan(text, region=region) if f.kind == kind]
    assert len(findings) == 1, findings
    return findings[0]


# --- phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "region"),
    [
        ("call me +44 7911 123456", "+44 7911 123456", None),
        ("call me 07911 123456", "07911 123456", "GB"),
        ("my number (212) 555-0100", "(212) 555-0100", "US"),
        ("my number 212.555.0100", "212.555.0100", "US"),
        ("ruf an: 0171 1234567", "0171 1234567", "DE"),
        ("mon num +33 6 12 34 56 78", "+33 6 12 34 56 78", None),
        ("zap +55 11 91234-5678", "+55 11 91234-5678", None),
        ("(11) 91234-5678 me chama", "(11) 91234-5678", "BR"),
        ("text 0 7 9 1 1 1 2 3 4 5 6 now", "0 7 9 1 1 1 2 3 4 5 6", "GB"),
        ("text 0 7 9 1 1 1 2 3 4 5 6 now", "0 7 9 1 1 1 2 3 4 5 6", None),
        ("call09050000327 now", "09050000327", None),
        ("call me +1 (212) 555-0100", "+1 (212) 555-0100", "de"),
    ],
)
def test_phone_numbers_in_several_formats_and_regions(text, number, region):
    assert _found(text, "phone", region=region) == [number]


def test_phone_with_region_hint_is_more_confident_than_a_bare_digit_run():
    with_hint = _only("call 07911 123456", "phone", region="GB")
    without = _only("call 07911 123456", "phone")
    assert with_hint.confidence > without.confidence


def test_unknown_region_hint_is_ignored():
    assert _found("call +44 7911 123456", "phone", region="XX") == ["+44 7911 123456"]


@pytest.mark.parametrize(
    "text",
    [
        "see you at 7",
        "I paid 25.50 for it",
        "it was 1,299.99 in the end",
        "meet at 10-12",
        "born 21/05/1995, moved 2005-12-21",
        "the meeting is on 2024-03-15 at 14:30",
        "2023-10-12 14:30",
        "order 55321 is late",
        "I scored 12345 points",
        "room 1204 floor 12",
        "3-2 at halftime",
        "ok lar... joking wif u oni",
    ],
)
def test_times_prices_dates_and_short_numbers_are_no_phone(text):
    for region in (None, "US", "GB", "DE", "BR"):
        assert _found(text, "phone", region=region) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("call ０７９１１ １２３４５６", "０７９１１ １２３４５６"),
        ("call 𝟎𝟕𝟗𝟏𝟏 𝟏𝟐𝟑𝟒𝟓𝟔", "𝟎𝟕𝟗𝟏𝟏 𝟏𝟐𝟑𝟒𝟓𝟔"),
        ("call 0️⃣7️⃣9️⃣1️⃣1️⃣ 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣", "0️⃣7️⃣9️⃣1️⃣1️⃣ 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣"),
        ("call me 0.7.9.1.1.1.2.3.4.5.6", "0.7.9.1.1.1.2.3.4.5.6"),
        ("call me 0-7-9-1-1-1-2-3-4-5-6", "0-7-9-1-1-1-2-3-4-5-6"),
        ("call 0791\u200b1 123\u200b456", "0791\u200b1 123\u200b456"),
    ],
)
def test_styled_keycap_spaced_and_split_digits_are_still_a_phone(text, number):
    assert _found(text, "phone", region="GB") == [number]


SPELLED = [
    ("call me zero seven nine one one one two three four five six", "07911123456"),
    ("my number: zero seven nine one one - one two three four five six", "07911123456"),
    ("oh seven nine double one, one two three four five six", "07911123456"),
    ("mi número es seis uno dos tres cuatro cinco seis siete ocho", "612345678"),
    ("mon numéro: zéro six un deux trois quatre cinq six sept huit", "0612345678"),
    ("meine Nummer null eins sieben eins eins zwei drei vier fünf sechs sieben", "01711234567"),
    ("il mio numero tre quattro sette uno due tre quattro cinque sei sette", "3471234567"),
    ("meu número nove um dois três quatro cinco seis sete oito", "912345678"),
    ("07 nine one one, 123 four five six", "07911123456"),
]


@pytest.mark.parametrize(("text", "digits"), SPELLED)
def test_numbers_spelled_in_words_are_a_phone_in_six_languages(text, digits):
    finding = _only(text, "phone")
    assert finding.evidence == f"number spelled out in words ({digits})"
    # The span is the spelled number itself, up to the end of the message.
    assert finding.end == len(text)
    assert not text[finding.start : finding.end].lower().startswith(("call", "my", "mi", "mon"))


@pytest.mark.parametrize(
    "text",
    [
        "one or two of them, maybe three",
        "tres o cuatro personas, cinco como mucho",
        "un, deux, trois, nous irons au bois",
        "eins zwei drei vier, Eckstein",
        "uno due tre, stella!",
        "um dois três, lá vamos nós",
        "I have two kids, one is six and one is nine",
    ],
)
def test_a_few_number_words_in_prose_are_no_phone(text):
    assert _found(text, "phone") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("text WIN to 87121 now", "87121"),
        ("Txt ansr to 82277. £1.50", "82277"),
        ("send STOP to 62468", "62468"),
        ("txt CHAT to No: 86688", "86688"),
        ("For FREE services text GO to: 69988", "69988"),
        ("SKY OPT OUT to 88088", "88088"),
        ("text money 2 88600 to claim", "88600"),
        ("envía GANA al 12345", "12345"),
        ("envoie JEU au 81212", "81212"),
        ("sende START an 44844", "44844"),
        ("invia VINCI al 48444", "48444"),
    ],
)
def test_premium_short_codes_after_an_instruction_are_contact_numbers(text, code):
    finding = _only(text, "phone")
    assert text[finding.start : finding.end] == code
    assert finding.evidence == "premium-rate short code"


@pytest.mark.parametrize(
    "text",
    [
        "we go for the 1120 to 1205 one?",
        "ordered from 81303 last week",
        "text me at 5",
        "I'll send 2 to 3 of them",
        "the score went from 12345 to 12346",
    ],
)
def test_numbers_without_an_instruction_to_message_them_are_no_short_code(text):
    assert _found(text, "phone") == []
