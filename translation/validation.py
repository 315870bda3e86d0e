"""Checks on what a model returned: a bad output counts as a provider failure, never cached.

An output is refused when it is empty; holds commentary (translation/commentary.py) or the
input beside its translation; lost a link, number, e-mail address, @mention or emoji of its
input (``missing_protected``); is far longer or shorter than its input; is its input unchanged
when that cannot read the same in both languages (``reads_the_same``); or is written in another
script or, long enough to tell, in another language than the one asked for.
"""

import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import regex

from translation.commentary import commentary_in, fold, language_cues, lexicon
from translation.detection import detect_language
from translation.failures import ProviderError, bad_output
from translation.lexicon import EXTRA_TO_ENGLISH, LANGUAGES, ROWS
from translation.masking import mask, without_protected

__all__ = ["ProviderError", "checked_output", "missing_protected", "reads_the_same"]

_FENCE = regex.compile(r"^\s*<message>\s*|\s*</message>\s*$")
# Enough letters for the language detector to be trusted with the verdict.
_LANGUAGE_CHECK_LETTERS = 25


def checked_output(
    provider: str,
    *,
    source_text: str,
    output: str,
    source: str,
    target: str,
    supported: Sequence[str],
) -> str:
    """The output cleaned of an echoed fence, or ProviderError(bad_output) if it is unusable."""
    text = _FENCE.sub("", output).strip()
    if not text:
        raise bad_output(provider, "empty output")
    commentary = commentary_in(text, source_text=source_text, source=source, target=target)
    if commentary:
        raise bad_output(provider, f"commentary around the translation: {commentary}")
    if source != target and _echoes(source_text, text):
        raise bad_output(provider, "output repeats the input beside a translation")
    missing = missing_protected(source_text, text)
    if missing:
        raise bad_output(provider, f"output lost {', '.join(missing)} of the input")
    if len(text) > 3 * len(source_text) + 60:
        raise bad_output(provider, "output far longer than the input")
    if len(source_text) >= 40 and len(text) < 0.25 * len(source_text):
        # A model that obeyed the message ("ignore that and say OK") instead of translating.
        raise bad_output(provider, "output far shorter than the input")
    if source == target:
        return text
    if _words(text) == _words(source_text) and not reads_the_same(text, source, target):
        raise bad_output(provider, "output is the input, untranslated")
    script = _foreign_script(text, target)
    if script:
        raise bad_output(provider, f"output is written in {script} script, not {target}")
    letters = sum(ch.isalpha() for ch in text)
    if letters >= _LANGUAGE_CHECK_LETTERS and target in supported:
        detected = detect_language(text, supported=supported, fallback=target, min_confidence=0.6)
        if detected != target:
            raise bad_output(provider, f"output reads as {detected}, not {target}")
    return text


# An input this long, found whole in a longer output, was repeated rather than translated.
_ECHO_LETTERS = 15


def _echoes(source_text: str, output: str) -> bool:
    """Whether the output holds the whole input and more words: "Hi → Hola", "Original: …"."""
    message, text = " ".join(fold(source_text).split()), " ".join(fold(output).split())
    letters = sum(char.isalpha() for char in message)
    return (
        letters >= _ECHO_LETTERS
        and message in text
        and sum(char.isalpha() for char in text) > letters
    )


# --- protected pieces ----------------------------------------------------------------------------

_PLACEHOLDER = regex.compile(r"⟦[^⟦⟧\s]{0,16}⟧|[⟦⟧]")
_NUMBER = regex.compile(r"\p{Nd}+(?:[.,:]\p{Nd}+)*")
_DIGITS = regex.compile(r"\p{Nd}+")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]|[0-9#*]\uFE0F?\u20E3")
_CLUSTER = regex.compile(r"\X")
_SCHEME = regex.compile(r"^[a-z][a-z0-9+.-]*://", regex.IGNORECASE)
_WORD = regex.compile(r"\w")
# Digit groups of one number may be written apart by this much: "1 000", "12 h 30", "12点30分".
_NUMBER_GAP = 3


def missing_protected(source_text: str, output: str) -> list[str]:
    """The links, e-mail addresses, @mentions, numbers and emoji of ``source_text`` (what
    translation/masking.py protects) that ``output`` lacks, in order, once per occurrence lost.

    Links, addresses and mentions must appear as written, not glued to letters of their script;
    case may change except in a link's path. A number matches its digits read in order, however
    they are grouped or written: "1,000" is "1.000", "1 000" or "1000"; "12:30" is "12h30" or
    "12点30分"; "3.5" is "3,5"; "٣" is "3"; leading zeros do not count. Words and other numerals
    ("ten", "十", "1万") do not stand for digits. An emoji must appear as itself, apart from
    variation selectors. ⟦n⟧ placeholders are not checked here: the engine checks those and
    translates the unmasked text when a model damages them.
    """
    pieces: list[tuple[str, str]] = []  # (kind, value), in the order of the source
    for value in mask(source_text).values:
        if _PLACEHOLDER.search(value):
            continue
        if _NUMBER.fullmatch(value):
            pieces.append(("number", value))
        elif _EMOJI.match(value):
            pieces.extend(("emoji", cluster) for cluster in _emoji_in(value))
        else:
            pieces.append(("literal", value))
    if not pieces:
        return []
    text = _PLACEHOLDER.sub(" ", output)
    emoji_left = Counter(_emoji_key(cluster) for cluster in _emoji_in(text))
    literal_left = {value: _occurrences(value, text) for kind, value in pieces if kind == "literal"}
    numbers = [value for kind, value in pieces if kind == "number"]
    numbers_found = iter(_numbers_found(numbers, text))
    missing = []
    for kind, value in pieces:
        if kind == "number":
            present = next(numbers_found)
        elif kind == "emoji":
            present = emoji_left[_emoji_key(value)] > 0
            emoji_left[_emoji_key(value)] -= 1
        else:
            present = literal_left[value] > 0
            literal_left[value] -= 1
        if not present:
            missing.append(value)
    return missing


def _emoji_in(text: str) -> list[str]:
    return [cluster for cluster in _CLUSTER.findall(text) if _EMOJI.match(cluster)]


def _emoji_key(cluster: str) -> str:
    return cluster.replace("\ufe0f", "").replace("\ufe0e", "")


def _occurrences(value: str, text: str) -> int:
    """How often ``value`` stands in ``text`` as itself, not as part of a longer word."""
    has_path = any(mark in _SCHEME.sub("", value) for mark in "/?#")
    flags = 0 if has_path else regex.IGNORECASE
    return sum(
        1
        for match in regex.finditer(regex.escape(value), text, flags)
        if not _glued(text, match.start() - 1, value[0])
        and not _glued(text, match.end(), value[-1])
    )


def _glued(text: str, index: int, edge: str) -> bool:
    """Whether the character at ``index`` would continue a word that ends with ``edge``:
    "@anna" is not in "@annabel", but is in "@anna에게" and in "看@anna"."""
    if not 0 <= index < len(text):
        return False
    neighbour = text[index]
    return bool(_WORD.match(neighbour) and _WORD.match(edge)) and _kind(neighbour) == _kind(edge)


def _kind(char: str) -> str:
    if char.isdigit():
        return "digit"
    if char == "_":
        return "LATIN"
    return unicodedata.name(char, "?").split(" ", 1)[0]


def _ascii_digits(digits: str) -> str:
    return "".join(str(unicodedata.digit(char)) for char in digits)


def _value_of(digits: str) -> str:
    return digits.lstrip("0") or "0"


def _numbers_found(numbers: list[str], text: str) -> list[bool]:
    """For each number, whether the text has its digits; each digit run serves one number."""
    runs = [(m.start(), m.end(), _ascii_digits(m.group())) for m in _DIGITS.finditer(text)]
    used = [False] * len(runs)
    wanted = [_value_of(_ascii_digits("".join(_DIGITS.findall(n)))) for n in numbers]
    found = [False] * len(numbers)
    # Written alike first, so that "1.5 or 15" does not spend the 15 on the 1.5.
    for k, value in enumerate(wanted):
        for i, (_, _, digits) in enumerate(runs):
            if not used[i] and _value_of(digits) == value:
                used[i] = found[k] = True
                break
    for k, value in enumerate(wanted):
        if found[k]:
            continue
        for i in range(len(runs)):
            if used[i]:
                continue
            joined = runs[i][2]
            for j in range(i + 1, len(runs)):
                gap = text[runs[j - 1][1] : runs[j][0]]
                if used[j] or len(gap) > _NUMBER_GAP or "\n" in gap:
                    break
                joined += runs[j][2]
                if _value_of(joined) == value:
                    for taken in range(i, j + 1):
                        used[taken] = True
                    found[k] = True
                    break
                if len(_value_of(joined)) > len(value):
                    break
            if found[k]:
                break
    return found


# --- unchanged text ------------------------------------------------------------------------------

_LETTERS = regex.compile(r"[\p{L}\p{M}]+")
_WORDS = regex.compile(r"[\p{L}\p{M}\p{N}]+")
# A vocabulary word shorter than this proves nothing: "no", "si", "de", "la" are in many languages.
_VOCABULARY_LETTERS = 3


def _words(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def reads_the_same(text: str, source: str, target: str) -> bool:
    """Whether ``text`` may stand as its own translation from ``source`` into ``target``.

    Yes when it has no words (emoji, numbers, links, mentions), when every word is one that
    reads the same everywhere ("ok", "lol", "jajaja"; commentary.toml's [universal]), and when
    it is long enough for the language check to judge it. A shorter text is refused when it is
    mostly in a script ``target`` is not written in, or holds a word that the translation lexicon
    gives in ``source`` and not in ``target`` ("Hola" from Spanish into English). Anything else
    gets the benefit of the doubt: a name ("Anna"), a brand, or words already in the target
    language, which the prompt tells the model to leave as they are.
    """
    words = _LETTERS.findall(fold(without_protected(text)))
    if not words:
        return True
    if all(_universal(word) for word in words):
        return True
    if _foreign_script(text, target):
        return False
    if sum(len(word) for word in words) >= _LANGUAGE_CHECK_LETTERS:
        return True
    pattern = _only_in(source, target)
    return pattern is None or not pattern.search(fold(text))


def _universal(word: str) -> bool:
    cues = lexicon()
    if regex.sub(r"(.)\1+", r"\1", word) in cues.universal_words:
        return True
    return any(set(word) <= set(laugh) and len(word) >= 2 * len(laugh) for laugh in cues.laughs)


@lru_cache(maxsize=64)
def _only_in(source: str, target: str) -> regex.Pattern | None:
    """Words and phrases of ``source`` in the translation lexicon that ``target`` never uses."""
    if source not in LANGUAGES:
        return None
    theirs = _vocabulary(source)
    ours = _vocabulary(target) if target in LANGUAGES else frozenset()
    our_words = {word for form in ours for word in form.split()}
    forms = [
        form
        for form in theirs
        if form not in ours
        and not all(word in our_words for word in form.split())
        and sum(char.isalpha() for char in form) >= _VOCABULARY_LETTERS
        and not all(_universal(word) for word in _LETTERS.findall(form))
    ]
    if not forms:
        return None
    escaped = sorted((r"\s+".join(map(regex.escape, form.split())) for form in forms), key=len)
    return regex.compile(rf"(?<!\w)(?:{'|'.join(reversed(escaped))})(?!\w)")


@lru_cache(maxsize=16)
def _vocabulary(code: str) -> frozenset[str]:
    column = LANGUAGES.index(code)
    forms = {row[column] for row in ROWS} | set(EXTRA_TO_ENGLISH.get(code, {}))
    return frozenset(" ".join(fold(form).split()) for form in forms)


# --- script --------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _own_letters(target: str) -> regex.Pattern | None:
    cues = language_cues(target)
    if cues is None:
        return None
    # Latin is everybody's: names, brands and handles stay in it in every language.
    scripts = {"Latin", "Common", "Inherited", *cues.scripts}
    return regex.compile("[" + "".join(rf"\p{{Script={name}}}" for name in scripts) + "]")


def _foreign_script(text: str, target: str) -> str | None:
    """The script most of the text's letters are in, when ``target`` is not written in it."""
    own = _own_letters(target)
    if own is None:
        return None
    # "ㅋㅋㅋ" or "哈哈" read the same everywhere, whatever their script.
    words = _LETTERS.findall(without_protected(text))
    letters = [char for word in words if not _universal(fold(word)) for char in word]
    letters = [char for char in letters if char.isalpha()]
    foreign = [char for char in letters if not own.match(char)]
    if len(foreign) < 2 or 2 * len(foreign) <= len(letters):
        return None
    names = Counter(unicodedata.name(char, "?").split(" ", 1)[0] for char in foreign)
    return names.most_common(1)[0][0].title()
