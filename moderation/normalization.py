"""Text normalization for matching: fold disguises away while remembering where each char came from.

The stored message is never altered. Detectors match on the normalized text and use
``Normalized.to_original`` to report spans in the text the sender actually typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Normalized", "normalize"]

# Characters that render as nothing (or as blank space) but are not format characters (Cf),
# so the category test below would keep them; senders use them to split keywords.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")

# Letters that look like Latin ones. NFKC already folds fullwidth, circled and mathematical
# styled letters; these are the look-alikes it leaves alone. Case is kept so that the
# case-sensitive detectors (base58 wallets, EIP-55) can use the same folding.
_CONFUSABLES: dict[str, str] = {
    **dict(zip("аеорсухѕіјԁӏһԛԝкпгьишмнт", "aeopcyxsijdlhqwknrbuwmht", strict=True)),
    **dict(zip("АВЕКМНОРСТХУІЈЅԚԜҮЗ", "ABEKMHOPCTXYIJSQWY3", strict=True)),
    **dict(zip("αονρτυικεχγωϲ", "aovptuikexywc", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    # Latin small capitals and other letter variants that NFKC keeps as distinct letters.
    **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢıɑɡ", "abcdefghijklmnoprstuvwyziag", strict=True)),
    # Typographic quotes, so "what’s" matches like "what's".
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
}
# Regional indicators and negative circled/squared letters: emoji-styled A..Z with no NFKC form.
for _base in (0x1F1E6, 0x1F150, 0x1F170):
    _CONFUSABLES.update({chr(_base + i): chr(ord("A") + i) for i in range(26)})

# Three or more single letters split by the same blank or light punctuation each time:
# "t e l e g r a m", "w.h.a.t.s.a.p.p". The same separator keeps "e.g. a" apart. Digits are
# left alone; phone detection deals with spaced digits itself.
_SPACED_LETTERS = re.compile(
    r"(?<![^\W_])[^\W\d_](?P<sep>[ \t.\-_*·•|]{1,3})[^\W\d_](?![^\W_])"
    r"(?:(?P=sep)[^\W\d_](?![^\W_]))+"
)
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text plus, per normalized char, the span of original text it came from."""

    text: str
    original_length: int
    # None means the identity map (the common all-ASCII case, kept allocation-free).
    _starts: tuple[int, ...] | None = None
    _ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``self.text`` back to a span of the original text."""
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if self._starts is None or self._ends is None:
            return start, end
        if start == end:
            pos = self._starts[start] if start < n else self.original_length
            return pos, pos
        return self._starts[start], self._ends[end - 1]


@lru_cache(maxsize=8192)
def _fold_char(ch: str, lower: bool) -> str:
    """Fold one character: compatibility forms, case, accents and look-alike letters."""
    if ch in _INVISIBLE or unicodedata.category(ch) == "Cf":
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    if lower:
        folded = folded.lower()
    folded = "".join(
        _CONFUSABLES.get(c, c)
        for c in unicodedata.normalize("NFD", folded)
        if not unicodedata.combining(c)
    )
    return folded.lower() if lower else folded


def _fold(text: str, lower: bool) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch, lower)
        if not folded:
            # A dropped char (zero-width, combining accent) belongs to the char before it, so
            # a reported span still covers everything the sender typed inside the word.
            if ends:
                ends[-1] = i + 1
            continue
        out.append(folded)
        for _ in folded:
            starts.append(i)
            ends.append(i + 1)
    return "".join(out), starts, ends


def _join_spaced(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    pieces: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for match in _SPACED_LETTERS.finditer(text):
        pieces.append(text[last : match.start()])
        new_starts.extend(starts[last : match.start()])
        new_ends.extend(ends[last : match.start()])
        for letter in _LETTER.finditer(match.group()):
            pos = match.start() + letter.start()
            pieces.append(letter.group())
            new_starts.append(starts[pos])
            new_ends.append(ends[pos])
        last = match.end()
    pieces.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return "".join(pieces), new_starts, new_ends


def normalize(text: str, *, lower: bool = True, join_spaced: bool = True) -> Normalized:
    """Normalize ``text`` for matching and keep the map back to original positions.

    Strips zero-width and format characters, applies NFKC, drops accents, folds look-alike
    letters to ASCII and, by default, lowercases and rejoins letters spaced one by one.
    Pass ``lower=False, join_spaced=False`` for case-sensitive identifiers such as wallets.
    """
    if text.isascii():
        folded = text.lower() if lower else text
        if not join_spaced or not _SPACED_LETTERS.search(folded):
            return Normalized(folded, len(text))
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    else:
        folded, starts, ends = _fold(text, lower)
    if join_spaced:
        folded, starts, ends = _join_spaced(folded, starts, ends)
    return Normalized(folded, len(text), tuple(starts), tuple(ends))
