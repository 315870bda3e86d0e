"""Which language a message is written in, and whether it has words at all.

The answer is one of the supported languages, "not one of ours" (when the caller asks for that)
or the caller's fallback when the text cannot tell (too few letters, or no clear winner).

The script of the letters decides first, without a model: a text mostly in a script that only
one language is written in is that language (Thai, Hangul), and a text mostly in a script none
of the supported languages is written in (Hebrew or Greek for the default twenty, Cyrillic for
a service in Latin-script languages) is not in one of ours. The rest goes to lingua in
high-accuracy mode: chat messages are short, and lingua's low-accuracy mode is unreliable below
about 120 characters.

A detector that knows only the supported languages would read Catalan as Spanish and Swedish as
German, so each detector also knows "decoy" languages that share a script with the supported
ones. A decoy that wins clearly (twice the confidence of the best supported language) means "a
language we do not serve"; one that wins by a hair cannot tell. A supported language wins when
it holds most of the supported languages' confidence, or twice its closest rival's: twenty
languages share the confidence thinly on a short text.

Detectors preload their language models when built, and a process keeps them for its life
(models are shared by every detector in the process). For the twenty default languages and
their decoys that is about 5 s and 750 MB per process, paid once (bench/detection.py measures
it); lazy loading would cost the same memory within the first few messages, and make those
messages wait. A process that would rather pay at start-up than on its first message calls
`preload_detector(settings.SUPPORTED_LANGUAGES)` from its start-up hook (a Celery worker's).
"""

import logging
import re
import threading
from collections.abc import Iterable, Sequence

import regex
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from translation.masking import without_protected

# BCP 47 "undetermined": a text in a language, but not one we serve.
UNDETERMINED = "und"
# Characters of a text that detection reads (a long message is judged by its beginning).
DETECTION_CHARS = 400
_CODES = re.compile(r"\b(?=\w*\d)(?=\w*[^\W\d_])\w{12,}\b")

__all__ = [
    "DETECTION_CHARS",
    "UNDETERMINED",
    "detect_language",
    "has_translatable_text",
    "preload_detector",
]

logger = logging.getLogger(__name__)

# Every language lingua knows, by the scripts it is written in (Unicode script names).
_SCRIPTS: dict[str, frozenset[str]] = {
    "Latin": frozenset({
        "af", "az", "bs", "ca", "cs", "cy", "da", "de", "en", "eo", "es", "et", "eu", "fi", "fr",
        "ga", "hr", "hu", "id", "is", "it", "la", "lg", "lt", "lv", "mi", "ms", "nb", "nl", "nn",
        "pl", "pt", "ro", "sk", "sl", "sn", "so", "sq", "st", "sv", "sw", "tl", "tn", "tr", "ts",
        "vi", "xh", "yo", "zu",
    }),
    "Cyrillic": frozenset({"be", "bg", "kk", "mk", "mn", "ru", "sr", "uk"}),
    "Arabic": frozenset({"ar", "fa", "ur"}),
    "Devanagari": frozenset({"hi", "mr"}),
    "Han": frozenset({"ja", "zh"}),
    "Hiragana": frozenset({"ja"}),
    "Katakana": frozenset({"ja"}),
    "Hangul": frozenset({"ko"}),
    "Thai": frozenset({"th"}),
    "Greek": frozenset({"el"}),
    "Hebrew": frozenset({"he"}),
    "Armenian": frozenset({"hy"}),
    "Georgian": frozenset({"ka"}),
    "Bengali": frozenset({"bn"}),
    "Gujarati": frozenset({"gu"}),
    "Gurmukhi": frozenset({"pa"}),
    "Tamil": frozenset({"ta"}),
    "Telugu": frozenset({"te"}),
}  # fmt: skip
# Languages written in a script of their own: named by it, with no model (Japanese shares Han
# with Chinese, so lingua tells those two apart).
_OWN_SCRIPT = {
    code: script
    for script, codes in _SCRIPTS.items()
    if len(codes) == 1
    for code in codes
    if sum(code in others for others in _SCRIPTS.values()) == 1
}
# The languages a detector tells apart in each script: the ones people chat in most, and the
# ones most often misread as them (Catalan as Spanish, Romanian as Portuguese or Italian, the
# Nordic languages and Afrikaans as German, Dutch or English, Slovak as Polish, Azerbaijani as
# Turkish, Bulgarian and Serbian as Russian, Persian and Urdu as Arabic, Marathi as Hindi). Those
# a service does not serve are its decoys, at 20-60 MB of models each. Left out: languages rare
# in chat; those that mostly read as another decoy, which says "not ours" all the same (Czech
# as Slovak, Norwegian as Danish or Swedish, Hungarian and Estonian as Finnish, Slovene and
# Bosnian as Croatian, Latvian as Lithuanian, Macedonian as Bulgarian or Serbian); Malay, which
# no model tells from Indonesian reliably (it reads as Indonesian, which its readers read); and
# Kazakh, whose model claims short Ukrainian texts, and Belarusian (both read as Ukrainian).
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "Latin": (
        "en", "es", "pt", "fr", "de", "it", "nl", "pl", "tr", "id", "vi", "tl",
        "ca", "ro", "sv", "da", "af", "sk", "hr", "fi", "az", "sq", "lt",
    ),
    "Cyrillic": ("ru", "uk", "bg", "sr"),
    "Arabic": ("ar", "fa", "ur"),
    "Devanagari": ("hi", "mr"),
    "Han": ("ja", "zh"),
}  # fmt: skip
# A winner is clear when it holds this share of its confidence and its closest rival's
# together (2/3: twice the rival's), or the caller's min_confidence if that is stricter.
_CLEAR_WIN = 2 / 3
# Characters that each carry about a word's worth of meaning: counted as three letters, so that a
# short Japanese or Chinese sentence is not treated like "ok".
_DENSE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


class _Detector:
    """What one set of supported languages is detected with: the languages named by their
    script, the letters of scripts none of them is written in, and a lingua detector for the
    rest with the supported languages it may answer."""

    __slots__ = ("foreign", "lingua", "own", "served")

    def __init__(
        self,
        *,
        own: list[tuple[str, regex.Pattern]],
        foreign: regex.Pattern,
        lingua: LanguageDetector | None,
        served: dict[Language, str],
    ) -> None:
        self.own = own
        self.foreign = foreign
        self.lingua = lingua
        self.served = served


_detectors: dict[tuple[str, ...], _Detector] = {}
_build_lock = threading.Lock()


def detect_language(
    text: str,
    *,
    supported: Sequence[str],
    fallback: str,
    outside: str | None = None,
    min_confidence: float = 0.5,
    min_letters: int = 12,
) -> str:
    """The ISO 639-1 code of the supported language `text` is written in, `outside` when it is
    clearly in another language, or `fallback` when the text cannot tell.

    Links, e-mail addresses, @mentions, numbers and emoji are ignored. The text cannot tell with
    fewer than `min_letters` letters, or without a clear winner: a supported language needs
    `min_confidence` of the supported languages' confidence or that share of its own and its
    closest rival's together (at least 2/3); a decoy needs that share against the best supported
    language, and the decoys together `min_confidence`. Without `outside`, a text in another
    language gets the fallback too.
    """
    # Codes mixing letters and digits (wallet addresses, IBANs, order numbers) are in no
    # language, and their letters would outvote a short sentence.
    words = _CODES.sub(" ", without_protected(text))
    letters = _letter_count(words)
    if letters < min_letters:
        return fallback
    if len(words) > DETECTION_CHARS:
        # Detection costs time in proportion to the text (about 3.5 us a character here), and
        # lingua is as sure at a few hundred characters as at a few thousand.
        words = words[:DETECTION_CHARS].rsplit(None, 1)[0]
        letters = _letter_count(words)
    not_ours = fallback if outside is None else outside
    detector = _detector_for(supported)
    for code, script in detector.own:
        if 2 * _letter_count("".join(script.findall(words))) > letters:
            return code
    if 2 * _letter_count("".join(detector.foreign.findall(words))) > letters:
        return not_ours
    if detector.lingua is None:
        return fallback
    values = detector.lingua.compute_language_confidence_values(words)
    if not values or values[0].value <= 0:
        return fallback
    served = detector.served
    winner, runner_up = values[0], values[1] if len(values) > 1 else None
    ours = [value.value for value in values if value.language in served]
    clear = max(min_confidence, _CLEAR_WIN)
    if winner.language not in served:
        # A decoy wins. With twenty of them, a text that resembles nothing (a handle, a few
        # words of slang) spreads its confidence thin and one of them wins by a hair; that
        # cannot tell, and neither can a Hindi text that is a little like Marathi.
        decoys = sum(value.value for value in values) - sum(ours)
        beats_ours = winner.value >= clear * (winner.value + max(ours, default=0.0))
        return not_ours if beats_ours and decoys >= min_confidence else fallback
    # Twenty supported languages dilute each other's share on a short text ("sorry it cut
    # off" gives English 0.31, Tagalog 0.16, and a little to each of the others): a winner
    # well ahead of the runner-up is as clear as one holding most of the share.
    share = winner.value / sum(ours)
    ahead = runner_up is None or winner.value >= clear * (winner.value + runner_up.value)
    if share < min_confidence and not ahead:
        return fallback
    return served[winner.language]


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
    known = [code for code in codes if any(code in langs for langs in _SCRIPTS.values())]
    for code in sorted(set(codes) - set(known)):
        # Text in a language detection does not know is treated like any other unsupported one.
        logger.warning("language detection does not know %r; its text is not told apart", code)
    own = [(code, _letters_of([_OWN_SCRIPT[code]])) for code in known if code in _OWN_SCRIPT]
    modelled = [code for code in known if code not in _OWN_SCRIPT]
    scripts = [script for script, langs in _SCRIPTS.items() if langs & set(known)]
    languages = set(modelled)
    for script in scripts:
        if languages & _SCRIPTS[script]:
            languages.update(_CANDIDATES.get(script, ()))
    lingua = None
    if modelled:
        isos = [IsoCode639_1.from_str(code) for code in sorted(languages)]
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
        lingua = builder.with_preloaded_language_models().build()
    served = {Language.from_iso_code_639_1(IsoCode639_1.from_str(c)): c for c in modelled}
    return _Detector(own=own, foreign=_letters_not_of(scripts), lingua=lingua, served=served)


def _letters_of(scripts: Sequence[str]) -> regex.Pattern:
    return regex.compile("[" + "".join(rf"\p{{Script={name}}}" for name in scripts) + "]")


def _letters_not_of(scripts: Sequence[str]) -> regex.Pattern:
    """Letters of a real script (not the symbols and modifiers every script shares) other than
    `scripts`."""
    shared = "".join(rf"\p{{Script={name}}}" for name in ("Common", "Inherited", *scripts))
    return regex.compile(rf"[\p{{L}}--[{shared}]]", regex.V1)


def _letter_count(text: str) -> int:
    return sum(char.isalpha() for char in text) + 2 * len(_DENSE.findall(text))
