"""Phone numbers however they are written: digits, spaced digits, digit words, short codes.

Works on a case-preserving normalized view (keycap and styled digits are already plain digits
there) and reports spans in the original text. A number written without its country code is
read in the regions given, in order (the sender's country, then the regions of the languages
the conversation is written in); one written with it ("+44", "0044") is read by that.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from moderation.cues import fold
from moderation.normalization import Normalized
from moderation.other_numbers import other_number
from moderation.spelled_numbers import number_word_at_edge, spelled_runs

__all__ = [
    "find_phones",
    "language_regions",
    "number_edges",
    "phone_region",
    "phone_regions",
    "spell_digits",
]

# Digits with light separators; 10-15 of them are the shape of a national number written
# without a country code, and spam glues them to words ("call09050000327", "08704439680Ts&Cs").
# A run continuing into more digits through '.', ',', ':' or '-' is an amount, a time or a code.
_DIGIT_RUN = re.compile(r"\d(?<![\d+.,]\d)(?<!\d[:\-]\d)(?:[ .\-]{1,2}\d|\d)*(?!\d|[.,:\-]\d)")
_RUN_DIGITS = (10, 15)
# Digits with anything a number is written with between them ("(11) 91234-5678", "+33 6 12").
_STRETCH = re.compile(r"\d(?:[\s().\-/]{0,3}\d)*")
# Seven or more digits written one by one ("6 1 2 3 4 5 6 7 8"): nobody does that except to
# pass on a number, so the run counts whatever the region.
_SPACED_DIGITS = re.compile(r"\d(?<![\w+.,]\d)(?:[ .\-]{1,2}\d(?!\d)){7,14}(?![\w]|[.,]\d)")
# The letter O written for a zero inside a number ("O7911 12345", "+7 912 345 67 8О"), in
# Latin, Cyrillic or Greek: a word of digits and O's with at least one of each.
_OS = "OoОоΟο"
# And the capital I or small l for a one ("O7911 I23456").
_LOOKS_LIKE_DIGIT = str.maketrans(dict.fromkeys(_OS, "0") | dict.fromkeys("Il", "1"))
_LIKE = _OS + "Il"
_O_FOR_ZERO = re.compile(
    rf"(?<![^\W\d_])(?=[0-9{_LIKE}]*\d)(?=[0-9{_LIKE}]*[{_LIKE}])[0-9{_LIKE}]{{2,}}(?![^\W\d_])"
)
_O_NEXT_TO_DIGIT = re.compile(rf"[0-9{_LIKE}](?:(?<=\d)[{_LIKE}]|(?<=[{_LIKE}])\d)")
# Between two digit groups: emoji or a dash, star, slash or dot with blanks around it
# ("0791 😘 112 😘 3456", "07911 - 123 - 456"). Read as a blank; "10-12" and "12/03" stay.
_EMOJI = (
    "\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
    "\U0001f000-\U0001faff"
)
_GAP_CHARS = rf" \t\-–—*/|•·~_.{_EMOJI}"
_GAP = re.compile(rf"\d(?P<gap>[{_GAP_CHARS}]{{1,12}})(?=\d)")
_SEPARATOR_OR_EMOJI = re.compile(rf"[\-–—*/|•·~_.{_EMOJI}]")
_BLANK_OR_EMOJI = re.compile(rf"[ \t{_EMOJI}]")
# "0044 7911 123456": the international prefix most of the world dials, for a reader who has
# no region in which it is one.
_DOUBLE_ZERO = re.compile(r"(?<![\d+])00(?=[1-9])")
_GROUP_BREAK = re.compile(r"[\s().\-/]+(?=\d)")
_MAX_TRAILING_GROUPS = 3
# Premium-rate short codes: "text WIN to 87121", "send STOP to 62468", "txt CHAT to No: 86888",
# "SKY OPT OUT to 88088". A short code only counts after an instruction to message it or an
# upper-case keyword to send: "we go from 1120 to 1205" is a time.
_SHORT_CODE = re.compile(
    r"(?:(?i:\b(?:text|txt|texting|txting|send|reply|rply|sms|call|ring|dial|envia|envie|manda|"
    r"mande|envoie|envoyez|sende|schick|schicke|invia|inviate)\b)[^!?\n]{0,48}?"
    r"|\b[A-Z][A-Z0-9]+\s+)"
    r"(?i:\b(?:to|2(?=\s)|al|au|an|a|para|pro|allo)\s*:?\s*(?:no\s*[:.]?\s*|n(?:um|o|r)?\s*[:.]\s*)?)"
    r"(?P<code>\d{4,6})(?!\d|[.,:]\d)"
)
_DIGIT = re.compile(r"\d")
# Fewer digits than this are a code or an extension, not a number worth the matcher's time;
# most messages stop here.
_MIN_PHONE_DIGITS = 6
_MIN_SHORT_CODE_DIGITS = 4
# A number read in a further region has at least this many digits: the national numbers of
# the regions languages point to are no shorter, and each region read costs a parse.
_MIN_NATIONAL_DIGITS = 8


# Language → the regions whose numbers its speakers most likely write without a country code,
# the likeliest first. Kept short: every region is one more pass of the matcher.
_LANGUAGE_REGIONS: dict[str, tuple[str, ...]] = {
    "en": ("US", "GB"),
    "es": ("ES", "MX"),
    "pt": ("BR", "PT"),
    "fr": ("FR", "BE"),
    "de": ("DE", "AT"),
    "it": ("IT",),
    "nl": ("NL", "BE"),
    "pl": ("PL",),
    "ru": ("RU",),
    "uk": ("UA",),
    "tr": ("TR",),
    "ar": ("EG", "SA"),
    "hi": ("IN",),
    "id": ("ID",),
    "vi": ("VN",),
    "th": ("TH",),
    "ja": ("JP",),
    "zh": ("CN", "TW"),
    "ko": ("KR",),
    "tl": ("PH",),
    "fil": ("PH",),
    "sv": ("SE",),
    "da": ("DK",),
    "no": ("NO",),
    "nb": ("NO",),
    "fi": ("FI",),
    "cs": ("CZ",),
    "ro": ("RO",),
    "hu": ("HU",),
    "el": ("GR",),
    "he": ("IL",),
    "ms": ("MY",),
    "fa": ("IR",),
    "bn": ("BD",),
    "ur": ("PK",),
}
# At most this many regions are tried for a number without a country code.
_MAX_REGIONS = 4


def phone_region(region: str | None) -> str | None:
    """The ISO 3166 alpha-2 hint if phonenumbers knows it, else None."""
    if not region:
        return None
    region = region.upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def language_regions(languages: Iterable[str]) -> tuple[str, ...]:
    """Regions to read local numbers in for conversations in ``languages`` (BCP 47 codes),
    in order: a code's own region first ("pt-BR" → BR), then its language's usual ones."""
    regions: list[str] = []
    for code in languages:
        primary, _, rest = (code or "").strip().replace("_", "-").partition("-")
        subtag = rest.split("-")[-1] if rest else ""
        named = phone_region(subtag) if len(subtag) == 2 else None
        for region in (named, *_LANGUAGE_REGIONS.get(primary.lower(), ())):
            if region and region not in regions:
                regions.append(region)
    return tuple(regions)


def phone_regions(region: str | None, regions: Iterable[str | None] = ()) -> tuple[str, ...]:
    """The regions a number without a country code is read in: ``region`` (the sender's
    country), then ``regions``; unknown ones dropped, each once, at most a few."""
    known: list[str] = []
    for candidate in (region, *regions):
        checked = phone_region(candidate)
        if checked and checked not in known:
            known.append(checked)
    return tuple(known[:_MAX_REGIONS])


def _lowered(text: str) -> str:
    """``text`` in lower case, char for char (the few letters that lower to two stay)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def spell_digits(view: Normalized, languages: Iterable[str] | None = None) -> Normalized:
    """The view with numbers read out in words turned into digits.

    "zero seven nine one one, one two three four five six" → "07911123456", mapped back to
    the words. Runs with too few digits or words stay as they are, so prose is untouched.
    """
    runs = spelled_runs(_lowered(view.text), languages)
    return view.replace_spans(runs) if runs else view


# What a phone number is written with: digits (and O's for zeros), blanks, brackets, dashes
# and the emoji or dots put between its groups.
_NUMBERISH = rf"[\d{_OS}\s().+\-–—/*|•·~_\ufe0f\u20e3{_EMOJI}]"
_NUMBER_TAIL = re.compile(rf"{_NUMBERISH}*\Z")
_NUMBER_HEAD = re.compile(rf"{_NUMBERISH}*")
# Enough of each side to hold a few number words.
_EDGE_CHARS = 48


def number_edges(
    earlier: Sequence[str], head: str, languages: Iterable[str] | None = None
) -> tuple[list[str], str] | None:
    """Where a phone number could go on from the latest of the ``earlier`` messages (oldest
    first) into the start of ``head``: the ends of those messages and the start of the head
    that a number would be made of, or None when no number can run across.

    Digits on both sides ("+44 79" then "11 123456", even over several messages of digits
    only), or number words of ``languages`` ("zero seven" then "nine one one").
    """
    start = _NUMBER_HEAD.match(head).group()  # type: ignore[union-attr]
    if _DIGIT.search(start):
        pieces: list[str] = []
        for message in reversed(earlier):
            tail = _NUMBER_TAIL.search(message).group()  # type: ignore[union-attr]
            if not _DIGIT.search(tail):
                break
            pieces.insert(0, tail)
            if len(tail) < len(message):
                break  # the number starts in this message
        if pieces:
            return pieces, start
    if not earlier:
        return None
    tail, start = earlier[-1][-_EDGE_CHARS:], head[:_EDGE_CHARS]
    if number_word_at_edge(fold(tail), end=True, languages=languages) and number_word_at_edge(
        fold(start), end=False, languages=languages
    ):
        return [tail], start
    return None


def find_phones(
    view: Normalized, regions: Sequence[str] = (), languages: Iterable[str] | None = None
) -> Iterator[tuple[int, int, float, str]]:
    """Yield phone numbers as ``(start, end, confidence, evidence)`` in the ORIGINAL text.

    Valid numbers, long digit runs, digits spaced one by one, premium short codes and numbers
    read out in words. ``regions`` (checked with :func:`phone_regions`, in order) let national
    numbers written without a country code be validated; a bare long digit run counts with
    less confidence. Years, dates, prices, IP addresses, ISBNs and labelled order or parcel
    numbers are not phone numbers (``moderation.other_numbers``).
    """
    digits = len(_DIGIT.findall(view.text))
    if digits >= _MIN_PHONE_DIGITS:
        digit_view = _digit_view(view)
        for start, end, confidence, evidence in _numbers(digit_view.text, regions):
            yield *digit_view.to_original(start, end), confidence, evidence
    if digits >= _MIN_SHORT_CODE_DIGITS:
        for match in _SHORT_CODE.finditer(view.text):
            yield *view.to_original(*match.span("code")), 0.6, "premium-rate short code"
    # Nobody reads seven or more digits out one by one except to pass on a number: the run
    # itself is the finding, whether or not it validates for the region.
    for start, end, digits in spelled_runs(_lowered(view.text), languages):
        yield *view.to_original(start, end), 0.8, f"number spelled out in words ({digits})"


def _digit_view(view: Normalized) -> Normalized:
    """The view with the disguises of digit groups undone, one char for one where possible:
    O for zero, and emoji or spaced dashes between the groups read as a blank."""
    text = view.text
    edits = []
    if _O_NEXT_TO_DIGIT.search(text):
        edits += [
            (m.start(), m.end(), m.group().translate(_LOOKS_LIKE_DIGIT))
            for m in _O_FOR_ZERO.finditer(text)
        ]
    edits += [
        (*m.span("gap"), " ")
        for m in _GAP.finditer(text)
        if _SEPARATOR_OR_EMOJI.search(m["gap"]) and _BLANK_OR_EMOJI.search(m["gap"])
    ]
    if not edits:
        return view
    edits.sort()
    return view.replace_spans(edits)


def _numbers(text: str, regions: Sequence[str]) -> Iterator[tuple[int, int, float, str]]:
    covered: list[tuple[int, int]] = []

    def fresh(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in covered)

    for start, end, number, prefixed in _matches(text, regions, fresh):
        covered.append((start, end))
        if other_number(text, start, end, prefixed=prefixed):
            continue
        where = phonenumbers.region_code_for_number(number) or "international"
        yield start, end, 0.9, f"phone number ({where})"
    if "00" in text:
        yield from _international(text, covered)
    for match in _SPACED_DIGITS.finditer(text):
        if fresh(*match.span()) and not other_number(text, *match.span()):
            covered.append(match.span())
            yield match.start(), match.end(), 0.7, "digits spaced one by one"
    for match in _DIGIT_RUN.finditer(text):
        count = len(_DIGIT.findall(match.group()))
        if not _RUN_DIGITS[0] <= count <= _RUN_DIGITS[1] or not fresh(*match.span()):
            continue
        if other_number(text, *match.span()):
            continue
        yield match.start(), match.end(), 0.5, "long digit run shaped like a phone number"


def _matches(
    text: str, regions: Sequence[str], fresh: Callable[[int, int], bool]
) -> Iterator[tuple[int, int, phonenumbers.PhoneNumber, bool]]:
    """``(start, end, number, prefixed)`` for numbers valid in the first region, or written
    with their own country code, anywhere in ``text``; then for each stretch of digits still
    unexplained, the number it is in a further region, if any."""
    first, *others = regions or (None,)
    for match in PhoneNumberMatcher(text, first, leniency=Leniency.VALID):
        if fresh(match.start, match.end):
            prefixed = match.raw_string.lstrip("(").startswith(("+", "00"))
            yield match.start, match.end, match.number, prefixed
    if not others:
        return
    stretches = [
        (m.start() - (m.start() > 0 and text[m.start() - 1] == "("), m.end())
        for m in _STRETCH.finditer(text)
        if len(_DIGIT.findall(m.group())) >= _MIN_NATIONAL_DIGITS
    ]
    for start, end in stretches:
        for region in others:
            if not fresh(start, end):
                break
            number = _valid_number(text[start:end], region)
            if number is not None:
                yield start, end, number, False


def _international(
    text: str, covered: list[tuple[int, int]]
) -> Iterator[tuple[int, int, float, str]]:
    """Numbers dialled with 00 and a country code, read as if written with "+"."""
    for zeros in _DOUBLE_ZERO.finditer(text):
        start = zeros.start()
        stretch = _STRETCH.match(text, start)
        if stretch is None or any(s < stretch.end() and start < e for s, e in covered):
            continue
        # "0044 7911 123456" is "+44 7911 123456"; a group of other digits may follow it.
        breaks = (start + m.start() for m in _GROUP_BREAK.finditer(stretch.group()))
        for end in sorted((stretch.end(), *breaks), reverse=True)[:_MAX_TRAILING_GROUPS]:
            number = _valid_number("+" + text[start + 2 : end])
            if number is None:
                continue
            covered.append((start, end))
            if not other_number(text, start, end, prefixed=True):
                where = phonenumbers.region_code_for_number(number) or "international"
                yield start, end, 0.9, f"phone number ({where})"
            break


def _valid_number(candidate: str, region: str | None = None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None
