"""Rate limits, shared through Redis when there is one (`limits` does the counting)."""

import logging
import math
import threading
import time

# Imported here, whole, before any limiter exists: `limits` reads redis.__version__ on first
# use, and a thread that finds the module half-imported by another reads "0.0.0" and refuses.
import redis
from django.conf import settings
from limits import RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_limiters: dict[str, MovingWindowRateLimiter] = {}
# Where a tally (record/count) stops counting: far above any threshold it is compared with,
# and low enough that one key's list in Redis stays small.
_TALLY_CEILING = 10_000


def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    with _lock:
        if storage_uri not in _limiters:
            _limiters[storage_uri] = MovingWindowRateLimiter(storage_from_string(storage_uri))
        return _limiters[storage_uri]


def hit(action: str, key: str | int, *, rate: str, fail_open: bool = False) -> bool:
    """Count one `action` for `key`; False when it is over `rate` (e.g. "20/10second").

    When the counters cannot be reached (Redis restarting), `fail_open` lets the action
    through, logged, instead of raising: a chat keeps accepting messages (they are stored in
    the database) through a Redis blip. Logins stay refused: they fail closed.
    """
    limiter = _limiter(settings.REDIS_URL or "memory://")
    try:
        return limiter.hit(parse(rate), "xlate", action, str(key))
    except (redis.RedisError, OSError) as error:
        if not fail_open:
            raise
        logger.warning("rate limit %s unavailable (%s); letting it through", action, error)
        return True


def retry_after(action: str, key: str | int, *, rate: str) -> int:
    """Whole seconds until `action` for `key` is allowed again (at least 1), for clients that
    show a cooldown; 1 when the counters cannot be read."""
    limiter = _limiter(settings.REDIS_URL or "memory://")
    try:
        reset, _ = limiter.get_window_stats(parse(rate), "xlate", action, str(key))
    except (redis.RedisError, OSError):
        return 1
    return max(1, math.ceil(reset - time.time()))


def record(action: str, key: str | int, *, window: int) -> int:
    """Count one `action` for `key`; returns how many there were in the last `window` seconds,
    this one included (a tally for thresholds, not a limit: nothing is refused)."""
    _limiter(settings.REDIS_URL or "memory://").hit(_tally(window), "xlate", action, str(key))
    return count(action, key, window=window)


def count(action: str, key: str | int, *, window: int) -> int:
    """How many `action`s `record` counted for `key` in the last `window` seconds."""
    item = _tally(window)
    _, remaining = _limiter(settings.REDIS_URL or "memory://").get_window_stats(
        item, "xlate", action, str(key)
    )
    return item.amount - remaining


def forget(action: str, key: str | int, *, window: int) -> None:
    """Drop what `record` counted for `key`."""
    _limiter(settings.REDIS_URL or "memory://").clear(_tally(window), "xlate", action, str(key))


def reset() -> None:
    """Forget every counter of this process's storage (tests; with Redis, every key of
    `limits`)."""
    with _lock:
        limiters = list(_limiters.values())
    for limiter in limiters:
        limiter.storage.reset()


def _tally(window: int) -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(_TALLY_CEILING, max(1, int(window)))
