"""Runs background jobs: as Celery tasks when a broker is configured, otherwise beside the
ASGI process's event loop, in its thread pool (the embedded mode).

Every job is a service function taking keyword ids; chat/tasks.py wraps each as a task.
"""

import asyncio
import importlib
import logging
import threading
from collections.abc import Callable

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# job name → (Celery task, service function), as dotted paths (imported when first used).
JOBS: dict[str, tuple[str, str]] = {
    "process_message": ("chat.tasks.process_message", "chat.services.message_process"),
    "retry_translations": (
        "chat.tasks.retry_translations",
        "chat.services.message_translations_retry",
    ),
    "backfill_translations": (
        "chat.tasks.backfill_translations",
        "chat.services.participant_backfill",
    ),
}

_loop_lock = threading.Lock()
_event_loop: asyncio.AbstractEventLoop | None = None
# The loop keeps only weak references to tasks; these keep running jobs alive.
_running: set[asyncio.Task] = set()


def uses_celery() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def _resolve(path: str) -> Callable:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def bind_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Remember the server's event loop, so the embedded mode can run jobs beside it.

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


def enqueue(job: str, *, countdown: float = 0, **kwargs: int) -> None:
    """Run `job` with keyword ids, now or after `countdown` seconds. Call it on commit."""
    task_path, function_path = JOBS[job]
    if uses_celery():
        _resolve(task_path).apply_async(kwargs=kwargs, countdown=countdown or None)
        return
    function = _resolve(function_path)
    loop = _event_loop
    if loop is not None and loop.is_running():
        loop.call_soon_threadsafe(loop.call_later, countdown, _spawn, loop, function, kwargs)
        return
    # No server loop in this process (a management command, a plain test): a thread.
    if countdown:
        timer = threading.Timer(countdown, _run_closing, (function, kwargs))
        timer.daemon = True
        timer.start()
    else:
        function(**kwargs)


def enqueue_pipeline(message_id: int) -> None:
    enqueue("process_message", message_id=message_id)


def _spawn(loop: asyncio.AbstractEventLoop, function: Callable, kwargs: dict) -> None:
    runner = database_sync_to_async(function, thread_sensitive=False)
    task = loop.create_task(runner(**kwargs))
    _running.add(task)
    task.add_done_callback(_running.discard)
    task.add_done_callback(_log_failure)


def _run_closing(function: Callable, kwargs: dict) -> None:
    try:
        function(**kwargs)
    except Exception:
        logger.exception("background job %s failed", function.__name__)
    finally:
        connections.close_all()


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("background job failed", exc_info=task.exception())
