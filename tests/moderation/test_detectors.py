"""Detectors find payment identifiers and contact details, with spans in the original text."""

import base58
import bech32
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.detectors import KINDS, Finding, scan


def _found(text: str, kind: str, *, region: str | None = None) -> list[str]:
    """The original substrings reported as ``kind``."""
    return [text[f.start : f.end] for f in scan(text, region=region) if f.kind == kind]


def _only(text: str, kind: str, *, region: str | None = None) -> Finding:
    findings = [f for f in scan(text, region=region) if f.kind == kind]
    assert len(findings) == 1, findings
    return findings[0]


def _flip_last(address: str) -> str:
    """Change the last character to another one from the same alphabet: breaks the checksum."""
    return address[:-1] + ("2" if address[-1] != "2" else "3")


def _b58check(version: int, payload: bytes = bytes(range(20)), **kwargs) -> str:
    return base58.b58encode_check(bytes([version]) + payload, **kwargs).decode()


def _bech32m(hrp: str, version: int, program: bytes) -> str:
    """Encode a BIP-350 address by hand: the bech32 package only knows the BIP-173 constant."""
    data = [version, *bech32.convertbits(program, 8, 5)]
    values = bech32.bech32_hrp_expand(hrp) + data
    polymod = bech32.bech32_polymod([*values, 0, 0, 0, 0, 0, 0]) ^ 0x2BC830A3
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(bech32.CHARSET[d] for d in data + checksum)


# --- crypto wallets --------------------------------------------------------------------------

VALID_WALLETS = {
    "bitcoin genesis P2PKH": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    "bitcoin P2SH": "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    "bitcoin segwit v0 (BIP-173)": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "bitcoin segwit v0 upper case": "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bitcoin taproot (BIP-350)": "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    "bitcoin taproot computed": _bech32m("bc", 1, bytes(range(32))),
    "litecoin L": _b58check(0x30),
    "litecoin M": _b58check(0x32),
    "litecoin segwit": bech32.encode("ltc", 0, bytes(range(20))),
    "dogecoin": _b58check(0x1E),
    "tron": _b58check(0x41),
    "xrp": _b58check(0x00, alphabet=base58.RIPPLE_ALPHABET),
    "ethereum EIP-55 #1": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "ethereum EIP-55 #2": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "ethereum EIP-55 #3": "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "ethereum EIP-55 #4": "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
}


@pytest.mark.parametrize("address", VALID_WALLETS.values(), ids=VALID_WALLETS.keys())
def test_checksum_valid_wallet_is_found_with_its_exact_span(address):
    text = f"send the money to {address} today."
    finding = _only(text, "crypto_wallet")
    assert text[finding.start : finding.end] == address
    assert finding.confidence >= 0.9


def test_wallet_split_by_invisible_characters_is_found_with_the_original_span():
    text = "btc: 1A1zP1eP5QGefi2\u200bDMPTfTL5SLmv7DivfNa"
    assert _found(text, "crypto_wallet") == ["1A1zP1eP5QGefi2\u200bDMPTfTL5SLmv7DivfNa"]


def test_wallet_prefixes_are_what_users_see():
    assert VALID_WALLETS["tron"].startswith("T")
    assert VALID_WALLETS["xrp"].startswith("r")
    assert VALID_WALLETS["litecoin L"].startswith("L")
    assert VALID_WALLETS["litecoin M"].startswith("M")
    assert VALID_WALLETS["dogecoin"].startswith("D")


def test_wallet_evidence_names_the_chain_and_check():
    assert _only(VALID_WALLETS["tron"], "crypto_wallet").evidence == "tron base58check"
    genesis = _only(VALID_WALLETS["bitcoin genesis P2PKH"], "crypto_wallet")
    assert genesis.evidence == "bitcoin base58check (P2PKH)"
    taproot = _only(VALID_WALLETS["bitcoin taproot (BIP-350)"], "crypto_wallet")
    assert taproot.evidence == "bitcoin segwit v1 (bech32m)"


INVALID_WALLETS = {
    "bitcoin bad checksum": _flip_last("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
    "bitcoin P2SH bad checksum": _flip_last("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
    "tron bad checksum": _flip_last(_b58check(0x41)),
    "litecoin bad checksum": _flip_last(_b58check(0x30)),
    "xrp bad checksum": _flip_last(_b58check(0x00, alphabet=base58.RIPPLE_ALPHABET)),
    "segwit bad checksum": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
    "segwit mixed case": "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "taproot with bech32 (not bech32m) checksum": bech32.encode("bc", 1, bytes(range(32))),
    "segwit v0 with bech32m checksum": _bech32m("bc", 0, bytes(range(20))),
    "base58check with unknown version": _b58check(0x99),
}


@pytest.mark.parametrize("address", INVALID_WALLETS.values(), ids=INVALID_WALLETS.keys())
def test_checksum_invalid_wallet_is_not_a_wallet(address):
    assert _found(f"send the money to {address} today", "crypto_wallet") == []


def test_ethereum_without_checksum_case_is_found_with_lower_confidence():
    lower = _only("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "crypto_wallet")
    checksummed = _only(VALID_WALLETS["ethereum EIP-55 #1"], "crypto_wallet")
    assert lower.confidence < checksummed.confidence
    assert "no EIP-55" in lower.evidence


def test_ethereum_with_wrong_eip55_checksum_is_not_reported():
    """Wallets refuse a mixed-case address whose case checksum is wrong; so do we."""
    wrong = "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert _found(wrong, "crypto_wallet") == []


def test_ethereum_inside_a_longer_hex_string_is_not_an_address():
    assert _found("tx 0x" + "ab" * 32, "crypto_wallet") == []


def test_solana_address_is_found_by_format_with_modest_confidence():
    address = base58.b58encode(bytes(range(100, 132))).decode()
    finding = _only(f"sol: {address}", "crypto_wallet")
    assert finding.evidence.startswith("solana")
    assert finding.confidence < 0.9


@pytest.mark.parametrize(
    "text",
    [
        "Supercalifragilisticexpialidocious is a word",
        "hahahahahahahahahahahahahahahahahahahahaha",
        "ThisIsMyPassword2024ThisIsMyPassword",
        "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",  # 46 chars: longer than any address
    ],
)
def test_long_words_are_not_wallets(text):
    assert _found(text, "crypto_wallet") == []


# --- IBAN ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "DE89 3704 0044 0532 0130 00",
        "GB82 WEST 1234 5698 7654 32",
        "de89370400440532013000",
        "FR14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_valid_iban_is_found_with_its_exact_span(iban):
    text = f"Please transfer to {iban} thanks"
    finding = _only(text, "iban")
    assert text[finding.start : finding.end] == iban
    assert finding.evidence.startswith(f"IBAN {iban[:2].upper()}")


@pytest.mark.parametrize(
    "text",
    [
        "DE89370400440532013001",  # one digit changed
        "DE88370400440532013000",  # check digits changed
        "GB82WEST12345698765433",
        "DE89 3704 0044 0532 0130",  # too short
        "XX89370400440532013000",  # no such country
    ],
)
def test_invalid_iban_is_not_reported(text):
    assert _found(f"iban {text}", "iban") == []


def test_digits_of_an_iban_are_not_also_a_phone_number():
    kinds = {f.kind for f in scan("DE89 3704 0044 0532 0130 00", region="DE")}
    assert kinds == {"iban"}


# --- e-mail ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "julia.smith+dating@gmail.com",
        "julia at gmail dot com",
        "julia(at)gmail(dot)com",
        "julia [at] gmail [dot] com",
        "julia {at} mail {dot} co {dot} uk",
        "julia at gmail.com",
        "julia arroba hotmail punto com",
        "julia @ gmail . com",
        "JULIA@GMAIL.COM",
    ],
)
def test_email_plain_and_obfuscated_is_found_with_its_exact_span(address):
    text = f"write me: {address} ok?"
    assert _found(text, "email") == [address]


def test_obfuscated_email_has_lower_confidence_than_plain():
    assert (
        _only("julia at gmail dot com", "email").confidence < _only("j@x.com", "email").confidence
    )


@pytest.mark.parametrize(
    "text",
    [
        "see you at 7",
        "I'll be at home.Later we go out",
        "we were at uni.so tired",
        "meet me at the station at 5.30",
        "a@b",
        "email me when you can",
    ],
)
def test_ordinary_text_with_at_and_dots_is_no_email(text):
    assert _found(text, "email") == []


def test_domain_of_an_email_is_not_also_a_link():
    assert [f.kind for f in scan("julia@gmail.com")] == ["email"]


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


# --- links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "platform"),
    [
        ("https://t.me/julie_88", "telegram"),
        ("t.me/julie_88", "telegram"),
        ("telegram.me/julie_88", "telegram"),
        ("wa.me/447911123456", "whatsapp"),
        ("https://chat.whatsapp.com/AbCdEf123", "whatsapp"),
        ("https://api.whatsapp.com/send?phone=447911123456", "whatsapp"),
        ("snapchat.com/add/julie", "snapchat"),
        ("https://www.instagram.com/julie/", "instagram"),
        ("line.me/ti/p/abc", "line"),
        ("kik.me/julie", "kik"),
        ("discord.gg/abc123", "discord"),
        ("https://discord.com/invite/abc123", "discord"),
        ("m.me/julie", "messenger"),
        ("https://signal.me/#p/+447911123456", "signal"),
        ("tiktok.com/@julie", "tiktok"),
        ("tg://resolve?domain=julie", "telegram"),
    ],
)
def test_messaging_and_social_deep_links_are_handles(link, platform):
    text = f"find me here {link}"
    finding = _only(text, "messenger_handle")
    assert text[finding.start : finding.end] == link
    assert finding.evidence.startswith(platform)
    assert finding.confidence >= 0.9


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("look https://example.com/menu.", "https://example.com/menu"),
        ("the site www.bbc.co.uk is down", "www.bbc.co.uk"),
        ("booked on booking.com!", "booking.com"),
        ("see instagram.com for details", "instagram.com"),
        ("discord.com/channels/1/2", "discord.com/channels/1/2"),
    ],
)
def test_ordinary_links_are_reported_as_low_confidence_urls(text, link):
    finding = _only(text, "url")
    assert text[finding.start : finding.end] == link
    assert finding.confidence < 0.5
    assert _found(text, "messenger_handle") == []


@pytest.mark.parametrize(
    "text", ["Howz pain.it will come down", "saw your message.it k", "UP 2.IM IN"]
)
def test_word_dot_word_typos_are_not_links(text):
    assert scan(text) == []


# --- messenger handles with intent -----------------------------------------------------------

HANDLE_INTENTS = [
    "add me on telegram",
    "Add me on Telegram!",
    "my insta is julie_88",
    "my snap is julie",
    "my ig handle is julie.k",
    "text me on whatsapp",
    "hit me up on snap",
    "find me on kik",
    "@julie_88 on telegram",
    "telegram: @julie_88",
    "what's your snap?",
    "what\u2019s your insta",
    "do you have whatsapp?",
    "are you on insta?",
    "whatsapp me",
    "let's move to telegram",
    "can we talk on signal instead",
    "line id: julie88",
    "agrégame en telegram",
    "escríbeme al whatsapp",
    "¿tienes telegram?",
    "mi whatsapp es 5512345678",
    "ajoute-moi sur snap",
    "écris-moi sur whatsapp",
    "mon snap c'est julie75",
    "on continue sur telegram ?",
    "schreib mir auf telegram",
    "adde mich bei snapchat",
    "hast du whatsapp?",
    "mein insta ist julie_88",
    "me chama no zap",
    "me chama no whatsapp",
    "me adiciona no insta",
    "meu zap é 11987654321",
    "tem telegram?",
    "aggiungimi su telegram",
    "scrivimi su whatsapp",
    "il mio instagram è julie_88",
    "hai telegram?",
]


@pytest.mark.parametrize("text", HANDLE_INTENTS)
def test_handle_with_intent_is_found_in_six_languages(text):
    findings = [f for f in scan(text) if f.kind == "messenger_handle"]
    assert findings, text
    assert all(f.confidence >= 0.75 for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "add me on t e l e g r a m",
        "add me on t.e.l.e.g.r.a.m",
        "add me on t\u0435l\u0435gram",  # Cyrillic е
        "add me on tele\u200bgram",  # zero-width space
        "add me on ｔｅｌｅｇｒａｍ",
        "add me on 𝐭𝐞𝐥𝐞𝐠𝐫𝐚𝐦",
        "ᴀᴅᴅ ᴍᴇ ᴏɴ ᴛᴇʟᴇɢʀᴀᴍ",
    ],
)
def test_obfuscated_platform_names_are_still_found_with_original_spans(text):
    finding = _only(text, "messenger_handle")
    assert (finding.start, finding.end) == (0, len(text))
    assert finding.evidence == "telegram contact request"


def test_handle_evidence_names_the_platform_and_includes_the_handle_in_the_span():
    text = "ok so my insta is julie_88 :)"
    finding = _only(text, "messenger_handle")
    assert text[finding.start : finding.end] == "my insta is julie_88"
    assert finding.evidence == "instagram handle"


@pytest.mark.parametrize(
    "text",
    [
        "I saw it on instagram yesterday",
        "whatsapp is down again lol",
        "my whatsapp is not working",
        "my sister uses telegram for work",
        "did you see the snap I sent?",
        "did you get my message on whatsapp?",
        "I'm in line at the store",
        "bad signal here, call you later",
        "my face is red",
        "oh snap, I forgot",
        "telegram is a nice app honestly",
        "mi whatsapp no funciona",
        "meu zap está sem bateria",
        "mon snap est bloqué depuis hier",
        "il mio whatsapp è morto",
        "j'ai vu ça sur facebook",
        "Hast du heute Zeit?",
        "Hai tempo domani?",
        "¿Tienes hambre?",
        "my instagram account got hacked",
        "I deleted my facebook account",
        "check my insta later.",
        "call me later",
        "text me when you're home",
        "let's go to the cinema",
    ],
)
def test_mentioning_a_platform_without_intent_is_not_a_handle(text):
    assert _found(text, "messenger_handle") == []


# --- the scan as a whole ---------------------------------------------------------------------


def test_findings_are_sorted_by_start_and_use_known_kinds():
    text = (
        "mail julia@gmail.com, call +44 7911 123456, add me on kik, "
        "pay 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or DE89370400440532013000, see https://example.com"
    )
    findings = scan(text)
    assert [f.kind for f in findings] == [
        "email",
        "phone",
        "messenger_handle",
        "crypto_wallet",
        "iban",
        "url",
    ]
    assert findings == sorted(findings, key=lambda f: f.start)
    assert {f.kind for f in findings} <= set(KINDS)


def test_finding_to_dict_is_plain_data():
    finding = Finding("email", 0, 7, 0.95, "e-mail address")
    assert finding.to_dict() == {
        "kind": "email",
        "start": 0,
        "end": 7,
        "confidence": 0.95,
        "evidence": "e-mail address",
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ok",
        "Привет, как дела? Что делаешь сегодня вечером?",
        "你好，你今天怎么样？",
        "こんにちは、元気ですか？",
        "😀😀😀 lol",
        "ok lar... joking wif u oni",
    ],
)
def test_ordinary_text_in_any_script_has_no_findings(text):
    assert scan(text) == []


_CHAT_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCTXYZ0123456789.,:;-_+@/()[]?!'\n")
    + ["\u200b", "\u0435", "\u0430", "é", "ｔ", "𝐭", "\U0001f1f9", "ß", "İ", "ﬁ", "\u0301"]
    + [" at ", " dot ", "telegram", "whatsapp", "my insta is ", "add me on ", "wa.me/", "+44 "]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_CHAT_ALPHABET, max_size=40).map("".join)))
def test_scan_never_raises_and_spans_lie_within_the_original(text):
    for finding in scan(text, region="GB"):
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.kind in KINDS
        assert 0.0 <= finding.confidence <= 1.0
        assert finding.evidence
