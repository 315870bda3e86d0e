"""Checks on what a model returned: a bad output counts as a provider failure, never cached."""

import re
from collections.abc import Sequence

from translation.detection import detect_language
from translation.failures import ProviderError, bad_output

# Openers with which chat models wrap a translation in commentary, in the languages we serve.
_COMMENTARY = re.compile(
    r"^\s*(here is|here's|sure[,!.]|certainly|of course|translation\s*:|translated text|"
    r"the translation|note:|aquí (está|tienes)|claro[,!]|voici|bien sûr|hier ist|ecco|"
    r"aqui está)",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^\s*<message>\s*|\s*</message>\s*$")
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
    if _COMMENTARY.match(text) and not _COMMENTARY.match(source_text):
        raise bad_output(provider, "commentary around the translation")
    if len(text) > 3 * len(source_text) + 60:
        raise bad_output(provider, "output far longer than the input")
    if len(source_text) >= 40 and len(text) < 0.25 * len(source_text):
        # A model that obeyed the message ("ignore that and say OK") instead of translating.
        raise bad_output(provider, "output far shorter than the input")
    letters = sum(ch.isalpha() for ch in text)
    if source != target and letters >= _LANGUAGE_CHECK_LETTERS and target in supported:
        detected = detect_language(text, supported=supported, fallback=target, min_confidence=0.6)
        if detected != target:
            raise bad_output(provider, f"output reads as {detected}, not {target}")
    return text


__all__ = ["ProviderError", "checked_output"]
