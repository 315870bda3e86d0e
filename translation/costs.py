"""What provider calls cost: the price table, the call log, the per-user daily budget."""

import time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from translation.models import ProviderCall
from translation.providers import get_chain
from xlate_site import metrics

_MILLION = Decimal(1_000_000)
_QUALITY_WINDOW = 24 * 3600


def price_of(model: str, input_tokens: int, output_tokens: int) -> Decimal:
    """USD for one call, from TRANSLATION_PRICES (per million input / output tokens)."""
    prices = settings.TRANSLATION_PRICES.get(model)
    if prices is None:
        return Decimal(0)
    per_input, per_output = (Decimal(str(p)) for p in prices)
    return (input_tokens * per_input + output_tokens * per_output) / _MILLION


def call_record(provider, context, started: float, *, result=None, error=None) -> Decimal:
    """Log one provider call (a failure too) and return its cost.

    A failed call costs what the provider billed for it: the input tokens of a request it
    accepted before the stream broke, or of an answer that failed the checks (as reported,
    or estimated and marked so).
    """
    if provider.is_demo:
        return Decimal(0)
    elapsed = time.perf_counter() - started
    metrics.PROVIDER_CALLS.labels(
        provider.name, context.purpose, "ok" if error is None else error.code
    ).inc()
    metrics.PROVIDER_LATENCY.labels(provider.name).observe(elapsed)
    source = result if result is not None else error
    input_tokens = getattr(source, "input_tokens", 0) or 0
    output_tokens = getattr(source, "output_tokens", 0) or 0
    estimated = bool(getattr(error, "estimated", False))
    cost = price_of(provider.model, input_tokens, output_tokens)
    ProviderCall.objects.create(
        provider=provider.name,
        model=provider.model,
        purpose=context.purpose,
        ok=error is None,
        error=error.code if error is not None else "",
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        tokens_estimated=estimated,
        cost_usd=cost,
        latency_ms=int(elapsed * 1000),
        user_id=context.user_id,
        message_id=context.message_id,
    )
    metrics.SPEND.labels(provider.name).inc(float(cost))
    return cost


def spent_today(user_id: int) -> Decimal:
    """USD of provider calls made for this user since midnight UTC."""
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    total = ProviderCall.objects.filter(user_id=user_id, created_at__gte=midnight).aggregate(
        total=Sum("cost_usd")
    )["total"]
    return total or Decimal(0)


def budget_exceeded(user_id: int) -> bool:
    """True when the user's translations spent their daily budget. With only the offline
    provider nothing is ever spent, so the sum is not asked for."""
    budget = settings.TRANSLATION_DAILY_BUDGET_USD
    if budget <= 0 or all(provider.is_demo for provider in get_chain()):
        return False
    return spent_today(user_id) >= budget


def quality_record(provider: str, source: str, target: str) -> int:
    """Count an answer that failed the output checks, per provider and language pair (over a
    day, in the shared cache): a model bad at one pair shows, without opening its breaker."""
    key = f"translation-quality:{provider}:{source}>{target}"
    cache.add(key, 0, timeout=_QUALITY_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_QUALITY_WINDOW)
        return 1


def quality_failures(provider: str, source: str, target: str) -> int:
    """Answers of ``provider`` for the pair that failed the checks, over the last day."""
    return cache.get(f"translation-quality:{provider}:{source}>{target}", 0)
