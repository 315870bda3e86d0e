"""Disguised words: look-alike letters from another script, and leetspeak.

Both folds work word by word and replace one character by one, so the position map of the
text they rewrite (see ``moderation.normalization``) stays valid. They touch a word only where
it is disguised: text written in its own script, and numbers, stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import product

from confusable_homoglyphs import categories, confusables

from moderation import lexicon as lexicons
from moderation.characters import fold_char, script_mark

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

# The lexicons' lists whose words leetspeak hides ("@dd m3", "$end m0ney", "c4sh"): the words
# of asking for a contact or for money, and what is asked for. Platform names come from every
# lexicon's platform tables (``lexicon.known_platform_names``).
_INTENT_LISTS = {
    "contact": ("intents", "ask_number", "phone_words", "id_words", "at", "dot"),
    "payment": ("cues", "amount_requests", "money", "gift_cards", "services", "bank", "crypto"),
}
_COMMON_LISTS = {
    "contact": ("mail_providers", "mail_words"),
    "payment": ("services", "brands", "crypto"),
}
# What an entry holds besides its words: escapes ("\\b"), word lists ("{amount}"), classes.
_ENTRY_SYNTAX = re.compile(r"\\.|\{[a-z_]+\}|\[[^\]]*\]")
_ENTRY_WORD = re.compile(r"[^\W\d_]+(\?)?")
# A target of leetspeak is a word of these scripts: the ones the tables below read.
_LEET_SCRIPT_WORD = re.compile(r"[a-z]{2,}|[\u0400-\u04ff]{2,}")
_TOKEN = re.compile(r"[^\W_]+")
_CYRILLIC_OR_GREEK = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u1d00-\u1dbf\u1f00-\u1fff\ua640-\ua69f]"
)
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# Leetspeak: digits and symbols written for the letters they look like, in a Latin word
# ("t3l3gr4m", "vi8er", "s!gnal") or a Cyrillic one ("т3л3га", "в4йб3р"). Some stand for two
# letters. (In other scripts a digit or symbol in a platform's name is read by
# ``moderation.platform_names``.)
_LEET_LATIN = {
    "0": "o",
    "1": "il",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "il",
    "€": "e",
}
_LEET_CYRILLIC = {"0": "о", "1": "і", "3": "ез", "4": "ач", "6": "б", "@": "а"}
_CYRILLIC_LOWER = "а-яёіїєґў"
_LEET_SIGNS = "013456789@$!|€"
_LEET_WORD_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyz0123456789@$!|€абвгдежзийклмнопрстуфхцчшщъыьэюяёіїєґў"
)
# Signs that end a clause or a word as often as they stand for a letter ("hi!", "a|b"): they
# count only inside a word.
_INNER_ONLY = frozenset("!|€")
# A digit or symbol next to a letter. Written to start with the character class, which the
# regex engine scans for fast: most messages have none.
_LEET_HINT = re.compile(
    rf"[{_LEET_SIGNS}](?<=[a-z{_CYRILLIC_LOWER}][{_LEET_SIGNS}])"
    rf"|[{_LEET_SIGNS}](?=[a-z{_CYRILLIC_LOWER}])"
)
# A word of two characters is read with the usual signs only: "w8", "f8" and "t9" are no names.
_LEET_LATIN_SHORT = {sign: _LEET_LATIN[sign] for sign in "013457@$"}
_CYRILLIC_LETTER = re.compile(f"[{_CYRILLIC_LOWER}]")
_MAX_LEET_WORD = 24
_MAX_READINGS = 16
# A name this long is still recognised with an ending after it ("t3l3gr4mie", "т3л3гу").
_MIN_STEM = 5
# A word that starts with a digit ("1nsta") is a disguise only of a name this long at least:
# "1g", "5c" and "4s" are quantities.
_MIN_AFTER_DIGIT = 3
# Words this short spell a word of asking only in a message with a longer disguised word.
_MAX_ABBREVIATION = 3
# Names wholly in look-alike letters ("ΚΙΚ") are this long at least: shorter ones are words.
_MIN_LOOKALIKE = 3


def disguise_targets() -> tuple[frozenset[str], frozenset[str]]:
    """The platform names and the intent words (lower case, Latin or Cyrillic, as the words
    view folds them) whose disguises are undone, read from the lexicons once."""
    return _targets()


@cache
def _targets() -> tuple[frozenset[str], frozenset[str]]:
    names = {"".join(name.split()) for name in lexicons.known_platform_names()}
    platforms = frozenset(_leet_words(names))
    words: list[str] = []
    common = lexicons.common()
    for section, keys in _COMMON_LISTS.items():
        table = getattr(common, section)
        words += _entry_words(entry for key in keys for entry in table.get(key, ()))
    for lex in lexicons.load_lexicons().values():
        words += _entry_words(entry for entries in lex.words.values() for entry in entries)
        for section, keys in _INTENT_LISTS.items():
            table = getattr(lex, section)
            words += _entry_words(entry for key in keys for entry in table.get(key, ()))
    return platforms, frozenset(_leet_words(words)) - platforms


def _entry_words(entries: Iterable[str]) -> list[str]:
    """The words a lexicon entry is written with ("dollars?" gives "dollars" and "dollar";
    "cash ?app" gives "cash", "app" and "cashapp")."""
    words = []
    for entry in entries:
        plain = _ENTRY_SYNTAX.sub(" ", entry)
        for variant in (plain, plain.replace(" ?", "")):
            for match in _ENTRY_WORD.finditer(variant):
                word = match.group().rstrip("?")
                words.append(word)
                if match.group(1):
                    words.append(word[:-1])
    return words


def _leet_words(words: Iterable[str]) -> Iterable[str]:
    """The ``words`` leetspeak can disguise, folded as the words view folds them."""
    for word in words:
        folded = "".join(
            char for char, mark in map(fold_char, word) if not mark or script_mark(char)
        ).lower()
        if _LEET_SCRIPT_WORD.fullmatch(folded):
            yield folded


@cache
def _stems() -> frozenset[str]:
    """The platform names an ending may follow."""
    return frozenset(name for name in _targets()[0] if len(name) >= _MIN_STEM)


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
        known = to_latin.isascii() and to_latin.lower() in platforms
        return to_latin if known and len(to_latin) >= _MIN_LOOKALIKE else word
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
    spells nothing known ("b4", "4x4", "l33t") and every number stay as written. A word of
    three characters or fewer ("w4", "no1") folds only to a platform's name, unless it has
    an "@" or "$" or the message has a word that was disguised ("@dd m3 0n t3l3gram").
    """
    words: list[tuple[int, int]] = []
    end = 0
    for hint in _LEET_HINT.finditer(text):
        if hint.start() < end:
            continue  # inside the word just read
        # The word around a letter written next to a digit or symbol.
        start, end = hint.start(), hint.end()
        while start > 0 and text[start - 1] in _LEET_WORD_CHARS:
            start -= 1
        while end < len(text) and text[end] in _LEET_WORD_CHARS:
            end += 1
        low, high = start, end
        while low < high and text[low] in _INNER_ONLY:
            low += 1
        while high > low and text[high - 1] in _INNER_ONLY:
            high -= 1
        if high - low > 1:
            words.append((low, high))
    if not words:
        return text
    folded = {span: _unleet(text[span[0] : span[1]], False) for span in words}
    if any(folded.values()):
        # The sender writes in leetspeak: short words are disguised words too ("m3", "0n").
        for span, found in folded.items():
            if found is None:
                folded[span] = _unleet(text[span[0] : span[1]], True)
    pieces: list[str] = []
    last = 0
    for (start, end), found in folded.items():
        if found is not None:
            pieces += (text[last:start], found)
            last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


@lru_cache(maxsize=8192)
def _unleet(word: str, in_leet: bool) -> str | None:
    """``word`` with its leetspeak undone if it then spells a known name (an ending may
    follow a long one) or, but for a short word outside a message ``in_leet``, a word of
    asking; else None."""
    if len(word) > _MAX_LEET_WORD or word.isalpha():
        return None
    if _CYRILLIC_LETTER.search(word):
        table = _LEET_CYRILLIC
    else:
        table = _LEET_LATIN_SHORT if len(word) <= 2 else _LEET_LATIN
    choices = [c if c.isalpha() else table.get(c, c) for c in word]
    if any(not c.isalpha() for c in "".join(choices)):
        return None  # a digit that stands for no letter: a number, a code
    readings = 1
    for options in choices:
        readings *= len(options)
    if readings > _MAX_READINGS:
        return None
    platforms, intents = disguise_targets()
    # A short word with a digit is as often an abbreviation ("no1", "b4", "1st", "mp3") as a
    # disguise; "@" and "$" are only ever written for letters.
    deliberate = "@" in word or "$" in word
    names_only = len(word) <= _MAX_ABBREVIATION and not deliberate and not in_leet
    by_digit = word[0].isdigit()
    shortest = _MIN_AFTER_DIGIT if by_digit else 2
    stems = _stems()
    for letters in product(*choices):
        candidate = "".join(letters)
        if candidate in platforms and len(candidate) >= shortest:
            return candidate
        if candidate in intents and not names_only:
            return candidate
        for end in range(_MIN_STEM, len(candidate)):
            # A name with an ending in letters: "t3l3gr4mie".
            if candidate[:end] in stems and word[end:].isalpha():
                return candidate
    return None
