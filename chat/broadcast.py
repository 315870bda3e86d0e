"""The one place that talks to the channel layer. Everything is sent after commit.

Sends leave a process one at a time, in the order they were made, from one event loop:
- in a process that serves sockets, the server's own loop (the embedded mode's in-memory layer
  lives there);
- anywhere else (a Celery worker), a loop on a thread of its own, started once per process, so
  a broadcast costs a queue put, not a new thread, event loop and Redis connection.

A send that fails (Redis restarting) is retried with backoff for about half a minute, still in
order. What is lost after that is not lost for readers: their sockets fill any gap from the
database before a later frame, and every pong carries the conversations' latest numbers.
"""

import asyncio
import atexit
import logging
import os
import threading
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from xlate_site import metrics

logger = logging.getLogger(__name__)

# Seconds to wait before each retry of a failed send (about 30 s in all).
RETRY_DELAYS = (0.1, 0.2, 0.5, 1, 2, 3, 5, 8, 10)


def conversation_group(conversation_id: int) -> str:
    return f"conv.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def broadcast_on_commit(group: str, event: dict[str, Any]) -> None:
    """Send `event` to every consumer in `group` once the current transaction commits (at once
    outside a transaction). Never raises."""
    transaction.on_commit(lambda: _send(group, event))


def _send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    sender = _sender(in_memory=isinstance(layer, InMemoryChannelLayer))
    if sender is not None:
        sender.send(group, event)
        return
    # The in-memory layer outside a server (a management command, a test): its queues belong
    # to whoever waits on them, so send from here and now.
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.exception("send to %s failed", group)


class _Sender:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pid = os.getpid()
        self.queue: asyncio.Queue | None = None
        self.unsent = 0
        self.lock = threading.Lock()
        self.drained = threading.Event()
        self.drained.set()

    def send(self, group: str, event: dict[str, Any]) -> None:
        with self.lock:
            self.unsent += 1
            self.drained.clear()
        self.loop.call_soon_threadsafe(self._put, group, event, time.perf_counter())

    def _put(self, group: str, event: dict[str, Any], queued_at: float) -> None:
        if self.queue is None:
            self.queue = asyncio.Queue()
            self.loop.create_task(self._drain(self.queue))
        self.queue.put_nowait((group, event, queued_at))

    async def _drain(self, queue: asyncio.Queue) -> None:
        layer = get_channel_layer()
        while True:
            group, event, queued_at = await queue.get()
            try:
                if layer is not None:
                    await _send_retrying(layer, group, event)
                # From the commit that made the event to the channel layer having it.
                metrics.STAGE_SECONDS.labels("broadcast").observe(time.perf_counter() - queued_at)
            finally:
                with self.lock:
                    self.unsent -= 1
                    if not self.unsent:
                        self.drained.set()


async def _send_retrying(layer, group: str, event: dict[str, Any]) -> None:
    for delay in (*RETRY_DELAYS, None):
        try:
            await layer.group_send(group, event)
            return
        except Exception as error:
            if delay is None:
                logger.error("gave up sending to %s: %s", group, error)
                return
            logger.warning("send to %s failed (%s); retrying in %s s", group, error, delay)
            await asyncio.sleep(delay)


_lock = threading.Lock()
_server_loop: asyncio.AbstractEventLoop | None = None
_senders: dict[asyncio.AbstractEventLoop, _Sender] = {}


def use_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """This process serves sockets on `loop`: send from it while it runs."""
    global _server_loop
    with _lock:
        _server_loop = loop


def _sender(*, in_memory: bool) -> _Sender | None:
    with _lock:
        loop = _server_loop
        if loop is None or not loop.is_running():
            if in_memory:
                return None
            loop = _own_loop()
        sender = _senders.get(loop)
        if sender is None or sender.pid != os.getpid():
            sender = _senders[loop] = _Sender(loop)
        for stale in [other for other in _senders if other.is_closed()]:
            del _senders[stale]
        return sender


_own: tuple[int, asyncio.AbstractEventLoop] | None = None


def _own_loop() -> asyncio.AbstractEventLoop:
    """This process's sending loop, on a thread of its own (a forked child starts another)."""
    global _own
    if _own is None or _own[0] != os.getpid():
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="xlate-broadcast", daemon=True).start()
        _own = (os.getpid(), loop)
    return _own[1]


def flush(timeout: float = 5.0) -> bool:
    """Wait until this process has sent (or given up on) everything it was asked to send."""
    with _lock:
        senders = [s for s in _senders.values() if s.pid == os.getpid() and not s.loop.is_closed()]
    return all(sender.drained.wait(timeout) for sender in senders)


atexit.register(flush, 2.0)
