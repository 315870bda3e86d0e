"""A circuit breaker per provider, its state shared by every process through the Django cache
(Redis in the scale-out mode, local memory in the embedded one).

Whoever must act when a provider comes back (the chat app queues again the translations an
outage left unavailable) registers with `on_close`: this module knows nothing of its callers.
"""

import logging
import time
from collections.abc import Callable, Iterable
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Called with the provider's name when its breaker closes after an outage.
CloseListener = Callable[..., None]
_close_listeners: list[CloseListener] = []


def on_close(listener: CloseListener) -> None:
    """Have `listener(provider=name)` called when a provider's breaker closes again after it
    was open: once per closing across all processes, in the process whose call closed it."""
    if listener not in _close_listeners:
        _close_listeners.append(listener)


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

    def retry_in(self) -> float:
        """Seconds until this breaker may let a request through: none when it is closed, or
        half-open with nobody probing; the rest of the cool-down when it is open; a whole
        cool-down while another caller probes (a failed probe opens it for that long, and a
        successful one closes it, which `on_close` listeners hear of)."""
        opened_at = cache.get(self._opened)
        if opened_at is None:
            return 0.0
        left = self.cooldown - (time.time() - opened_at)
        if left > 0:
            return left
        return self.cooldown if cache.get(self._probe) is not None else 0.0

    def record_success(self) -> None:
        # Deleting the key is atomic: of all the processes whose calls succeed at once, only
        # the one that removed it closed the breaker, and only it tells the listeners.
        closed = cache.delete(self._opened)
        cache.delete_many([self._failures, self._probe])
        if closed:
            logger.info("circuit breaker of %s closed", self.name)
            for listener in list(_close_listeners):
                try:
                    listener(provider=self.name)
                except Exception:  # a listener's failure must not fail the translation
                    logger.exception("breaker close listener %r failed", listener)

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


def retry_in(names: Iterable[str]) -> float:
    """Seconds until one of these providers' breakers may let a request through (0: now)."""
    return min((CircuitBreaker(name).retry_in() for name in names), default=0.0)
