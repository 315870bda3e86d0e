"""Translate texts for readers: what the chat pipeline, backfill and bios call."""

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings

from translation.detection import UNDETERMINED, detect_language
from translation.engine import CallContext, TranslationUnavailable, cached_translation, translate
from translation.fanout import translate_many
from translation.results import Translation, TranslationStatus

logger = logging.getLogger(__name__)

DONE, UNAVAILABLE, SKIPPED, UNTRANSLATABLE = (
    TranslationStatus.DONE,
    TranslationStatus.UNAVAILABLE,
    TranslationStatus.SKIPPED,
    TranslationStatus.UNTRANSLATABLE,
)


def detected_language_of(text: str) -> str:
    """The supported language `text` is written in; UNDETERMINED ("und") when it is clearly in
    another language (Swedish, Hebrew), which is translated all the same; or "" when the text
    cannot tell (too short, or no clear winner)."""
    return detect_language(
        text, supported=settings.SUPPORTED_LANGUAGES, fallback="", outside=UNDETERMINED
    )


def source_language_of(text: str, *, fallback: str) -> str:
    """The language `text` is written in (UNDETERMINED for one we do not serve), or
    `fallback` (the writer's profile language) when the text cannot tell."""
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
        return _translation(target, error, source)
    return _translation(target, result, source)


def translations_for(
    *,
    text: str,
    source: str,
    targets: Iterable[str],
    glossary: Sequence[str] = (),
    context: CallContext | None = None,
    within_budget: bool = True,
) -> list[Translation]:
    """One translation per distinct target language other than the source, in one provider
    call for all the languages the cache lacks (translation/fanout.py). Over budget, only
    what the cache already has is served: it costs nothing."""
    wanted = sorted(set(targets) - {source})
    if not within_budget:
        return [_cached_or_skipped(text, source, target, glossary) for target in wanted]
    found = translate_many(text, source=source, targets=wanted, glossary=glossary, context=context)
    return [_translation(target, found[target], source) for target in wanted]


def _translation(
    target: str, found: Translation | TranslationUnavailable, source: str
) -> Translation:
    if isinstance(found, TranslationUnavailable):
        logger.warning("translation %s→%s unavailable: %s", source, target, found.code)
        # No retry helps a text every provider refused or answered badly: untranslatable.
        status = UNAVAILABLE if found.retryable else UNTRANSLATABLE
        return Translation(target, status, reason=found.code, retryable=found.retryable)
    return found


def _cached_or_skipped(text: str, source: str, target: str, glossary: Sequence[str]) -> Translation:
    cached = cached_translation(text, source=source, target=target, glossary=glossary)
    if cached is None:
        return Translation(target, SKIPPED, reason="budget")
    return _translation(target, cached, source)
