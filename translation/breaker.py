"""A circuit breaker per provider, its state shared by every process through the Django cache
(Redis in the scale-out mode, local memory in the embedded one)."""

import time
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Opens after `threshold` failures in a row, stays open for `cooldown` seconds, then lets
    one probe through: its success closes the breaker, its failure opens it again."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._failures = f"breaker:{name}:failures"
        self._opened = f"breaker:{name}:opened_at"
        self._probe = f"breaker:{name}:probe"

    @property
    def threshold(self) -> int:
        return settings.TRANSLATION_BREAKER_THRESHOLD

    @property
    def cooldown(self) -> float:
        return settings.TRANSLATION_BREAKER_COOLDOWN

    def state(self) -> State:
        opened_at = cache.get(self._opened)
        if opened_at is None:
            return State.CLOSED
        return State.OPEN if time.time() - opened_at < self.cooldown else State.HALF_OPEN

    def allow(self) -> bool:
        """May a request go to this provider now?"""
        state = self.state()
        if state is State.CLOSED:
            return True
        if state is State.OPEN:
            return False
        # Half-open: exactly one caller across all processes gets to probe.
        return cache.add(self._probe, 1, timeout=max(int(self.cooldown), 1))

    def record_success(self) -> None:
        cache.delete_many([self._failures, self._opened, self._probe])

    def record_failure(self) -> None:
        if self.state() is not State.CLOSED:
            # The probe failed: another full cool-down before the next one.
            cache.set(self._opened, time.time(), timeout=None)
            cache.delete(self._probe)
            return
        cache.add(self._failures, 0, timeout=max(int(self.cooldown) * 4, 60))
        try:
            failures = cache.incr(self._failures)
        except ValueError:  # expired between add and incr
            cache.set(self._failures, 1, timeout=max(int(self.cooldown) * 4, 60))
            failures = 1
        if failures >= self.threshold:
            cache.set(self._opened, time.time(), timeout=None)
