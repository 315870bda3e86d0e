"""Payment destinations: crypto wallet addresses and IBANs, each validated by its checksum.

A checksum turns "a long random-looking token" into "an account money can be sent to": a token
that fails it is a typo or a word, not a wallet or IBAN, and is not reported.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from functools import lru_cache

import base58
from bech32 import CHARSET as BECH32_CHARSET
from bech32 import bech32_hrp_expand, bech32_polymod, convertbits
from Crypto.Hash import keccak
from schwifty import IBAN, registry
from schwifty.exceptions import NationalChecksumNotVerified, SchwiftyException

__all__ = ["find_payment_identifiers", "identify_iban", "identify_wallet"]

# One pass finds every token shaped like some address; identify_wallet decides which, if any.
# The lookarounds keep us from matching the middle of a longer alphanumeric run.
_WALLET_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?:0x[0-9a-fA-F]{40}|(?:bc|ltc|BC|LTC)1[0-9A-Za-z]{6,87}|[1-9A-HJ-NP-Za-km-z]{25,44})"
    r"(?![0-9A-Za-z])"
)
# Country code and check digits; _iban_end then walks the BBAN by the country's IBAN length.
_IBAN_START = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}\d{2}(?=[ \-]?[0-9A-Za-z])")

# Base58check version byte → evidence. Litecoin's legacy P2SH shares Bitcoin's 0x05.
_BASE58CHECK_VERSIONS: dict[int, str] = {
    0x00: "bitcoin base58check (P2PKH)",
    0x05: "bitcoin base58check (P2SH)",
    0x30: "litecoin base58check (P2PKH)",
    0x32: "litecoin base58check (P2SH)",
    0x1E: "dogecoin base58check (P2PKH)",
    0x16: "dogecoin base58check (P2SH)",
    0x41: "tron base58check",
}
_SEGWIT_CHAINS = {"bc": "bitcoin", "ltc": "litecoin"}
# BIP-350: bech32m is bech32 with a different final constant; the bech32 package predates it.
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_HAS_DIGIT = re.compile(r"\d")
_HAS_UPPER = re.compile(r"[A-Z]")
_HAS_LOWER = re.compile(r"[a-z]")


def find_payment_identifiers(text: str) -> Iterator[tuple[str, int, int, float, str]]:
    """Yield ``(kind, start, end, confidence, evidence)`` for each wallet and IBAN in ``text``.

    ``text`` must keep its case: base58 and EIP-55 checksums depend on it.
    """
    for match in _WALLET_CANDIDATE.finditer(text):
        wallet = identify_wallet(match.group())
        if wallet is not None:
            yield "crypto_wallet", match.start(), match.end(), wallet[1], wallet[0]
    for match in _IBAN_START.finditer(text):
        end = _iban_end(text, match.start(), _iban_length(match.group()[:2].upper()))
        if end is not None:
            evidence = identify_iban(re.sub(r"[ \-]", "", text[match.start() : end]))
            if evidence is not None:
                yield "iban", match.start(), end, 0.99, evidence


def identify_wallet(token: str) -> tuple[str, float] | None:
    """Return ``(evidence, confidence)`` if ``token`` is a valid wallet address, else None."""
    if token.startswith("0x"):
        return _ethereum(token[2:])
    if token[:4].lower().startswith(("bc1", "ltc1")):
        return _segwit(token)
    return _base58check(token) or _ripple(token) or _solana(token)


def _ethereum(hex40: str) -> tuple[str, float] | None:
    if hex40.islower() or hex40.isupper() or hex40.isdigit():
        # Single-case addresses carry no checksum: still an address, but a long hex string
        # could be something else, so the confidence is lower.
        return "ethereum address (no EIP-55 checksum)", 0.85
    digest = keccak.new(digest_bits=256, data=hex40.lower().encode("ascii")).hexdigest()
    for char, nibble in zip(hex40, digest[:40], strict=True):
        if char.isalpha() and char.isupper() != (int(nibble, 16) >= 8):
            # A mixed-case address with a wrong EIP-55 checksum is rejected by wallets, so
            # it cannot receive funds as written: not reported, like a bad base58check.
            return None
    return "ethereum EIP-55 checksum", 0.99


def _segwit(token: str) -> tuple[str, float] | None:
    if token.lower() != token and token.upper() != token:
        return None  # bech32 forbids mixed case
    addr = token.lower()
    hrp, _, rest = addr.rpartition("1")
    chain = _SEGWIT_CHAINS.get(hrp)
    if chain is None or len(addr) > 90 or len(rest) < 7:
        return None
    if any(c not in BECH32_CHARSET for c in rest):
        return None
    data = [BECH32_CHARSET.index(c) for c in rest]
    const = bech32_polymod(bech32_hrp_expand(hrp) + data)
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        return None
    version = data[0]
    program = convertbits(data[1:-6], 5, 8, False)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0:
        if const != _BECH32_CONST or len(program) not in (20, 32):
            return None
        return f"{chain} segwit v0 (bech32)", 0.99
    if const != _BECH32M_CONST:
        return None
    return f"{chain} segwit v{version} (bech32m)", 0.99


def _base58check(token: str) -> tuple[str, float] | None:
    try:
        payload = base58.b58decode_check(token)
    except ValueError:
        return None
    if len(payload) != 21:
        return None
    evidence = _BASE58CHECK_VERSIONS.get(payload[0])
    return (evidence, 0.99) if evidence else None


def _ripple(token: str) -> tuple[str, float] | None:
    # XRP uses base58check over its own alphabet, in which account ids start with "r".
    if not token.startswith("r"):
        return None
    try:
        payload = base58.b58decode_check(token, alphabet=base58.RIPPLE_ALPHABET)
    except ValueError:
        return None
    if len(payload) != 21 or payload[0] != 0:
        return None
    return "xrp base58check", 0.99


def _solana(token: str) -> tuple[str, float] | None:
    # Solana addresses are bare base58 public keys with no checksum. Requiring the exact
    # 32-byte decode plus digits and both cases keeps long words and hashes out.
    if not 32 <= len(token) <= 44:
        return None
    if not (_HAS_DIGIT.search(token) and _HAS_UPPER.search(token) and _HAS_LOWER.search(token)):
        return None
    if len(base58.b58decode(token)) != 32:
        return None
    return "solana address format (no checksum)", 0.6


@lru_cache(maxsize=256)
def _iban_length(country: str) -> int | None:
    try:
        return registry.get_iban_spec(country).iban_length
    except SchwiftyException:
        return None


def _iban_end(text: str, start: int, length: int | None) -> int | None:
    """End of an IBAN-shaped run of ``length`` characters, written in groups or not."""
    if length is None:
        return None
    count = 0
    pos = end = start
    while pos < len(text) and count < length:
        ch = text[pos]
        if ch.isascii() and ch.isalnum():
            count += 1
            end = pos + 1
        elif ch not in " -" or text[pos - 1] in " -":
            break  # one space or dash may separate groups, nothing else
        pos += 1
    if count != length or (end < len(text) and text[end].isalnum()):
        return None
    return end


def identify_iban(compact: str) -> str | None:
    """Return evidence if ``compact`` (no spaces) is a valid IBAN, mod-97 and national checks."""
    compact = compact.upper()
    with warnings.catch_warnings():
        # Countries without a registered national algorithm warn; mod-97 still applies.
        warnings.simplefilter("ignore", NationalChecksumNotVerified)
        try:
            IBAN(compact, validate_bban=True)
        except (SchwiftyException, ValueError):
            return None
    return f"IBAN {compact[:2]} (mod-97 ok)"
