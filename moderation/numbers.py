"""Phone numbers however they are written: digits, spaced digits, digit words, short codes.

Works on a case-preserving normalized view (keycap and styled digits are already plain digits
there) and reports spans in the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from moderation.normalization import Normalized

__all__ = ["find_phones", "phone_region", "spell_digits"]

# Digit words in English, Spanish, French, German, Italian and Portuguese, accents folded
# away as the normalizer does. "oh" and "o" are how English speakers read a zero aloud.
_DIGIT_WORDS: dict[str, str] = {
    **dict.fromkeys(("zero", "oh", "o", "cero", "null", "nul"), "0"),
    **dict.fromkeys(("one", "uno", "una", "un", "une", "eins", "ein", "um", "uma"), "1"),
    **dict.fromkeys(("two", "dos", "deux", "zwei", "zwo", "due", "dois", "duas"), "2"),
    **dict.fromkeys(("three", "tres", "trois", "drei", "tre"), "3"),
    **dict.fromkeys(("four", "cuatro", "quatre", "vier", "quattro", "quatro"), "4"),
    **dict.fromkeys(("five", "cinco", "cinq", "funf", "fuenf", "cinque"), "5"),
    **dict.fromkeys(("six", "seis", "sechs", "sei"), "6"),
    **dict.fromkeys(("seven", "siete", "sept", "sieben", "sette", "sete"), "7"),
    **dict.fromkeys(("eight", "ocho", "huit", "acht", "otto", "oito"), "8"),
    **dict.fromkeys(("nine", "nueve", "neuf", "neun", "nove"), "9"),
}
# "double five" = 55 (English, French and German speakers read numbers this way).
_REPEATS = {"double": 2, "doble": 2, "doppel": 2, "doppio": 2, "triple": 3, "tripple": 3}
_WORD_ALTS = "|".join(sorted(_DIGIT_WORDS, key=len, reverse=True))
# A token of a spelled number: digits, a digit word (or several glued: "fivefive"), or a
# repeat word; tokens are separated by blanks and light punctuation.
_TOKEN = rf"(?:\d+|(?:double|doble|doppel|doppio|tripple|triple)|(?:{_WORD_ALTS})+)"
_SPELLED_RUN = re.compile(rf"(?<!\w){_TOKEN}(?:[\s,.\-/]{{1,3}}{_TOKEN})+(?!\w)")
_SPELLED_PIECE = re.compile(rf"\d+|double|doble|doppel|doppio|tripple|triple|{_WORD_ALTS}")
# A spelled number counts when it has at least this many digits and this many words:
# "one or two" or "tres o cuatro" is talk, eleven digits read out one by one is a number.
_MIN_SPELLED_DIGITS = 7
_MIN_DIGIT_WORDS = 3

# 10-15 digits with light separators, the shape of a national number written without a
# country code; spam glues them to words ("call09050000327", "08704439680Ts&Cs"). A run
# continuing into more digits through '.', ',', ':' or '-' is an amount, a time or a code.
_DIGIT_RUN = re.compile(r"(?<![\d+.,])(?<!\d[:\-])\d(?:[ .\-]{1,2}\d|\d){9,14}(?!\d|[.,:\-]\d)")
# Premium-rate short codes: "text WIN to 87121", "send STOP to 62468", "txt CHAT to No: 86888",
# "SKY OPT OUT to 88088". A short code only counts after an instruction to message it or an
# upper-case keyword to send: "we go from 1120 to 1205" is a time.
_SHORT_CODE = re.compile(
    r"(?:(?i:\b(?:text|txt|texting|txting|send|reply|rply|sms|call|ring|dial|envia|envie|manda|"
    r"mande|envoie|envoyez|sende|schick|schicke|invia|inviate)\b)[^!?\n]{0,48}?"
    r"|\b[A-Z][A-Z0-9]+\s+)"
    r"(?i:\b(?:to|2|al|au|an|a|para|pro|allo)\s*:?\s*(?:no\s*[:.]?\s*|n(?:um|o|r)?\s*[:.]\s*)?)"
    r"(?P<code>\d{4,6})(?!\d|[.,:]\d)"
)
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[a-z]+")
# Fewer digits than this are a code or an extension, not a number worth the matcher's time;
# most messages stop here.
_MIN_PHONE_DIGITS = 6
_MIN_SHORT_CODE_DIGITS = 4


def phone_region(region: str | None) -> str | None:
    """The ISO 3166 alpha-2 hint if phonenumbers knows it, else None."""
    if not region:
        return None
    region = region.upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def _spelled_digits(run: str) -> tuple[str, int]:
    """Digits a spelled run stands for, and how many digit words it used."""
    digits: list[str] = []
    words = 0
    repeat = 1
    for piece in _SPELLED_PIECE.findall(run):
        if piece in _REPEATS:
            repeat = _REPEATS[piece]
            continue
        if piece.isdigit():
            digits.append(piece * repeat if len(piece) == 1 else piece)
        else:
            words += 1
            digits.append(_DIGIT_WORDS[piece] * repeat)
        repeat = 1
    return "".join(digits), words


def _spelled_runs(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, digits)`` for each run of ``text`` that reads a number out in words."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    if sum(1 for word in words if word in _DIGIT_WORDS) < _MIN_DIGIT_WORDS:
        return []
    runs = []
    for match in _SPELLED_RUN.finditer(lowered):
        digits, words = _spelled_digits(match.group())
        if words >= _MIN_DIGIT_WORDS and len(digits) >= _MIN_SPELLED_DIGITS:
            runs.append((match.start(), match.end(), digits))
    return runs


def spell_digits(view: Normalized) -> Normalized:
    """The view with numbers read out in words turned into digits.

    "zero seven nine one one, one two three four five six" → "07911123456", mapped back to
    the words. Runs with too few digits or words stay as they are, so prose is untouched.
    """
    runs = _spelled_runs(view.text)
    return view.replace_spans(runs) if runs else view


def find_phones(view: Normalized, region: str | None) -> Iterator[tuple[int, int, float, str]]:
    """Yield phone numbers as ``(start, end, confidence, evidence)`` in the ORIGINAL text.

    Valid numbers, long digit runs, premium short codes and numbers read out in words.
    ``region`` (already checked with :func:`phone_region`) lets national numbers written
    without a country code be validated; a bare long digit run counts with less confidence.
    """
    digits = len(_DIGIT.findall(view.text))
    if digits >= _MIN_PHONE_DIGITS:
        for start, end, confidence, evidence in _numbers(view.text, region):
            yield *view.to_original(start, end), confidence, evidence
    if digits >= _MIN_SHORT_CODE_DIGITS:
        for match in _SHORT_CODE.finditer(view.text):
            yield *view.to_original(*match.span("code")), 0.6, "premium-rate short code"
    # Nobody reads seven or more digits out one by one except to pass on a number: the run
    # itself is the finding, whether or not it validates for the region.
    for start, end, digits in _spelled_runs(view.text):
        yield *view.to_original(start, end), 0.8, f"number spelled out in words ({digits})"


def _numbers(text: str, region: str | None) -> Iterator[tuple[int, int, float, str]]:
    covered: list[tuple[int, int]] = []
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
        covered.append((match.start, match.end))
        where = phonenumbers.region_code_for_number(match.number) or "international"
        yield match.start, match.end, 0.9, f"phone number ({where})"
    for match in _DIGIT_RUN.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in covered):
            continue
        yield match.start(), match.end(), 0.5, "long digit run shaped like a phone number"
