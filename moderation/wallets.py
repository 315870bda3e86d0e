"""Payment destinations: crypto wallets and IBANs by their checksums, BIC/SWIFT codes by context.

A checksum turns "a long random-looking token" into "an account money can be sent to": a token
that fails it is a typo or a word, not a wallet or IBAN, and is not reported. A BIC has no
checksum and looks like any shouted word, so it only counts next to banking words.
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
from schwifty import BIC, IBAN, registry
from schwifty.exceptions import NationalChecksumNotVerified, SchwiftyException

__all__ = [
    "find_bics",
    "find_payment_identifiers",
    "iban_shaped_spans",
    "identify_iban",
    "identify_wallet",
]

# One pass finds every token shaped like some address; identify_wallet decides which, if any.
# The lookarounds keep us from matching the middle of a longer alphanumeric run.
_WALLET_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?:0x[0-9a-fA-F]{40}|(?:bc|ltc|BC|LTC)1[0-9A-Za-z]{6,87}|[1-9A-HJ-NP-Za-km-z]{25,44})"
    r"(?![0-9A-Za-z])"
)
# Country code and check digits; _iban_end then walks the BBAN by the country's IBAN length.
_IBAN_START = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}\d{2}(?=[ \-]?[0-9A-Za-z])")
# One group of an IBAN written in groups, with the blank or dash before the next one.
_IBAN_GROUP = re.compile(r"([0-9A-Za-z]+)[ \-]?")
_MIN_IBAN_LENGTH = 15
_MAX_IBAN_LENGTH = 34

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

# An address written in groups: "1A1z P1eP 5QGe ..." or "bc1q-w508-d6qe-...". Pieces are
# tried from each code-like one (a digit, or a capital inside it) and joined until the
# checksum holds; the checksum keeps ordinary words from being glued into an address.
_CHUNK = re.compile(r"[0-9A-Za-z]+")
_CHUNK_SEPARATOR = re.compile(r"[ \t\-_]{1,3}")
_CODE_LIKE = re.compile(r"\d|.[A-Z]")
_MIN_CODE_LIKE_CHUNKS = 2
_MIN_CODE_LIKE_LENGTH = 16
_MAX_ADDRESS_LENGTH = 90


def find_payment_identifiers(text: str) -> Iterator[tuple[str, int, int, float, str]]:
    """Yield ``(kind, start, end, confidence, evidence)`` for each wallet and IBAN in ``text``.

    ``text`` must keep its case: base58 and EIP-55 checksums depend on it.
    """
    if not _HAS_DIGIT.search(text):
        return  # every address and IBAN has a digit; most chat has none
    wallets: list[tuple[int, int]] = []
    for match in _WALLET_CANDIDATE.finditer(text):
        wallet = identify_wallet(match.group())
        if wallet is not None:
            wallets.append(match.span())
            yield "crypto_wallet", match.start(), match.end(), wallet[1], wallet[0]
    for start, end, evidence, confidence in _split_wallets(text, wallets):
        yield "crypto_wallet", start, end, confidence, f"{evidence}, written in pieces"
    for match in _IBAN_START.finditer(text):
        end = _iban_end(text, match.start(), _iban_length(match.group()[:2].upper()))
        if end is not None:
            evidence = identify_iban(re.sub(r"[ \-]", "", text[match.start() : end]))
            if evidence is not None:
                yield "iban", match.start(), end, 0.99, evidence


@lru_cache(maxsize=64)
def iban_shaped_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans that start like an IBAN (a country that has them, two check digits) and go on in
    groups of capitals and digits for an IBAN's length, valid or not: a mistyped IBAN, or one
    with a digit missing, is still no phone number."""
    if not _HAS_DIGIT.search(text):
        return ()
    spans = []
    for match in _IBAN_START.finditer(text):
        if _iban_length(match.group()[:2].upper()) is None:
            continue
        count, end, expected = 0, match.start(), match.start()
        upper = match.group()[:2].isupper()
        for group in _IBAN_GROUP.finditer(text, match.start()):
            word = group.group(1)
            if group.start() != expected or (upper and not word.isupper() and not word.isdigit()):
                break
            count += len(word)
            end, expected = group.end(1), group.end()
            if count >= _MAX_IBAN_LENGTH:
                break
        if _MIN_IBAN_LENGTH <= count <= _MAX_IBAN_LENGTH:
            spans.append((match.start(), end))
    return tuple(spans)


def _split_wallets(
    text: str, found: list[tuple[int, int]]
) -> Iterator[tuple[int, int, str, float]]:
    chunks = [m.span() for m in _CHUNK.finditer(text)]
    code_like = [e - s for s, e in chunks if _CODE_LIKE.search(text, s, e)]
    if len(code_like) < _MIN_CODE_LIKE_CHUNKS or sum(code_like) < _MIN_CODE_LIKE_LENGTH:
        return  # ordinary prose: nothing that looks like pieces of a code
    index = 0
    while index < len(chunks):
        start = chunks[index][0]
        if not _CODE_LIKE.search(text, *chunks[index]) or any(s <= start < e for s, e in found):
            index += 1
            continue
        hit = _join_from(text, chunks, index)
        if hit is None:
            index += 1
            continue
        last, evidence, confidence = hit
        found.append((start, chunks[last][1]))
        yield start, chunks[last][1], evidence, confidence
        index = last + 1


def _join_from(
    text: str, chunks: list[tuple[int, int]], first: int
) -> tuple[int, str, float] | None:
    """Join chunks from ``first`` while only separators lie between; return the first valid."""
    joined = text[slice(*chunks[first])]
    for last in range(first + 1, len(chunks)):
        gap = text[chunks[last - 1][1] : chunks[last][0]]
        if not _CHUNK_SEPARATOR.fullmatch(gap):
            return None
        joined += text[slice(*chunks[last])]
        if len(joined) > _MAX_ADDRESS_LENGTH:
            return None
        if len(joined) >= 25 and _WALLET_CANDIDATE.fullmatch(joined):
            wallet = identify_wallet(joined)
            if wallet is not None:
                return last, wallet[0], wallet[1]
    return None


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


# A BIC: bank (4 letters), country (2), location (2) and an optional branch (3).
_BIC_TOKEN = re.compile(
    r"(?<![0-9A-Za-z])[A-Za-z]{6}[A-Za-z0-9]{2}(?:[A-Za-z0-9]{3})?(?![0-9A-Za-z])"
)
# "BIC: DEUTDEFF", "swift code is ...", "código SWIFT ...": a label right before the code.
_BIC_LABEL = re.compile(
    r"(?:\b(?:bic|swift)(?:\s*(?:/|-|or|ou|o|oder|od)\s*(?:bic|swift))?"
    r"(?:[\s\-]*(?:code|codigo|kode|codice|nummer|number|no))?"
    r"|\b(?:code|codigo|codice|kode)\s+(?:bic|swift))"
    r"\s*(?:[:#=\-]|\bis\b|\bes\b|\best\b|\bist\b|\be\b|\beh\b|\blautet\b)?\s*$",
    re.IGNORECASE,
)
# Banking words in the six languages; with one nearby an upper-case BIC-shaped token counts
# when the registry knows the bank or the code has a digit or the "XXX" head-office branch.
_BANK_WORD_LIST = (
    "iban bank banks banking banco banque banca konto cuenta compte conto conta transfer "
    "transfers wire uberweisung ueberweisung transferencia virement bonifico beneficiary "
    "beneficiario beneficiaire empfanger account routing sort deposit deposito"
)
_BANK_WORDS = frozenset(_BANK_WORD_LIST.split())
_BIC_LABEL_WORDS = frozenset(("bic", "swift"))
_ASCII_WORD = re.compile(r"[a-z]+")
_BANK_CONTEXT_REACH = 80


def find_bics(text: str) -> Iterator[tuple[int, int, float, str]]:
    """Yield ``(start, end, confidence, evidence)`` for BIC/SWIFT codes written in context.

    A bare upper-case word of eight letters is usually a shout ("HOSPITAL"), so a BIC-shaped
    token needs a label ("BIC:", "swift code") or banking words near it.
    """
    words = set(_ASCII_WORD.findall(text.lower()))
    if _BANK_WORDS.isdisjoint(words) and _BIC_LABEL_WORDS.isdisjoint(words):
        return  # most messages: no banking words at all
    for match in _BIC_TOKEN.finditer(text):
        token = match.group()
        bic = _valid_bic(token)
        if bic is None:
            continue
        labelled = _BIC_LABEL.search(text, max(0, match.start() - 30), match.start())
        if labelled:
            yield (
                match.start(),
                match.end(),
                0.95,
                f"BIC {bic.country_code} after a BIC/SWIFT label",
            )
            continue
        if not token.isupper():
            continue
        window = text[
            max(0, match.start() - _BANK_CONTEXT_REACH) : match.end() + _BANK_CONTEXT_REACH
        ]
        if _BANK_WORDS.isdisjoint(_ASCII_WORD.findall(window.lower())):
            continue
        if _known_bank(bic) or any(c.isdigit() for c in token[6:]) or token.endswith("XXX"):
            yield match.start(), match.end(), 0.85, f"BIC {bic.country_code} near banking words"


def _known_bank(bic: BIC) -> bool:
    """Whether schwifty's registry lists the bank, as written or as its head office."""
    if bic.exists:
        return True
    head_office = _valid_bic(f"{bic}XXX") if len(str(bic)) == 8 else None
    return head_office is not None and head_office.exists


def _valid_bic(token: str) -> BIC | None:
    try:
        return BIC(token.upper())
    except (SchwiftyException, ValueError):
        return None
