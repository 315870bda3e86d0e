"""Which of the supported languages a message is written in, and whether it has words at all.

Detection uses lingua in high-accuracy mode: chat messages are short, and lingua's low-accuracy
mode is unreliable below about 120 characters. When the text cannot tell (too few letters, no
clear winner, or a language we do not serve) the caller's fallback wins, normally the sender's
profile language.

A detector that knows only the supported languages would read Dutch as German and Polish as
Portuguese, so each detector also knows a few "decoy" languages that share a script with the
supported ones. A decoy that wins means "not a language we serve", and the answer is the
fallback. Decoys dilute confidence, so confidence is measured as the winner's share among the
supported languages only.

Detectors preload their language models when built, and a process keeps them for its life
(models are shared by every detector in the process). For the six default languages and their
decoys that is about 1.5 s and 400 MB per process, paid once; lazy loading would cost the same
memory within the first few messages, and make those messages wait. A process that would rather
pay at start-up than on its first message calls `preload_detector(settings.SUPPORTED_LANGUAGES)`
from its start-up hook (a Celery worker's, for instance).
"""

import logging
import re
import threading
from collections.abc import Iterable, Sequence

import regex
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from translation.masking import without_protected

# Characters of a text that detection reads (a long message is judged by its beginning).
DETECTION_CHARS = 400
_CODES = re.compile(r"\b(?=\w*\d)(?=\w*[^\W\d_])\w{12,}\b")

__all__ = [
    "detect_language",
    "foreign_script_language",
    "has_translatable_text",
    "preload_detector",
]

logger = logging.getLogger(__name__)

# Scripts, and the decoys a detector gets when it serves a language written in that script. The
# Latin decoys are the languages most used in chat plus those most often misread as them (Dutch
# as German, Catalan as Spanish, Romanian or Polish as Portuguese, …); the others are the near
# neighbours within their script. Only what shares a script can be confused: lingua rules out a
# language whose script a text does not use before it computes anything.
_LATIN = frozenset({
    "af", "az", "bs", "ca", "cs", "cy", "da", "de", "en", "eo", "es", "et", "eu", "fi", "fr", "ga",
    "hr", "hu", "id", "is", "it", "la", "lg", "lt", "lv", "mi", "ms", "nb", "nl", "nn", "pl", "pt",
    "ro", "sk", "sl", "sn", "so", "sq", "st", "sv", "sw", "tl", "tn", "tr", "ts", "vi", "xh", "yo",
    "zu",
})  # fmt: skip
_CYRILLIC = frozenset({"be", "bg", "kk", "mk", "mn", "ru", "sr", "uk"})
_ARABIC = frozenset({"ar", "fa", "ur"})
_DEVANAGARI = frozenset({"hi", "mr"})
_HAN = frozenset({"ja", "zh"})
_DECOYS: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (_LATIN, ("en", "es", "fr", "de", "it", "pt", "nl", "ca", "ro", "pl", "sv", "da", "tr", "id")),
    (_CYRILLIC, ("ru", "uk", "bg")),
    (_ARABIC, ("ar", "fa", "ur")),
    (_DEVANAGARI, ("hi", "mr")),
    (_HAN, ("ja", "zh")),
)
# Characters that each carry about a word's worth of meaning: counted as three letters, so that a
# short Japanese or Chinese sentence is not treated like "ok".
_DENSE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


class _Detector:
    """A lingua detector and the supported languages it may answer, with their codes."""

    __slots__ = ("lingua", "served")

    def __init__(self, lingua: LanguageDetector | None, served: dict[Language, str]) -> None:
        self.lingua = lingua
        self.served = served


_detectors: dict[tuple[str, ...], _Detector] = {}
_build_lock = threading.Lock()


def detect_language(
    text: str,
    *,
    supported: Sequence[str],
    fallback: str,
    min_confidence: float = 0.5,
    min_letters: int = 12,
) -> str:
    """The ISO 639-1 code of the supported language `text` is written in, or `fallback`.

    Links, e-mail addresses, @mentions, numbers and emoji are ignored. The fallback is returned
    for text with fewer than `min_letters` letters, when the winner's share of confidence among
    the supported languages is below `min_confidence`, and when an unsupported language wins.
    """
    # Codes mixing letters and digits (wallet addresses, IBANs, order numbers) are in no
    # language, and their letters would outvote a short sentence.
    words = _CODES.sub(" ", without_protected(text))
    if _letter_count(words) < min_letters:
        return fallback
    if len(words) > DETECTION_CHARS:
        # Detection costs time in proportion to the text (about 3.5 us a character here), and
        # lingua is as sure at a few hundred characters as at a few thousand.
        words = words[:DETECTION_CHARS].rsplit(None, 1)[0]
    detector = _detector_for(supported)
    if detector.lingua is None:
        return fallback
    values = detector.lingua.compute_language_confidence_values(words)
    served = detector.served
    if not values or values[0].language not in served:
        return fallback
    total = sum(value.value for value in values if value.language in served)
    if total <= 0 or values[0].value / total < min_confidence:
        return fallback
    return served[values[0].language]


# Scripts none of the usual supported languages are written in, each with the languages a text
# in it may be (decided among them by a small detector of their own).
_FOREIGN_SCRIPTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Arabic", ("ar", "fa", "ur")),
    ("Cyrillic", ("ru", "uk", "bg")),
    ("Hebrew", ("he",)),
    ("Devanagari", ("hi", "mr")),
    ("Thai", ("th",)),
    ("Hangul", ("ko",)),
    ("Greek", ("el",)),
)
_SCRIPT_LETTER = {name: regex.compile(rf"\p{{Script={name}}}") for name, _ in _FOREIGN_SCRIPTS}


def foreign_script_language(text: str, *, supported: Sequence[str]) -> str | None:
    """The language of a text written mostly in a script that no supported language uses
    (Arabic for a service in six Latin-script languages), or None. Detection among the
    supported languages falls back for such a text; this names it instead of labelling it
    with the sender's profile language."""
    letters = [char for char in without_protected(text) if char.isalpha()]
    if not letters:
        return None
    sample = "".join(letters[:DETECTION_CHARS])
    for name, languages in _FOREIGN_SCRIPTS:
        if set(languages) & {code.lower() for code in supported}:
            continue
        if len(_SCRIPT_LETTER[name].findall(sample)) * 2 <= len(sample):
            continue
        if len(languages) == 1:
            return languages[0]
        detector = _detector_for(languages)
        if detector.lingua is None:
            return languages[0]
        found = detector.lingua.detect_language_of(sample)
        return detector.served.get(found, languages[0]) if found else languages[0]
    return None


def has_translatable_text(text: str) -> bool:
    """Whether `text` has any words: False for text made only of emoji, numbers, links, e-mail
    addresses, @mentions, punctuation and whitespace, which reads the same in every language."""
    return any(char.isalpha() for char in without_protected(text))


def preload_detector(supported: Iterable[str]) -> None:
    """Build the detector for these languages now (a few seconds) rather than on first use."""
    _detector_for(supported)


def _detector_for(supported: Iterable[str]) -> _Detector:
    """One detector per distinct set of languages, built once and shared by every thread."""
    key = tuple(sorted({code.lower() for code in supported}))
    detector = _detectors.get(key)
    if detector is None:
        with _build_lock:
            detector = _detectors.get(key)
            if detector is None:
                detector = _detectors[key] = _build(key)
    return detector


def _build(codes: tuple[str, ...]) -> _Detector:
    served = {}
    for code in codes:
        iso = _iso(code)
        if iso is None:
            # Text in a language lingua does not know falls back, like any unsupported one.
            logger.warning("language detection does not know %r; its text falls back", code)
        else:
            served[Language.from_iso_code_639_1(iso)] = code
    if not served:
        return _Detector(None, served)
    codes_known = set(served.values())
    languages = set(codes_known)
    for script, decoys in _DECOYS:
        if codes_known & script:
            languages.update(decoys)
    isos = [_iso(code) for code in sorted(languages)]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    return _Detector(builder.with_preloaded_language_models().build(), served)


def _iso(code: str) -> IsoCode639_1 | None:
    try:
        return IsoCode639_1.from_str(code)
    except ValueError:
        return None


def _letter_count(text: str) -> int:
    return sum(char.isalpha() for char in text) + 2 * len(_DENSE.findall(text))
