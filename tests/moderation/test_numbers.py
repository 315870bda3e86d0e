"""Phone numbers are found however they are written: digits, spaced, styled, words, short codes."""

import pytest

from moderation.detectors import Finding, scan
from moderation.numbers import language_regions


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


# --- the region a national number is read in -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "regions", "where"),
    [
        ("llámame al 612 34 56 78", "612 34 56 78", ("ES",), "ES"),
        ("ruf mich an 030 1234567", "030 1234567", ("DE",), "DE"),
        ("liga 912 345 678", "912 345 678", ("PT",), "PT"),
        ("zadzwoń 512 345 678", "512 345 678", ("PL",), "PL"),
        # Read in a later region when the earlier ones do not take it.
        ("me chama no (11) 97788-3842", "(11) 97788-3842", ("PT", "BR"), "BR"),
        ("llámame al 612 34 56 78", "612 34 56 78", ("US", "GB", "ES"), "ES"),
    ],
)
def test_a_local_number_is_read_in_the_regions_of_the_conversations_languages(
    text, number, regions, where
):
    assert [f.evidence for f in scan(text) if f.evidence.endswith(f"({where})")] == []
    [finding] = [f for f in scan(text, regions=regions) if f.kind == "phone"]
    assert text[finding.start : finding.end] == number
    assert finding.evidence == f"phone number ({where})"


def test_the_numbers_own_prefix_wins_over_every_hint():
    [finding] = [f for f in scan("call +44 7911 123456", region="ES", regions=("DE",))]
    assert finding.evidence == "phone number (GG)" or finding.evidence == "phone number (GB)"


def test_an_international_number_written_with_00_is_read_by_its_own_prefix():
    text = "call 0044 7911 123456"
    for region in (None, "US", "ES"):
        assert _found(text, "phone", region=region) == ["0044 7911 123456"]


def test_the_senders_country_comes_before_the_conversations_languages():
    # 06 12 34 56 78 is a mobile number in France and in the Netherlands alike.
    text = "bel me 0612345678"
    [first] = [f for f in scan(text, region="NL", regions=("FR",)) if f.kind == "phone"]
    [second] = [f for f in scan(text, region="FR", regions=("NL",)) if f.kind == "phone"]
    assert first.evidence == "phone number (NL)"
    assert second.evidence == "phone number (FR)"


def test_languages_give_their_regions_in_order():
    assert language_regions(["es", "de"])[:2] == ("ES", "MX")
    assert "DE" in language_regions(["es", "de"])
    assert language_regions(["pt-BR"])[0] == "BR"
    assert language_regions(["xx", ""]) == ()
    regions = language_regions(["ru", "uk", "tr", "ja", "ko", "zh", "hi", "id", "vi", "th", "tl"])
    for region in ("RU", "UA", "TR", "JP", "KR", "CN", "IN", "ID", "VN", "TH", "PH"):
        assert region in regions


# --- numbers in disguise -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "region"),
    [
        ("call me O7911 123456", "O7911 123456", "GB"),
        ("call me 079II 123456", "079II 123456", "GB"),  # I or l for a one, too
        ("call me 079ll I23456", "079ll I23456", "GB"),
        ("my number is 612 345 6O8", "612 345 6O8", "ES"),
        ("+44 79OO 9OO123", "+44 79OO 9OO123", None),
        ("звони +7 912 З45 67 89", None, None),  # a Cyrillic З is no 3
        ("звони +7 9I2 345 67 89", "+7 9I2 345 67 89", None),
        ("звони +7 912 345 67 8\u041e", "+7 912 345 67 8\u041e", None),  # Cyrillic О for zero
    ],
)
def test_letters_written_for_digits(text, number, region):
    assert _found(text, "phone", region=region) == ([number] if number else [])


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("call 07911 😘 123 😘 456", "07911 😘 123 😘 456"),
        ("call 07911 ❤️ 123456", "07911 ❤️ 123456"),
        ("call 07911 - 123 - 456", "07911 - 123 - 456"),
        ("call 07911 – 123456", "07911 – 123456"),
        ("call 07911 * 123 * 456", "07911 * 123 * 456"),
        ("call 07911 / 123456", "07911 / 123456"),
    ],
)
def test_emoji_and_dashes_between_digit_groups(text, number):
    assert _found(text, "phone", region="GB") == [number]
    assert _found(text, "phone") == [number]


@pytest.mark.parametrize(
    "text",
    [
        "6 1 2 3 4 5 6 7 8",
        "mi numero 6 1 2 3 4 5 6 7 8 ok",
        "6-1-2-3-4-5-6-7-8",
        "0 6 1 2 3 4 5 6 7 8",
    ],
)
def test_digits_spaced_one_by_one_are_a_phone_whatever_the_region(text):
    [finding] = [f for f in scan(text) if f.kind == "phone"]
    assert text[finding.start : finding.end].replace(" ", "").replace("-", "").isdigit()


# --- what is no phone number ---------------------------------------------------------------------

NOT_PHONES = {
    "years": [
        "1998 2003 2007 2011 2015",
        "we went in 1998, 2003, 2007 and 2015",
        "seasons 2019 - 2020 - 2021 - 2022",
    ],
    "ip addresses": [
        "my server is at 192.168.100.254",
        "ping 10.0.0.1 and 172.16.254.1",
        "connect to 192.168.178.1:8080 please",
    ],
    "isbns": [
        "ISBN 978-3-16-148410-0",
        "read 9783161484100, it's great",
        "ISBN: 0-306-40615-2",
        "isbn 030640615X",
    ],
    "order numbers": [
        "my order number is 112-4456789-1234567",
        "order #4455667788 still not here",
        "pedido nº 4455667788",
        "Bestellnummer: 4455667788",
        "numéro de commande 4455667788",
        "заказ 4455667788 не пришёл",
        "订单号 4455667788",
    ],
    "tracking numbers": [
        "tracking number 1Z999AA10123456784",
        "tracking: 9400111899223344556677",
        "DHL tracking 1234567890 arrived",
        "Sendungsnummer 00340434161234567890",
        "código de seguimiento 4455667788",
    ],
    "student and other ids": [
        "my student number is 20231234567",
        "student ID 2023123456",
        "matrícula 2023123456",
        "invoice 2023123456",
        "booking reference 4455667788",
        "mera roll number 2021123045 hai",
        "मेरा रोल नंबर 2021123045 है",
        "NIM aku 1906543210, di kartu salah cetak",
    ],
    "postal codes": [
        "The White House, 1600 Pennsylvania Ave NW, Washington, DC 20500",
        "Washington, DC 20500",
        "Beverly Hills, CA 90210-1234",
        "Calle Mayor 10, 28013 Madrid",
        "Hauptstraße 12, 10115 Berlin",
        "〒100-0001 東京都千代田区",
    ],
    "times and dates": [
        "open 09:00-17:30, 18:00-22:00",
        "from 12.03.2024 to 15.04.2024",
        "12/03/2024 - 15/04/2024",
        "15.03.2024 - 10.04.2024",
        "2024-03-15 - 2024-04-15",
        "2024 03 15 10 30",
        "on 20240315 at 1030",
    ],
    "prices": [
        "prices 19.99 29.99 49.99 99.99",
        "it cost 1 299 999 rubles",
        "$1,299,999.99 is a lot",
        "total 1.234.567,89 €",
        "€ 1500 2000 3000 options",
    ],
    "counting": [
        "face test ( 1 2 3 4 5 6 7 8 9 ) pick a number",
        "1234567890",
        "9 8 7 6 5 4 3 2 1 0 liftoff",
    ],
    "invalid ibans and cards": [
        "DE89 3704 0044 0532 0130 01",
        "my iban is ES91 2100 0418 4502 0005 1333",
        "GB82 WEST 1234 5698 7654 33",
        "card 4111 1111 1111 1111",
    ],
}


@pytest.mark.parametrize(
    "text", [text for texts in NOT_PHONES.values() for text in texts], ids=lambda t: t[:30]
)
def test_other_numbers_are_no_phone_in_any_region(text):
    for region in (None, "US", "GB", "DE", "ES", "FR", "BR", "JP", "RU", "CN"):
        assert _found(text, "phone", region=region) == [], region
    assert [f for f in scan(text, regions=("US", "DE", "ES", "JP")) if f.kind == "phone"] == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("order arrived, call me 07911 123456", "07911 123456"),
        ("my number 07911 123456 not my order number", "07911 123456"),
        ("born 1998, call 07911 123456", "07911 123456"),
    ],
)
def test_a_phone_number_near_other_numbers_is_still_a_phone(text, number):
    assert _found(text, "phone", region="GB") == [number]
