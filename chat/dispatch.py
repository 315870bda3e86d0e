"""Hands an accepted message to the delivery pipeline: Celery when a broker is configured,
otherwise a worker thread of the ASGI process that accepted it (the embedded mode)."""

import asyncio
import logging
import threading

from channels.db import database_sync_to_async
from django.conf import settings

logger = logging.getLogger(__name__)

_loop_lock = threading.Lock()
_event_loop: asyncio.AbstractEventLoop | None = None


def uses_celery() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def bind_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Remember the server's event loop, so the embedded mode can run the pipeline beside it.

    The first time a loop is bound, messages left pending by an earlier run of this process
    (a crash or a restart) are handed to the pipeline again.
    """
    global _event_loop
    with _loop_lock:
        if _event_loop is loop or uses_celery():
            return
        _event_loop = loop
    loop.create_task(_requeue_pending())


async def _requeue_pending() -> None:
    from chat.services import message_ids_pending

    for message_id in await database_sync_to_async(message_ids_pending)(older_than_seconds=0):
        enqueue_pipeline(message_id)


def enqueue_pipeline(message_id: int) -> None:
    """Start the pipeline for one message. Call it on commit, never inside a transaction."""
    if uses_celery():
        from chat.tasks import process_message

        process_message.delay(message_id)
        return
    loop = _event_loop
    if loop is not None and loop.is_running():
        future = asyncio.run_coroutine_threadsafe(_process_off_loop(message_id), loop)
        future.add_done_callback(_log_failure)
        return
    # No server loop in this process (a management command): run it here and now.
    from chat.services import message_process

    message_process(message_id=message_id)


async def _process_off_loop(message_id: int) -> None:
    from chat.services import message_process

    await database_sync_to_async(message_process, thread_sensitive=False)(message_id=message_id)


def _log_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("pipeline failed", exc_info=future.exception())
