"""Wallets and IBANs are found by their checksums, BICs by their context; spans are original."""

import base58
import bech32
import pytest

from moderation.detectors import Finding, scan


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


# --- wallets written in pieces or with look-alike characters ---------------------------------


def _split(address: str, size: int, separator: str) -> str:
    return separator.join(address[i : i + size] for i in range(0, len(address), size))


@pytest.mark.parametrize(
    ("address", "size", "separator"),
    [
        (VALID_WALLETS["bitcoin genesis P2PKH"], 4, " "),
        (VALID_WALLETS["bitcoin genesis P2PKH"], 4, "-"),
        (VALID_WALLETS["bitcoin segwit v0 (BIP-173)"], 4, " "),
        (VALID_WALLETS["ethereum EIP-55 #1"], 6, " - "),
        (VALID_WALLETS["tron"], 5, " "),
        (VALID_WALLETS["litecoin L"], 7, "_"),
    ],
)
def test_wallet_written_in_pieces_is_found_with_the_whole_span(address, size, separator):
    pieces = _split(address, size, separator)
    text = f"send it here {pieces} thanks"
    finding = _only(text, "crypto_wallet")
    assert text[finding.start : finding.end] == pieces
    assert finding.evidence.endswith("written in pieces")


@pytest.mark.parametrize("address", list(INVALID_WALLETS.values())[:5])
def test_checksum_invalid_wallet_in_pieces_is_not_a_wallet(address):
    assert _found(f"send it here {_split(address, 4, ' ')} thanks", "crypto_wallet") == []


@pytest.mark.parametrize(
    "text",
    [
        "I have 2 kids 3 dogs and 4 cats",
        "Flight BA2490 leaves 10:45 from T5 gate A12",
        "codes: AB12 CD34 EF56 GH78 IJ90 KL12 MN34 OP56",
    ],
)
def test_codes_and_numbers_in_prose_are_not_glued_into_a_wallet(text):
    assert _found(text, "crypto_wallet") == []


@pytest.mark.parametrize(
    "disguised",
    [
        "1\u04101zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",  # Cyrillic А
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf\u039da",  # Greek Ν
        "１Ａ１ｚＰ１ｅＰ５ＱＧｅｆｉ２ＤＭＰＴｆＴＬ５ＳＬｍｖ７ＤｉｖｆＮａ",  # fullwidth
        "1A1zP1eP5QGe\u2060fi2DMPTfTL5SLmv7\u200dDivfNa",  # word joiner, zero-width joiner
    ],
)
def test_wallet_with_look_alike_or_invisible_characters_is_found(disguised):
    text = f"btc {disguised} ok"
    finding = _only(text, "crypto_wallet")
    assert text[finding.start : finding.end] == disguised
    assert finding.evidence == "bitcoin base58check (P2PKH)"


# --- BIC / SWIFT in context ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bic"),
    [
        ("BIC: DEUTDEFF", "DEUTDEFF"),
        ("swift code is cobadeffxxx", "cobadeffxxx"),
        ("IBAN DE89370400440532013000 BIC COBADEFFXXX", "COBADEFFXXX"),
        ("código SWIFT: BBVAESMM", "BBVAESMM"),
        ("code BIC BNPAFRPP", "BNPAFRPP"),
        ("BIC-Code INGDDEFFXXX", "INGDDEFFXXX"),
        ("codice BIC UNCRITMM", "UNCRITMM"),
        ("please wire it to my bank, code BNPAFRPP", "BNPAFRPP"),
        ("my bank is DEUTDEFF", "DEUTDEFF"),
        ("transferencia al banco CAIXESBB", "CAIXESBB"),
        ("virement sur le compte, banque BNPAFRPP", "BNPAFRPP"),
        ("Überweisung an COBADEFFXXX bitte", "COBADEFFXXX"),
        ("bonifico su UNCRITMM", "UNCRITMM"),
        ("conta no banco NWBKGB2L", "NWBKGB2L"),
    ],
)
def test_bic_next_to_a_label_or_banking_words_is_found(text, bic):
    finding = _only(text, "bic")
    assert text[finding.start : finding.end] == bic
    assert finding.evidence.startswith("BIC ")


@pytest.mark.parametrize(
    "text",
    [
        "DEUTDEFF",  # BIC-shaped but nothing says it is one
        "HOSPITAL BILLS AT THE BANK",  # a shouted word whose letters 5-6 name Italy
        "TOMORROW I GO TO THE BANK",
        "CONGRATS on the new account!",
        "BIC: ABCDXX12",  # no such country
        "my bank is deutdeff",  # lower case and no label: a word, as far as we know
        "I lost my BIC pen",
        "the swift river",
    ],
)
def test_bic_shaped_words_without_context_are_no_bic(text):
    assert _found(text, "bic") == []
