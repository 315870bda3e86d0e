"""The log of one socket's refused and failed frames: one line each, a bounded number a minute.

A client decides how many bad frames it sends, so it must not decide how much is logged. A
refused frame (a ClientError) is one INFO line with its type and code; a frame that failed
inside the server is one ERROR line with the exception's type and a short, escaped message,
and the first in a minute carries its traceback. Past the budget, one line says that more are
suppressed, and the next minute starts with how many were. Nothing a client wrote reaches
the log unescaped.
"""

import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

WINDOW = 60.0  # seconds
REFUSED_PER_MINUTE = 10
FAILED_PER_MINUTE = 10
TRACEBACKS_PER_MINUTE = 1
MESSAGE_CHARS = 160  # of an exception's message


class _Budget:
    """Lines of one kind a socket may log per window."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.start = -WINDOW
        self.used = 0
        self.skipped = 0

    def take(self, now: float) -> tuple[bool, int]:
        """Whether a line may be logged now, and how many the last window skipped (reported
        once, by the first line of a new window)."""
        skipped = 0
        if now - self.start >= WINDOW:
            skipped, self.start, self.used, self.skipped = self.skipped, now, 0, 0
        self.used += 1
        if self.used > self.limit:
            self.skipped += 1
            return False, skipped
        return True, skipped

    @property
    def just_ran_out(self) -> bool:
        return self.used == self.limit + 1


class FrameLog:
    """Where a socket's bad frames are logged; `who` names the socket (user and channel)."""

    def __init__(self, who: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.who = who
        self.clock = clock
        self._refused = _Budget(REFUSED_PER_MINUTE)
        self._failed = _Budget(FAILED_PER_MINUTE)
        self._tracebacks = _Budget(TRACEBACKS_PER_MINUTE)

    def refused(self, frame_type: str, code: str) -> None:
        """A frame answered with an error `code` (one of ours, never the client's text)."""
        if self._admit(self._refused, logging.INFO, "refused frames"):
            logger.info("%s: %s frame refused: %s", self.who, frame_type, code)

    def failed(self, frame_type: str, error: BaseException) -> None:
        """A frame the server failed to handle, answered with internal_error."""
        if not self._admit(self._failed, logging.ERROR, "failed frames"):
            return
        with_traceback, _ = self._tracebacks.take(self.clock())
        logger.error(
            "%s: %s frame failed: %s: %s",
            self.who,
            frame_type,
            type(error).__name__,
            ascii(str(error)[:MESSAGE_CHARS]),
            exc_info=error if with_traceback else None,
        )

    def _admit(self, budget: _Budget, level: int, what: str) -> bool:
        admitted, skipped = budget.take(self.clock())
        if skipped:
            logger.log(level, "%s: %d %s suppressed in the last minute", self.who, skipped, what)
        if not admitted and budget.just_ran_out:
            logger.log(level, "%s: more %s suppressed for up to a minute", self.who, what)
        return admitted
