"""Rate limits, shared through Redis when there is one (`limits` does the counting)."""

import threading

# Imported here, whole, before any limiter exists: `limits` reads redis.__version__ on first
# use, and a thread that finds the module half-imported by another reads "0.0.0" and refuses.
import redis  # noqa: F401
from django.conf import settings
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

_lock = threading.Lock()
_limiters: dict[str, MovingWindowRateLimiter] = {}


def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    with _lock:
        if storage_uri not in _limiters:
            _limiters[storage_uri] = MovingWindowRateLimiter(storage_from_string(storage_uri))
        return _limiters[storage_uri]


def hit(action: str, key: str | int, *, rate: str) -> bool:
    """Count one `action` for `key`; False when it is over `rate` (e.g. "20/10second")."""
    limiter = _limiter(settings.REDIS_URL or "memory://")
    return limiter.hit(parse(rate), "xlate", action, str(key))
