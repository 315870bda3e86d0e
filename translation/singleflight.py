"""At most one provider call per cache key at a time, across threads and processes.

The first caller takes a lock in the shared cache (Redis SET NX in the scale-out mode) and
computes; the others wait for the result to appear, and take over if the lock holder dies
(the lock expires).
"""

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

POLL_SECONDS = 0.05


def single_flight(
    key: str,
    *,
    lookup: Callable[[], T | None],
    compute: Callable[[], T],
    lock_seconds: float,
) -> tuple[T, bool]:
    """Return (value, computed_here). `lookup` reads the shared result; `compute` makes it
    and must store it where `lookup` finds it before returning."""
    lock = f"singleflight:{key}"
    token = uuid.uuid4().hex
    while True:
        found = lookup()
        if found is not None:
            return found, False
        if cache.add(lock, token, timeout=max(int(lock_seconds), 1)):
            try:
                found = lookup()  # it may have landed between our lookup and the lock
                if found is not None:
                    return found, False
                return compute(), True
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        time.sleep(POLL_SECONDS)
