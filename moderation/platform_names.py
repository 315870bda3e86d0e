"""Platform names with something slipped into them: "v❤信", "tele•gram", "wh*tsapp", "카❤톡",
"وتس4ب", "微1信".

Senders break a name up with an emoji or a symbol, or write one in place of a letter, so that
a filter looking for the name misses it. Leetspeak in Latin and Cyrillic words is undone for
every detector by ``moderation.disguises``; what is left is mended here, on the handle
detector's view only, and only where the result is a platform name some lexicon knows: a
symbol between two words that make no name together stays. A digit counts as slipped in
only between letters of a script other than Latin (normalization puts blanks around digits
in Chinese, Japanese, Korean or Thai text, so one-for-one leetspeak cannot reach them there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from moderation import lexicon as lexicons
from moderation.cues import fold
from moderation.keywords import SPACED_LETTERS
from moderation.normalization import Normalized

__all__ = ["mend_platform_names"]

# A letter, or a vowel sign or virama of a script that writes its vowels as marks
# (Devanagari and the other Indic scripts, Thai, Lao, Myanmar, Khmer): part of a word there.
_MARKED_SCRIPTS = "\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_LETTER = rf"(?:[^\W\d_]|[{_MARKED_SCRIPTS}])"
# What may be slipped in: a symbol or emoji, light punctuation, or (between letters of other
# scripts than Latin) a digit; not what ends a clause or quotes ("tele, gram", "what's").
# Written as one class of code points so that the regex engine scans for it fast.
_SYMBOLS = (
    "#$%&*+\\-./=@\\\\^_`|~"  # ASCII, less what ends a clause or quotes
    "\u00a1-\u00bf\u00d7\u00f7"  # Latin-1 signs
    "\u2010-\u2017\u2020-\u2027\u2030-\u2038\u203b-\u205e"  # dashes, bullets, daggers
    "\u20a0-\u20cf\u2190-\u2bff"  # currency, arrows, maths, shapes, dingbats
    "\u3003-\u3007\u3012\u3013\u3020\u3030\u303d"  # CJK signs (not its brackets or stops)
    "\U0001f000-\U0001faff"  # emoji
)
_SLIPPED = f"[{_SYMBOLS}0-9]"
_NOT_LATIN = "[^\\x00-\\x7f]"
# One to three such characters between two letters, with a blank on either side at most (the
# blank normalization puts between Latin or digits and Chinese, Japanese, Korean or Thai). A
# digit counts only between letters of other scripts than Latin.
_FILLER = re.compile(
    rf"{_SLIPPED}(?:(?<={_LETTER}[{_SYMBOLS}])|(?<={_LETTER} [{_SYMBOLS}])"
    rf"|(?<={_NOT_LATIN}[0-9])|(?<={_NOT_LATIN} [0-9])){_SLIPPED}{{0,2}}( ?)(?={_LETTER})"
)
_SPACED = re.compile(f"[{SPACED_LETTERS}]")
# A digit written for the last letter of a name in a script other than Latin ("انست4"; in
# Latin and Cyrillic words leetspeak is ``moderation.disguises``'s).
_LAST_DIGIT = re.compile(rf"[0-9](?<={_NOT_LATIN}[0-9])(?!{_LETTER}|[0-9])")
_DIGIT = re.compile(r"\d")
# Marks a filler may hold only when written tight inside a word ("telegra.m"), never with a
# blank around it (". " ends a sentence).
_TIGHT_ONLY = re.compile(r"[.\-_*/\\|+]")
# Names in scripts with blanks between words are this long at least when mended (a symbol
# between "I" and "G" makes no "ig"); in the other scripts two characters make a name ("카톡").
_MIN_SPACED = 4
_MIN_UNSPACED = 2
# A name this long may be followed by an ending ("telegra.mie") and still be mended.
_MIN_STEM = 5
# How many letters on either side of a filler in Chinese, Japanese, Korean or Thai text can
# belong to the name it breaks.
_REACH = 8
_GAP = "\0"


def mend_platform_names(view: Normalized) -> Normalized:
    """``view`` with what is slipped into a platform's name taken out, or put back as a
    letter, where that makes a name the lexicons know; ``view`` itself when there is none."""
    text = view.text
    fillers = [span for match in _FILLER.finditer(text) if (span := _filler(match, text))]
    edits: list[tuple[int, int, str]] = []
    if fillers:
        for word in _words(fillers, text):
            edits += _mended(word, text)
    if not text.isascii():
        for match in _LAST_DIGIT.finditer(text):
            head = _letters_before(text, match.start())
            if len(head) + 1 >= _MIN_STEM and _SPACED.match(head[-1]):
                letter = _GAPPED.get(head + _GAP)
                if letter is not None:
                    edits.append((match.start(), match.end(), letter))
    return view.replace_spans(sorted(edits)) if edits else view


def _filler(match: re.Match[str], text: str) -> tuple[int, int] | None:
    """The span of a filler with the blanks around it, if it may have been slipped in."""
    start, end = match.span()
    blank_before = text[start - 1] == " "
    slipped = text[start : match.start(1)]
    if (blank_before or match.group(1)) and _TIGHT_ONLY.search(slipped):
        return None
    if _DIGIT.search(slipped) and (text[start - 1 - blank_before].isascii() or text[end].isascii()):
        return None
    return start - blank_before, end


def _words(fillers: list[tuple[int, int]], text: str) -> Iterable[list[tuple[int, int]]]:
    """The fillers grouped by the word they break: consecutive ones with only letters between."""
    word = [fillers[0]]
    for start, end in fillers[1:]:
        between = text[word[-1][1] : start]
        if between and all(map(_is_letter, between)):
            word.append((start, end))
        else:
            yield word
            word = [(start, end)]
    yield word


def _is_letter(char: str) -> bool:
    """A letter, or a mark of the scripts that write vowels as marks (``_LETTER``)."""
    return char.isalpha() or "\u0900" <= char <= "\u17ff"


def _letters_before(text: str, end: int) -> str:
    start = end
    while start > 0 and _is_letter(text[start - 1]):
        start -= 1
    return text[start:end]


def _letters_after(text: str, start: int) -> str:
    end = start
    while end < len(text) and _is_letter(text[end]):
        end += 1
    return text[start:end]


def _mended(word: list[tuple[int, int]], text: str) -> list[tuple[int, int, str]]:
    """Edits that mend one word broken by the fillers ``word``, or none."""
    pieces = [_letters_before(text, word[0][0])]
    gaps = zip(word, word[1:], strict=False)
    pieces += [text[end:following] for (_, end), (following, _) in gaps]
    pieces.append(_letters_after(text, word[-1][1]))
    spaced = all(_SPACED.match(text[start - 1]) and _SPACED.match(text[end]) for start, end in word)
    plan = _plan(tuple(pieces), tuple(text[start:end] for start, end in word), spaced)
    return [
        (start, end, new) for (start, end), new in zip(word, plan, strict=True) if new is not None
    ]


@lru_cache(maxsize=4096)
def _plan(
    pieces: tuple[str, ...], fillers: tuple[str, ...], spaced: bool
) -> tuple[str | None, ...]:
    """What becomes of each filler between the letters ``pieces``: "" (taken out), a letter
    (put back), or None (left: no name runs across it)."""
    if spaced:
        return _plan_spaced(pieces, fillers)
    return _plan_unspaced(pieces, fillers)


def _plan_spaced(pieces: tuple[str, ...], fillers: tuple[str, ...]) -> tuple[str | None, ...]:
    """A word of a spaced script is mended as a whole: all its fillers go, or its one filler
    of one character stands for a letter."""
    joined = "".join(pieces)
    if _is_name(joined, len(joined) - len(pieces[-1])):
        return ("",) * len(fillers)
    if len(fillers) == 1 and len(fillers[0]) == 1:
        letter = _letter_for(pieces[0] + _GAP + pieces[1], len(pieces[0]) + 1)
        if letter is not None:
            return (letter,)
    return (None,) * len(fillers)


def _is_name(joined: str, last_join: int) -> bool:
    """Whether ``joined`` is a name, or starts with a long one that spans every join."""
    if joined in _NAMES:
        return len(joined) >= _MIN_SPACED
    stems = range(max(_MIN_STEM, last_join + 1), len(joined))
    return any(joined[:end] in _NAMES for end in stems)


def _letter_for(with_gap: str, past_gap: int) -> str | None:
    """The letter a gap in ``with_gap`` stands for, if the whole (or a long start of it that
    reaches past the gap) is a name with that letter."""
    letter = _GAPPED.get(with_gap)
    if letter is not None:
        return letter
    for end in range(max(_MIN_STEM, past_gap), len(with_gap)):
        letter = _GAPPED.get(with_gap[:end])
        if letter is not None:
            return letter
    return None


def _plan_unspaced(pieces: tuple[str, ...], fillers: tuple[str, ...]) -> tuple[str | None, ...]:
    """In Chinese, Japanese, Korean or Thai text a name is any run of letters: each filler
    goes (or stands for a letter) when a name runs across it."""
    plan: list[str | None] = []
    for index, filler in enumerate(fillers):
        left, right = pieces[index][-_REACH:], pieces[index + 1][:_REACH]
        if _spans(left, right):
            plan.append("")
        else:
            plan.append(_gap_letter(left, right) if len(filler.strip()) == 1 else None)
    return tuple(plan)


def _spans(left: str, right: str) -> bool:
    """Whether the end of ``left`` and the start of ``right`` make a name together."""
    for size in range(1, len(left) + 1):
        start = left[-size:]
        for end in range(1, len(right) + 1):
            candidate = start + right[:end]
            if len(candidate) >= _MIN_UNSPACED and candidate in _NAMES:
                return True
    return False


def _gap_letter(left: str, right: str) -> str | None:
    """The letter that the end of ``left``, it and the start of ``right`` make a name with."""
    for size in range(1, len(left) + 1):
        start = left[-size:] + _GAP
        for end in range(1, len(right) + 1):
            letter = _GAPPED.get(start + right[:end])
            if letter is not None:
                return letter
    return None


def _read_names() -> frozenset[str]:
    """Every platform name of every lexicon as the view folds it, without blanks: a name is
    mended from the letters around what was slipped in ("v" and "信" of "v❤信")."""
    return frozenset("".join(fold(name).split()) for name in lexicons.known_platform_names()) - {""}


def _read_gapped(names: frozenset[str]) -> dict[str, str]:
    """Each name of four letters or more with one inner letter taken out ("wh\\0tsapp") →
    that letter: what a symbol written for the letter leaves. A name of another script than
    Latin also without its last letter ("انست\\0"): a digit at the end of a word is read so."""
    gapped: dict[str, str] = {}
    for name in sorted(names):  # the same letter whatever the order of the set
        if len(name) < _MIN_SPACED:
            continue
        for index in range(1, len(name) - 1):
            gapped.setdefault(name[:index] + _GAP + name[index + 1 :], name[index])
        if len(name) >= _MIN_STEM and not name.isascii():
            gapped.setdefault(name[:-1] + _GAP, name[-1])
    return gapped


# Read when the handle detector is compiled, at start (``ModerationConfig.ready``).
_NAMES = _read_names()
_GAPPED = _read_gapped(_NAMES)
