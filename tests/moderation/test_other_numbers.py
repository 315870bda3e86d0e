"""Each kind of number that is not a phone number says what it is instead."""

import pytest

from moderation.other_numbers import other_number


def _reason(text: str, number: str, *, prefixed: bool = False) -> str | None:
    start = text.index(number)
    return other_number(text, start, start + len(number), prefixed=prefixed)


@pytest.mark.parametrize(
    ("text", "number", "reason"),
    [
        ("1998 2003 2007", "1998 2003 2007", "list of years"),
        ("at 192.168.100.254 now", "192.168.100.254", "IP address"),
        ("read 9783161484100", "9783161484100", "ISBN"),
        ("ISBN 0-306-40615-2", "0-306-40615-2", "ISBN"),
        ("2024 03 15 10 30", "2024 03 15 10 30", "date"),
        ("on 20240315", "20240315", "date"),
        ("19.99 29.99 49.99", "19.99 29.99 49.99", "price"),
        ("€ 1500 2000 3000", "1500 2000 3000", "price"),
        ("card 4111 1111 1111 1111", "4111 1111 1111 1111", "card number"),
        ("Beverly Hills, CA 90210-1234", "90210-1234", "ZIP code"),
        ("order #4455667788", "4455667788", "labelled number"),
        ("Sendungsnummer 0034043416", "0034043416", "labelled number"),
        ("订单号 4455667788", "4455667788", "labelled number"),
        ("DE89 3704 0044 0532 0130 01", "3704 0044 0532", "IBAN-shaped code"),
        ("1Z999AA10123456784", "10123456784", "part of a code"),
        ("1 2 3 4 5 6 7 8 9", "1 2 3 4 5 6 7 8 9", "counting"),
    ],
)
def test_what_a_number_is_instead_of_a_phone(text, number, reason):
    assert _reason(text, number) == reason


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("call me 07911 123456", "07911 123456"),
        ("order came, call me 07911 123456", "07911 123456"),
        ("my order number? call 4455667788", "4455667788"),
        ("in case you need me: 2125550100", "2125550100"),
    ],
)
def test_a_phone_number_is_nothing_else(text, number):
    assert _reason(text, number) is None


def test_a_number_with_its_country_code_is_only_overruled_by_the_shape_of_a_code():
    assert _reason("order #+44 7911 123456", "+44 7911 123456", prefixed=True) is None
    assert _reason("DE89 3704 0044 0532 0130 01", "3704 0044 0532", prefixed=True)
