"""Translate one text into one language: cache first, one provider call per key across all
processes, the provider chain with retries, failover and breakers behind it."""

import logging
import re
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connections

from translation.breaker import CircuitBreaker
from translation.cache import cache_get, cache_key, cache_put
from translation.costs import call_record, quality_record
from translation.detection import has_translatable_text
from translation.failures import Disposition, ProviderError
from translation.masking import PlaceholderError, mask, unmask
from translation.providers import Provider, TranslationResult, get_chain
from translation.results import Translation
from translation.segmentation import join_segments, split_sentences
from translation.singleflight import single_flight

logger = logging.getLogger(__name__)

# Below this a text the provider calls too long is not split further.
_MIN_SPLIT_CHARS = 80
# The code of a text every provider answered, each time with output that failed the checks.
UNTRANSLATABLE = "untranslatable"
# The code when no provider was asked at all: every breaker refused (open, or half-open with
# another caller's probe under way). A retry should wait for a breaker, not count an attempt.
CIRCUIT_OPEN = "circuit_open"
# Every placeholder the masking step writes into a text.
_PLACEHOLDER = re.compile(r"⟦\d+⟧")


class TranslationUnavailable(Exception):
    """No provider could translate the text; `code` says why (the last failure)."""

    def __init__(self, code: str, retryable: bool) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class CallContext:
    """Who a translation is for, so its cost lands on the right user and message."""

    user_id: int | None = None
    message_id: int | None = None
    purpose: str = "message"


def translate(
    text: str,
    *,
    source: str,
    target: str,
    glossary: Sequence[str] = (),
    context: CallContext | None = None,
) -> Translation:
    """The translation of `text`, or TranslationUnavailable when every provider failed."""
    context = context or CallContext()
    if source == target or not has_translatable_text(text):
        return Translation.done(target, text, provider="none", from_cache=True)
    terms = tuple(sorted({term for term in glossary if term and term in text}))
    masked = mask(text)
    try:
        pieces = _translate_segments(masked.text, source, target, terms, context, plain=False)
        joined = join_segments([p.text for p in pieces.parts], pieces.segments)
        return pieces.summary(unmask(joined, masked.values))
    except PlaceholderError:
        # A provider lost or altered a placeholder: translate the words as written instead.
        logger.info("placeholder mangled for %s→%s; translating unmasked text", source, target)
        pieces = _translate_segments(text, source, target, terms, context, plain=True)
        return pieces.summary(join_segments([p.text for p in pieces.parts], pieces.segments))


def cached_translation(
    text: str, *, source: str, target: str, glossary: Sequence[str] = ()
) -> Translation | None:
    """The translation the cache already has for a text of one piece, or None; no provider
    is called (a sender over budget is still served what costs nothing)."""
    if source == target or not has_translatable_text(text):
        return Translation.done(target, text, provider="none", from_cache=True)
    chain = get_chain()
    if all(provider.is_demo for provider in chain):
        return None
    masked = mask(text)
    segments = split_sentences(masked.text, max_chars=settings.TRANSLATION_SEGMENT_CHARS)
    if len(segments) != 1:
        return None
    terms = tuple(sorted({term for term in glossary if term and term in text}))
    key = cache_key(
        text=segments[0].text,
        source=source,
        target=target,
        prompt_version=entry_version(chain, plain=False),
        glossary=terms,
    )
    entry = cache_get(key)
    if entry is None:
        return None
    return Translation.done(
        target,
        unmask(entry.text, masked.values),
        provider=entry.provider,
        model=entry.model,
        from_cache=True,
    )


@dataclass(frozen=True, slots=True)
class _Pieces:
    parts: list[Translation]
    segments: list

    def summary(self, text: str) -> Translation:
        first = next((p for p in self.parts if not p.from_cache), self.parts[0])
        return Translation.done(
            first.language,
            text,
            provider=first.provider,
            model=first.model,
            from_cache=all(p.from_cache for p in self.parts),
            cost_usd=sum((p.cost_usd for p in self.parts), Decimal(0)),
        )


def _translate_segments(
    text: str, source: str, target: str, terms: tuple[str, ...], context, *, plain: bool
) -> _Pieces:
    segments = split_sentences(text, max_chars=settings.TRANSLATION_SEGMENT_CHARS)
    if len(segments) == 1:
        return _Pieces(
            [_segment(segments[0].text, source, target, terms, context, plain)], segments
        )

    def work(segment) -> Translation:
        try:
            return _segment(segment.text, source, target, terms, context, plain)
        finally:
            connections.close_all()  # this pool thread's own connections

    workers = min(settings.TRANSLATION_PARALLEL_SEGMENTS, len(segments))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="translate") as pool:
        return _Pieces(list(pool.map(work, segments)), segments)


def _segment(
    text: str, source: str, target: str, terms: tuple[str, ...], context, plain: bool
) -> Translation:
    chain = get_chain()
    if all(provider.is_demo for provider in chain):
        # A lexicon lookup costs microseconds: storing it in the shared cache would cost a
        # database write per new text, and looking it up a round trip, for nothing.
        result = chain[0].translate(text, source=source, target=target, glossary=terms)
        return Translation.done(target, result.text, provider=result.provider, model=result.model)
    version = entry_version(chain, plain=plain)
    key = cache_key(text=text, source=source, target=target, prompt_version=version, glossary=terms)
    computed_cost: list[Decimal] = []

    def compute():
        result, cost = _call_chain(chain, text, source, target, terms, context, plain)
        computed_cost.append(cost)
        return cache_put(
            key=key,
            source=source,
            target=target,
            prompt_version=version,
            source_text=text,
            text=result.text,
            provider=result.provider,
            model=result.model,
        )

    try:
        entry, computed = single_flight(
            key, lookup=lambda: cache_get(key), compute=compute, lock_seconds=flight_seconds(chain)
        )
    except ProviderError as error:
        if error.disposition is not Disposition.SPLIT or len(text) < _MIN_SPLIT_CHARS:
            raise TranslationUnavailable(error.code, retryable=False) from error
        # Too long for the model: translate it in halves (each cached on its own).
        halves = split_sentences(text, max_chars=len(text) // 2)
        parts = [_segment(h.text, source, target, terms, context, plain) for h in halves]
        return _Pieces(parts, halves).summary(join_segments([p.text for p in parts], halves))
    return Translation.done(
        target,
        entry.text,
        provider=entry.provider,
        model=entry.model,
        from_cache=not computed,
        cost_usd=computed_cost[0] if computed_cost else Decimal(0),
    )


def _call_chain(
    chain: Sequence[Provider],
    text: str,
    source: str,
    target: str,
    terms: tuple[str, ...],
    context: CallContext,
    plain: bool,
) -> tuple[TranslationResult, Decimal]:
    """Try each provider in turn; return the first good result and what it cost.

    Only transport and provider failures count against a provider's breaker. An answer that
    fails the output checks counts for its provider and language pair (``quality_record``);
    when every provider's answer failed them, the text is untranslatable: no retry will help.
    """
    last: ProviderError | None = None
    refused_by_all = True  # every provider was asked and answered badly
    asked = False
    for provider in chain:
        breaker = CircuitBreaker(provider.name)
        if not breaker.allow():
            refused_by_all = False
            continue
        asked = True
        quality_only = False
        for attempt in range(settings.TRANSLATION_ATTEMPTS):
            started = time.perf_counter()
            try:
                result = provider.translate(text, source=source, target=target, glossary=terms)
            except ProviderError as error:
                call_record(provider, context, started, error=error)
                last = error
                if error.disposition is Disposition.FAIL_FAST:
                    raise TranslationUnavailable(error.code, retryable=False) from error
                if error.disposition is Disposition.SPLIT:
                    raise
                if error.disposition is Disposition.SKIP:
                    break
                if error.disposition is Disposition.QUALITY:
                    quality_record(provider.name, source, target)
                    quality_only = True
                    continue  # the provider is healthy: ask once more, then the next one
                quality_only = False
                breaker.record_failure()
                wait = _backoff(attempt, error.retry_after)
                if wait is None or attempt + 1 >= settings.TRANSLATION_ATTEMPTS:
                    break
                if not breaker.allow():
                    break
                time.sleep(wait)
                continue
            breaker.record_success()
            cost = call_record(provider, context, started, result=result)
            if not plain:
                # Raises PlaceholderError: the caller retranslates the unmasked text.
                _check_placeholders(provider.name, text, result.text)
            return result, cost
        refused_by_all = refused_by_all and quality_only
    if not asked:
        raise TranslationUnavailable(CIRCUIT_OPEN, retryable=True)
    if refused_by_all and last is not None and last.disposition is Disposition.QUALITY:
        raise TranslationUnavailable(UNTRANSLATABLE, retryable=False)
    raise TranslationUnavailable(last.code if last else "no_provider", retryable=True)


def flight_seconds(chain: Sequence[Provider]) -> int:
    """How long a single-flight lock is held at most: every attempt on every provider."""
    return int(settings.TRANSLATION_TIMEOUT * settings.TRANSLATION_ATTEMPTS * len(chain) + 10)


def entry_version(chain: Sequence[Provider], *, plain: bool) -> str:
    """The prompt version part of a cache key: whose output (an LLM's or the demo's), under
    which instructions, masked or not."""
    namespace = chain[0].cache_namespace()
    return f"{namespace}:{settings.TRANSLATION_PROMPT_VERSION}" + (":plain" if plain else "")


def placeholders_kept(sent: str, received: str) -> bool:
    """Whether the output carries every placeholder of the masked input, each once."""
    return sorted(_PLACEHOLDER.findall(sent)) == sorted(_PLACEHOLDER.findall(received))


def _check_placeholders(provider: str, sent: str, received: str) -> None:
    if not placeholders_kept(sent, received):
        raise PlaceholderError(f"{provider} changed the placeholders")


def _backoff(attempt: int, retry_after: float | None) -> float | None:
    """Seconds to wait before the next attempt; None to fail over at once."""
    if retry_after is not None:
        if retry_after > settings.TRANSLATION_MAX_RETRY_AFTER:
            return None
        return retry_after
    return min(settings.TRANSLATION_BACKOFF * (2**attempt), 5.0)
