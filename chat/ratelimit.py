"""Rate limits, shared through Redis when there is one (`limits` does the counting)."""

from functools import cache

from django.conf import settings
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


@cache
def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage_uri))


def hit(action: str, key: str | int, *, rate: str) -> bool:
    """Count one `action` for `key`; False when it is over `rate` (e.g. "20/10second")."""
    limiter = _limiter(settings.REDIS_URL or "memory://")
    return limiter.hit(parse(rate), "xlate", action, str(key))
