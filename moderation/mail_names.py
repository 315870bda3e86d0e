"""E-mail addresses given without their domain ending: "julie88 at gmail", "julie@hotmail",
"julie (at) yahoo", "anya собака яндекс".

The detectors find full addresses, plain or spelled out ("julie at gmail dot com"); an
address cut short of its ending, with a well-known mail service named, is one too. The
words read out for "@" and "." come from every language's lexicon (moderation/lexicons/).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from moderation import lexicon as lexicons
from moderation.cues import alternation, fold
from moderation.normalization import Normalized

__all__ = ["find_mail_names"]


def _build() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The pattern of a name, an "@" and a mail service with no ending after it; the words
    for e-mail that make a plain name before " at " count."""
    every = lexicons.load_lexicons().values()
    common = lexicons.common()
    dots = "|".join(
        re.escape(w) for w in sorted({fold(w) for lex in every for w in lex.contact["dot"]})
    )
    ats = "|".join(
        re.escape(w) for w in sorted({fold(w) for lex in every for w in lex.contact["at"]})
    )
    providers = alternation(common.contact["mail_providers"], {}, "common.toml:mail_providers")
    mail = (
        r"(?<![\w.@])(?P<local>[a-z0-9][a-z0-9._%+\-]{1,63})"
        rf"(?:\s*@\s*|\s*[\[(<]\s*(?:@|{ats})\s*[\])>]\s*|\s+(?:{ats})\s+)"
        rf"(?P<provider>{providers})(?!\s*(?:[.\[(<]|(?:{dots})\b))"
    )
    words = alternation(common.contact["mail_words"], {}, "common.toml:mail_words")
    return re.compile(mail), re.compile(words)


_MAIL, _MAIL_WORDS = _build()
_MARKS = re.compile(r"[\d_.]")


def find_mail_names(
    view: Normalized, languages: Iterable[str] | None = None
) -> Iterator[tuple[int, int, float, str]]:
    """Yield ``(start, end, confidence, evidence)`` in the ORIGINAL text for each e-mail address
    given without its domain ending: "julie88 at gmail", "julie@hotmail", "julie (at) yahoo".

    A plain name before " at " counts only after a word for e-mail ("my email is julie at
    gmail"), since "meet me at gmail" is no address. ``languages`` is accepted for symmetry
    with the other detectors: the words for "@" of every language are read.
    """
    del languages  # the words for "@" are nouns: reading all of them costs nothing in accuracy
    text = view.text
    for match in _MAIL.finditer(text):
        local = match.group("local")
        plain = match.group().find("@") < 0 and not _MARKS.search(local)
        if plain and not _MAIL_WORDS.search(text, max(0, match.start() - 40), match.start()):
            continue
        evidence = f"e-mail address without its domain ending ({match.group('provider')})"
        yield *view.to_original(*match.span()), 0.8, evidence
