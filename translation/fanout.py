"""One provider call for every reader language of a message.

A message read in two languages used to cost two calls, each repeating the prompt. Here the
languages the cache does not have are asked for in one call, answered as JSON keyed by
language; a language whose answer is missing, unparsable, fails the checks or loses a
placeholder is translated on its own (``engine.translate``), which is also what a text too
long for one piece, the offline demo and a single language go through. Each language keeps
its own cache entry and its own single-flight lock, so the engine's promise holds: at most one
call per (text, source, target, prompt version), whoever asks.
"""

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from translation.breaker import CircuitBreaker
from translation.cache import cache_get, cache_key, cache_put
from translation.costs import call_record, quality_record
from translation.detection import has_translatable_text
from translation.engine import (
    CallContext,
    TranslationUnavailable,
    entry_version,
    flight_seconds,
    placeholders_kept,
    translate,
)
from translation.failures import Disposition, ProviderError
from translation.masking import mask, unmask
from translation.providers import Provider, get_chain
from translation.results import Translation
from translation.segmentation import split_sentences

logger = logging.getLogger(__name__)

__all__ = ["translate_many"]


@dataclass(frozen=True, slots=True)
class _Claimed:
    target: str
    key: str
    lock: str
    token: str


def translate_many(
    text: str,
    *,
    source: str,
    targets: Sequence[str],
    glossary: Sequence[str] = (),
    context: CallContext | None = None,
) -> dict[str, Translation | TranslationUnavailable]:
    """The translation of ``text`` into each of ``targets`` (an exception for those no
    provider could give), in as few provider calls as the cache and the providers allow."""
    context = context or CallContext()
    wanted = list(dict.fromkeys(t for t in targets if t))
    chain = get_chain()
    masked = mask(text)
    one_piece = len(split_sentences(masked.text, max_chars=settings.TRANSLATION_SEGMENT_CHARS)) == 1
    if (
        len([t for t in wanted if t != source]) < 2
        or not has_translatable_text(text)
        or not one_piece
        or all(provider.is_demo for provider in chain)
    ):
        return {target: _one(text, source, target, glossary, context) for target in wanted}
    terms = tuple(sorted({term for term in glossary if term and term in text}))
    version = entry_version(chain, plain=False)
    results: dict[str, Translation | TranslationUnavailable] = {}
    claimed: list[_Claimed] = []
    rest: list[str] = []
    for target in wanted:
        if target == source:
            results[target] = Translation.done(target, text, provider="none", from_cache=True)
            continue
        key = cache_key(
            text=masked.text, source=source, target=target, prompt_version=version, glossary=terms
        )
        entry = cache_get(key)
        if entry is not None:
            results[target] = Translation.done(
                target,
                unmask(entry.text, masked.values),
                provider=entry.provider,
                model=entry.model,
                from_cache=True,
            )
            continue
        lock, token = f"singleflight:{key}", uuid.uuid4().hex
        if cache.add(lock, token, timeout=flight_seconds(chain)):
            claimed.append(_Claimed(target, key, lock, token))
        else:
            rest.append(target)  # another caller is computing it: wait for theirs
    try:
        if len(claimed) >= 2:
            done = _call_many(chain, masked.text, source, claimed, terms, context, version)
            for target, translated in done.items():
                results[target] = Translation.done(
                    target,
                    unmask(translated.text, masked.values),
                    provider=translated.provider,
                    model=translated.model,
                    cost_usd=translated.cost_usd,
                )
    finally:
        for each in claimed:
            if cache.get(each.lock) == each.token:
                cache.delete(each.lock)
    rest += [each.target for each in claimed if each.target not in results]
    for target in rest:
        results[target] = _one(text, source, target, glossary, context)
    return {target: results[target] for target in wanted}


def _one(
    text: str, source: str, target: str, glossary: Sequence[str], context: CallContext
) -> Translation | TranslationUnavailable:
    try:
        return translate(text, source=source, target=target, glossary=glossary, context=context)
    except TranslationUnavailable as error:
        return error


def _call_many(
    chain: Sequence[Provider],
    text: str,
    source: str,
    claimed: list[_Claimed],
    terms: tuple[str, ...],
    context: CallContext,
    version: str,
) -> dict[str, Translation]:
    """One call for every claimed language, on the first provider that answers; the good
    answers are cached. Languages left out are translated one by one by the caller."""
    targets = [each.target for each in claimed]
    for provider in chain:
        many = getattr(provider, "translate_many", None)
        breaker = CircuitBreaker(provider.name)
        if many is None or not breaker.allow():
            continue
        started = time.perf_counter()
        try:
            result = many(text, source=source, targets=targets, glossary=terms)
        except ProviderError as error:
            call_record(provider, context, started, error=error)
            if error.disposition is Disposition.RETRY:
                breaker.record_failure()
            # Whatever the failure, each language is now asked on its own, through the
            # engine's retries, failover and classification.
            return {}
        breaker.record_success()
        cost = call_record(provider, context, started, result=result)
        good = {
            target: output
            for target, output in result.texts.items()
            if placeholders_kept(text, output)
        }
        for target in targets:
            if target not in good:
                quality_record(provider.name, source, target)
                logger.info(
                    "%s: %s→%s answered apart (%s)",
                    provider.name,
                    source,
                    target,
                    result.rejected.get(target, "placeholders changed"),
                )
        share = cost / len(good) if good else Decimal(0)
        done = {}
        for each in claimed:
            output = good.get(each.target)
            if output is None:
                continue
            entry = cache_put(
                key=each.key,
                source=source,
                target=each.target,
                prompt_version=version,
                source_text=text,
                text=output,
                provider=result.provider,
                model=result.model,
            )
            done[each.target] = Translation.done(
                each.target, entry.text, provider=entry.provider, model=entry.model, cost_usd=share
            )
        return done
    return {}
