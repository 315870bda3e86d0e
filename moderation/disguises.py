"""Disguised words: look-alike letters from another script, and leetspeak.

Both folds work word by word and replace one character by one, so the position map of the
text they rewrite (see ``moderation.normalization``) stays valid. They touch a word only where
it is disguised: text written in its own script, and numbers, stay as they are.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from confusable_homoglyphs import categories, confusables

__all__ = ["LOOKALIKE_SCRIPTS", "disguise_targets", "fold_leet", "fold_lookalikes"]

LOOKALIKE_SCRIPTS = frozenset(("CYRILLIC", "GREEK"))


def _homoglyph_table() -> dict[str, str]:
    """Cyrillic and Greek letters → the ASCII letter they are drawn like.

    The Unicode confusables data (via confusable-homoglyphs) gives the candidates; a candidate
    of the same case wins so that case-sensitive identifiers survive. Letters only: a Cyrillic
    "з" is not folded to "3", which would turn words into digit runs.
    """
    table: dict[str, str] = {}
    for char, entries in confusables.confusables_data.items():
        if len(char) != 1 or categories.alias(char) not in LOOKALIKE_SCRIPTS:
            continue
        letters = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii()]
        letters = [c for c in letters if c.isalpha()]
        if letters:
            same_case = [c for c in letters if c.isupper() == char.isupper()]
            table[char] = (same_case or letters)[0]
    # Look-alikes the confusables data leaves out (lower-case forms of letters it lists in
    # upper case, and italic-looking ones) plus the case fixes it gets "wrong" for us.
    table.update(zip("кпгьишмнтвІΙΚԁӏ", "knrbuwmhtbIIKdl", strict=True))
    return table


# Cyrillic or Greek look-alike → Latin, for a Latin word with letters slipped in ("tеlеgram").
_TO_LATIN: dict[str, str] = _homoglyph_table()
# Latin → Cyrillic, for a Russian or Ukrainian word with Latin letters slipped in ("тeлeгa").
# Only letters drawn the same in both scripts.
_TO_CYRILLIC: dict[str, str] = dict(
    zip("aceopxyiABCEHIKMOPTXY", "асеорхуіАВСЕНІКМОРТХУ", strict=True)
)

# Names whose disguises fold even outside a mixed word (a platform written wholly in look-alike
# letters, "ΚΙΚ", "ѕкуре", or in leetspeak, "t3l3gram") and the words of asking that leetspeak
# hides ("@dd m3", "$end m0ney"). These stand in until the lexicon loader (moderation/lexicons)
# provides the platform names and intent words of every language: ``disguise_targets`` is the
# one place to read them from.
_PLATFORM_NAME_LIST = (
    "telegram telega whatsapp watsap wasap whats snapchat snap instagram insta kik wechat "
    "weixin line signal viber discord skype facebook messenger tiktok kakao kakaotalk zalo "
    "threema onlyfans twitter gmail hotmail outlook yahoo icloud paypal venmo zelle cashapp "
    "revolut bitcoin btc usdt tether crypto steam itunes amazon "
    "zap zapzap телеграм телеграмм телега телег вотсап ватсап вацап вайбер инстаграм инста"
)
_INTENT_WORD_LIST = (
    "add me my your text call message msg dm contact chat talk on at to is dot com send "
    "pay wire transfer buy money cash gift card cards code number phone email mail account "
    "bank deposit invest"
)
_PLATFORM_NAMES = frozenset(_PLATFORM_NAME_LIST.split())
_INTENT_WORDS = frozenset(_INTENT_WORD_LIST.split())

_TOKEN = re.compile(r"[^\W_]+")
_CYRILLIC_OR_GREEK = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u1d00-\u1dbf\u1f00-\u1fff\ua640-\ua69f]"
)
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# Leetspeak: digits and symbols written for the letters they look like, in a Latin word
# ("t3l3gr4m") or a Cyrillic one ("т3л3га", "в4йб3р"). Some stand for two letters.
_LEET_LATIN = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_CYRILLIC = {"0": "о", "3": "ез", "4": "ач", "6": "б", "@": "а"}
_CYRILLIC_LOWER = "а-яёіїєґў"
_LEET_WORD_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyz0123456789@$абвгдежзийклмнопрстуфхцчшщъыьэюяёіїєґў"
)
# A digit or symbol next to a letter. Written to start with the character class, which the
# regex engine scans for fast: most messages have none.
_LEET_HINT = re.compile(
    rf"[013457@$6](?<=[a-z{_CYRILLIC_LOWER}][013457@$6])|[013457@$6](?=[a-z{_CYRILLIC_LOWER}])"
)
_CYRILLIC_LETTER = re.compile(f"[{_CYRILLIC_LOWER}]")
_MAX_LEET_WORD = 24
_MAX_READINGS = 16
# A name this long is still recognised with an ending after it ("t3l3gr4mie", "т3л3гу").
_MIN_STEM = 5


def disguise_targets() -> tuple[frozenset[str], frozenset[str]]:
    """The platform names and the intent words (lower case) whose disguises are undone."""
    return _PLATFORM_NAMES, _INTENT_WORDS


def fold_lookalikes(text: str) -> str:
    """``text`` with look-alike letters folded where they disguise a word, one char for one.

    A word mixing Latin with Cyrillic or Greek letters is folded to the script most of its
    letters are in (Latin unless it reads as a Russian or Ukrainian word with Latin letters
    slipped in); a word wholly in Cyrillic or Greek folds to Latin only when it spells a known
    name. Every other word stays in the script it is written in.
    """
    if not _CYRILLIC_OR_GREEK.search(text):
        return text
    pieces: list[str] = []
    last = 0
    for match in _TOKEN.finditer(text):
        word = match.group()
        folded = _fold_word(word)
        if folded != word:
            pieces.append(text[last : match.start()])
            pieces.append(folded)
            last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


@lru_cache(maxsize=8192)
def _fold_word(word: str) -> str:
    if word.isascii() or not _CYRILLIC_OR_GREEK.search(word):
        return word
    latin = len(_ASCII_LETTER.findall(word))
    to_latin = "".join(_TO_LATIN.get(c, c) for c in word)
    if latin == 0:
        # Wholly in another script: a disguise only if every letter is a look-alike and
        # together they spell a known name ("ΚΙΚ"); "сор" or "рос" are Russian words.
        platforms, _ = disguise_targets()
        return to_latin if to_latin.isascii() and to_latin.lower() in platforms else word
    if to_latin.lower() in disguise_targets()[0]:
        return to_latin
    foreign = [c for c in word if c.isalpha() and not c.isascii()]
    latin_complete = all(c in _TO_LATIN for c in foreign)
    cyrillic_possible = all(categories.alias(c) == "CYRILLIC" for c in foreign) and all(
        c in _TO_CYRILLIC for c in word if c.isascii() and c.isalpha()
    )
    # The script that leaves a word in one script wins; if both do, the script of most letters.
    if cyrillic_possible and (not latin_complete or len(foreign) > latin):
        return "".join(_TO_CYRILLIC.get(c, c) for c in word)
    return to_latin


def fold_leet(text: str) -> str:
    """``text`` (lower case) with leetspeak undone in the words it disguises, one char for one.

    "t3l3gram", "wh4tsapp", "@dd m3", "ca$h" become the name or word they spell; a word that
    spells nothing known ("b4", "4x4", "l33t") and every number stay as written.
    """
    pieces: list[str] = []
    last = end = 0
    for hint in _LEET_HINT.finditer(text):
        if hint.start() < end:
            continue  # inside the word just read
        # The word around a letter written next to a digit or symbol.
        start, end = hint.start(), hint.end()
        while start > 0 and text[start - 1] in _LEET_WORD_CHARS:
            start -= 1
        while end < len(text) and text[end] in _LEET_WORD_CHARS:
            end += 1
        folded = _unleet(text[start:end])
        if folded is not None:
            pieces.append(text[last:start])
            pieces.append(folded)
            last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


@lru_cache(maxsize=8192)
def _unleet(word: str) -> str | None:
    """``word`` with its leetspeak undone if it then spells a known name (an ending may
    follow a long one) or intent word; else None."""
    if len(word) > _MAX_LEET_WORD or word.isalpha():
        return None
    table = _LEET_CYRILLIC if _CYRILLIC_LETTER.search(word) else _LEET_LATIN
    choices = [table.get(c, c) if not c.isalpha() else c for c in word]
    if any(not c.isalpha() for c in "".join(choices)):
        return None  # a digit that stands for no letter: a number, a code
    readings = 1
    for options in choices:
        readings *= len(options)
    if readings > _MAX_READINGS:
        return None
    platforms, intents = disguise_targets()
    for letters in product(*choices):
        candidate = "".join(letters)
        if candidate in platforms or candidate in intents:
            return candidate
        if any(candidate.startswith(name) for name in platforms if len(name) >= _MIN_STEM):
            return candidate
    return None
