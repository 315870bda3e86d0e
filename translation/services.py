"""Translate texts for readers: what the chat pipeline, backfill and bios call."""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from translation.detection import detect_language, foreign_script_language
from translation.engine import CallContext, TranslationUnavailable, translate

logger = logging.getLogger(__name__)

DONE, UNAVAILABLE, SKIPPED = "done", "unavailable", "skipped"


@dataclass(frozen=True, slots=True)
class Translation:
    language: str
    status: str
    text: str = ""
    provider: str = ""
    model: str = ""
    from_cache: bool = False
    reason: str = ""
    # An unavailable translation that a later attempt may get (a provider outage).
    retryable: bool = False
    cost_usd: Decimal = Decimal(0)


def detected_language_of(text: str) -> str:
    """The language `text` is written in, or "" when the text cannot tell (too short, or a
    language outside the supported ones in their script). A text in a script none of the
    supported languages uses is named by its script's language."""
    supported = settings.SUPPORTED_LANGUAGES
    found = detect_language(text, supported=supported, fallback="")
    return found or foreign_script_language(text, supported=supported) or ""


def source_language_of(text: str, *, fallback: str) -> str:
    """The language `text` is written in, or `fallback` when the text cannot tell."""
    return detected_language_of(text) or fallback


def translation_into(
    *,
    text: str,
    source: str,
    target: str,
    glossary: Sequence[str] = (),
    context: CallContext | None = None,
) -> Translation:
    """One translation; a provider outage gives an `unavailable` result, never an exception."""
    try:
        result = translate(text, source=source, target=target, glossary=glossary, context=context)
    except TranslationUnavailable as error:
        logger.warning("translation %s→%s unavailable: %s", source, target, error.code)
        return Translation(target, UNAVAILABLE, reason=error.code, retryable=error.retryable)
    return Translation(
        target,
        DONE,
        text=result.text,
        provider=result.provider,
        model=result.model,
        from_cache=result.from_cache,
        cost_usd=result.cost_usd,
    )


def translations_for(
    *,
    text: str,
    source: str,
    targets: Iterable[str],
    glossary: Sequence[str] = (),
    context: CallContext | None = None,
    within_budget: bool = True,
) -> list[Translation]:
    """One translation per distinct target language other than the source."""
    results = []
    for target in sorted(set(targets) - {source}):
        if not within_budget:
            results.append(Translation(target, SKIPPED, reason="budget"))
            continue
        results.append(
            translation_into(
                text=text, source=source, target=target, glossary=glossary, context=context
            )
        )
    return results
