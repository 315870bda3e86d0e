"""Offline demo translation: word and short-phrase substitution through a bundled lexicon.

Development uses this when no LLM provider is configured, so the chat works with no network and
no API key. It is not a real translator and the UI says so: it swaps the chat words and phrases
it knows (longest phrase first, pivoting through English) and leaves everything else exactly as
written — unknown words, names, numbers, links, addresses, mentions, emoji, punctuation and
spacing — so readers see recognisable target-language text and nothing invented.
"""

import re
import unicodedata
from dataclasses import dataclass

from translation.lexicon import ELISIONS, EXTRA_TO_ENGLISH, LANGUAGES, ROWS

SUPPORTED: frozenset[str] = frozenset(LANGUAGES)

_WORD_CHAR = r"[\w\u0300-\u036f]"  # letters and digits, plus combining accents (decomposed é)

# Every character of a text falls in exactly one token, so joining the tokens gives it back.
_TOKEN_RE = re.compile(
    rf"""
    (?P<protected>
        [A-Za-z][A-Za-z0-9+.\-]*://\S*      # URL with a scheme
      | [\w.%+\-]*@[\w.\-]*                  # e-mail address or @mention
      | \#\w+                                # hashtag
      | [\w\-]+(?:\.[\w\-]+)+(?:/\S*)?       # dotted word: domain, file name, e.g, 3.5
    )
  | (?P<word>{_WORD_CHAR}+(?:['’\-]{_WORD_CHAR}+)*)
  | (?P<other>[^\w\u0300-\u036f@\#]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPAQUE_RE = re.compile(r"[\d_]")  # a word with a digit or underscore is a code, not a word
_SENTENCE_END_RE = re.compile(r"[.!?…\n]")
_APOSTROPHE_RE = re.compile(r"['’]")
_GAP_CHARS = " \t\u00a0\u202f"  # what may separate the words of a phrase

_WORD, _OTHER, _PROTECTED = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Entry:
    english: str  # the row's English form, the pivot every pair goes through
    spelling: str  # the source form as the lexicon writes it, the reference for case


def _norm(word: str) -> str:
    """The lookup key of one word: lower case, composed accents, straight apostrophe."""
    key = word.lower()
    if not key.isascii():
        key = unicodedata.normalize("NFC", key).replace("’", "'")
    return key


def _form_key(form: str) -> str:
    """The lookup key of a lexicon form, rejecting one the tokenizer could never match."""
    words = []
    for match in _TOKEN_RE.finditer(form):
        if match.lastgroup == "word" and not _OPAQUE_RE.search(match.group()):
            words.append(_norm(match.group()))
        elif match.group() != " ":
            raise ValueError(f"lexicon form {form!r} is not words separated by single spaces")
    if " ".join(words) != _norm(form):
        raise ValueError(f"lexicon form {form!r} is not words separated by single spaces")
    return " ".join(words)


def _build() -> tuple[dict[str, dict[str, _Entry]], dict[str, dict[str, str]]]:
    """Index the lexicon once: source key → entry per language, and English → form per language."""
    to_english: dict[str, dict[str, _Entry]] = {lang: {} for lang in LANGUAGES}
    from_english: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for row in ROWS:
        if len(row) != len(LANGUAGES):
            raise ValueError(f"lexicon row {row!r} does not have one form per language")
        english = row[0]
        if english in from_english["en"]:
            raise ValueError(f"lexicon has two rows for English {english!r}")
        for lang, form in zip(LANGUAGES, row, strict=True):
            from_english[lang][english] = form
            to_english[lang].setdefault(_form_key(form), _Entry(english, form))
    for lang, extras in EXTRA_TO_ENGLISH.items():
        for form, english in extras.items():
            if english not in from_english["en"]:
                raise ValueError(f"extra {lang}:{form!r} points at unknown English {english!r}")
            to_english[lang][_form_key(form)] = _Entry(english, form)
    for lang, prefixes in ELISIONS.items():
        for prefix, english in prefixes.items():
            if not prefix.endswith("'") or english not in from_english["en"]:
                raise ValueError(f"elision {lang}:{prefix!r} → {english!r} is malformed")
    return to_english, from_english


_TO_ENGLISH, _FROM_ENGLISH = _build()
_MAX_WORDS: dict[str, int] = {
    lang: max(key.count(" ") + 1 for key in table) for lang, table in _TO_ENGLISH.items()
}


def _language(code: str) -> str:
    """The primary subtag of a language code, lower case: "pt-BR" → "pt"."""
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


def _carry_case(written: str, spelling: str, form: str, sentence_start: bool) -> str:
    """Give the translation the writer's case: ALL CAPS stays all caps, a capital stays a capital.

    The lexicon spelling is the reference, so a word that is capitalised by rule (English "I",
    German nouns) only passes its capital on at the start of a sentence.
    """
    if written.isupper() and not spelling.isupper() and sum(map(str.isalpha, written)) > 1:
        return form.upper()
    if written[:1].isupper() and (sentence_start or not spelling[:1].isupper()):
        return form[:1].upper() + form[1:]
    return form


def _tokenize(text: str) -> tuple[list[str], list[int]]:
    """Split text into word, protected and other tokens whose concatenation is the text."""
    tokens: list[str] = []
    kinds: list[int] = []
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        group = match.lastgroup
        if group == "word":
            kind = _PROTECTED if _OPAQUE_RE.search(token) else _WORD
        else:
            kind = _OTHER if group == "other" else _PROTECTED
        tokens.append(token)
        kinds.append(kind)
    return tokens, kinds


def _translate_elided(token: str, source: str, target: str, sentence_start: bool) -> str | None:
    """Translate a fused French or Italian word (l'amour → the love), or None if not one."""
    prefixes = ELISIONS.get(source)
    apostrophe = _APOSTROPHE_RE.search(token) if prefixes else None
    if prefixes is None or apostrophe is None:
        return None
    cut = apostrophe.start()
    english = prefixes.get(_norm(token[:cut]) + "'")
    if english is None:
        return None
    forms = _FROM_ENGLISH[target]
    rest = token[cut + 1 :]
    entry = _TO_ENGLISH[source].get(_norm(rest))
    prefix_out = forms[english]
    rest_out = rest if entry is None else forms[entry.english]
    if token.isupper() and sum(map(str.isalpha, token)) > 1:
        return f"{prefix_out} {rest_out}".upper()
    prefix_out = _carry_case(token, token[:cut].lower(), prefix_out, sentence_start)
    if entry is not None:
        rest_out = _carry_case(rest, entry.spelling, rest_out, False)
    return f"{prefix_out} {rest_out}"


def offline_translate(text: str, *, source: str, target: str) -> str:
    """Translate text word by word through the bundled lexicon, longest phrase first.

    What the lexicon does not know is returned untouched, so the output is never empty for a
    non-empty text. An unsupported language, or source == target, returns the text as it is.
    """
    source, target = _language(source), _language(target)
    if source == target or source not in SUPPORTED or target not in SUPPORTED:
        return text
    table = _TO_ENGLISH[source]
    forms = _FROM_ENGLISH[target]
    max_words = _MAX_WORDS[source]
    tokens, kinds = _tokenize(text)
    keys = [
        _norm(token) if kind == _WORD else "" for token, kind in zip(tokens, kinds, strict=True)
    ]

    out: list[str] = []
    sentence_start = True
    count = len(tokens)
    i = 0
    while i < count:
        kind = kinds[i]
        if kind != _WORD:
            out.append(tokens[i])
            if kind == _PROTECTED:
                sentence_start = False
            elif _SENTENCE_END_RE.search(tokens[i]):
                sentence_start = True
            i += 1
            continue
        # The words that could form a phrase: consecutive words separated by spaces only.
        span = [i]
        j = i
        while (
            len(span) < max_words
            and j + 2 < count
            and kinds[j + 2] == _WORD
            and not tokens[j + 1].strip(_GAP_CHARS)
        ):
            j += 2
            span.append(j)
        for size in range(len(span), 0, -1):
            entry = table.get(" ".join(keys[k] for k in span[:size]))
            if entry is not None:
                last = span[size - 1]
                written = "".join(tokens[k] for k in span[:size])
                out.append(
                    _carry_case(written, entry.spelling, forms[entry.english], sentence_start)
                )
                i = last + 1
                break
        else:
            elided = _translate_elided(tokens[i], source, target, sentence_start)
            out.append(tokens[i] if elided is None else elided)
            i += 1
        sentence_start = False
    return "".join(out)
