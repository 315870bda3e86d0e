"""What provider calls cost: the price table, the call log, the per-user daily budget."""

import time
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from translation.models import ProviderCall
from translation.providers import get_chain

_MILLION = Decimal(1_000_000)


def price_of(model: str, input_tokens: int, output_tokens: int) -> Decimal:
    """USD for one call, from TRANSLATION_PRICES (per million input / output tokens)."""
    prices = settings.TRANSLATION_PRICES.get(model)
    if prices is None:
        return Decimal(0)
    per_input, per_output = (Decimal(str(p)) for p in prices)
    return (input_tokens * per_input + output_tokens * per_output) / _MILLION


def call_record(provider, context, started: float, *, result=None, error=None) -> Decimal:
    """Log one provider call (a failure too) and return its cost."""
    if provider.is_demo:
        return Decimal(0)
    input_tokens = result.input_tokens if result is not None else 0
    output_tokens = result.output_tokens if result is not None else 0
    cost = price_of(provider.model, input_tokens, output_tokens)
    ProviderCall.objects.create(
        provider=provider.name,
        model=provider.model,
        purpose=context.purpose,
        ok=error is None,
        error=error.code if error is not None else "",
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost,
        latency_ms=int((time.perf_counter() - started) * 1000),
        user_id=context.user_id,
        message_id=context.message_id,
    )
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
