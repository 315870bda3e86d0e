"""Hands background jobs over: to Celery when a broker is configured, otherwise to a pool of
threads in this process (the embedded mode). Jobs are named by their Celery task names, and
chat/tasks.py is the one place that says what each runs; callers never import the tasks.

Scale-out: a publisher thread does the publishing, so the thread that stored a message never
waits on the broker. A publish that fails (Redis restarting, the broker refusing) is retried
with backoff; the stored row is the real outbox (see chat/services/submission.py), so what a
process loses by dying before it published is found by the sweep. Pipeline jobs that queue up
while a publish is in flight are sent as one task of several messages.

Embedded: pipeline jobs run on PIPELINE_THREADS threads, each taking the messages queued so far
(a few at a time) in one run; a process that serves no socket (a management command, a test
without one) runs jobs inline instead.
"""

import asyncio
import atexit
import collections
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections

from xlate_site.celery import app as celery_app

logger = logging.getLogger(__name__)

PIPELINE = "chat.process_messages"
# Messages in one pipeline task or one in-process run.
BATCH = 8
# Publish retries back off from the first delay to the last, for at most RETRY_FOR seconds
# (then the sweep is what finds pending messages).
RETRY_DELAYS = (0.2, 0.5, 1, 2, 5, 10, 30)


def uses_celery() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def enqueue(task_name: str, *, countdown: float = 0, **kwargs: Any) -> None:
    """Run the task `task_name` with keyword arguments, now or after `countdown` seconds.
    Never raises: a hand-off that fails is retried. Call it on commit."""
    if uses_celery():
        _publisher().put(_Job(task_name, kwargs, countdown))
    else:
        _local().submit(_Job(task_name, kwargs, countdown))


@dataclass(slots=True)
class _Job:
    name: str
    kwargs: dict[str, Any]
    countdown: float = 0
    attempt: int = 0
    first_tried: float = 0.0


def _task(name: str):
    return celery_app.tasks[name]


# --- scale-out: the publisher thread ---------------------------------------------------------


class _Publisher:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.jobs: collections.deque[_Job] = collections.deque()
        self.ready = threading.Condition()
        self.idle = threading.Event()
        self.idle.set()
        threading.Thread(target=self._run, name="xlate-publisher", daemon=True).start()

    def put(self, job: _Job) -> None:
        with self.ready:
            self.idle.clear()
            self.jobs.append(job)
            self.ready.notify()

    def _take(self) -> list[_Job]:
        with self.ready:
            while not self.jobs:
                self.idle.set()
                self.ready.wait()
            taken = list(self.jobs)
            self.jobs.clear()
            return taken

    def _run(self) -> None:
        while True:
            for job in _batched(self._take()):
                try:
                    celery_app.send_task(
                        job.name, kwargs=job.kwargs, countdown=job.countdown or None, retry=False
                    )
                except Exception as error:  # kombu wraps every broker failure differently
                    self._retry_later(job, error)

    def _retry_later(self, job: _Job, error: Exception) -> None:
        now = time.monotonic()
        job.first_tried = job.first_tried or now
        if now - job.first_tried > settings.PIPELINE_STALE_SECONDS:
            logger.error("gave up publishing %s after %d tries: %s", job.name, job.attempt, error)
            return
        delay = RETRY_DELAYS[min(job.attempt, len(RETRY_DELAYS) - 1)]
        job.attempt += 1
        logger.warning(
            "publishing %s failed (%s); retry %d in %s s", job.name, error, job.attempt, delay
        )
        timer = threading.Timer(delay, self.put, (job,))
        timer.daemon = True
        timer.start()


def _batched(jobs: list[_Job]) -> list[_Job]:
    """Pipeline jobs due now merged into tasks of up to BATCH messages; others as they are."""
    out: list[_Job] = []
    ids: list[int] = []
    for job in jobs:
        if job.name == PIPELINE and not job.countdown and not job.attempt:
            ids.extend(job.kwargs["message_ids"])
        else:
            out.append(job)
    for start in range(0, len(ids), BATCH):
        out.append(_Job(PIPELINE, {"message_ids": ids[start : start + BATCH]}))
    return out


_publisher_lock = threading.Lock()
_the_publisher: _Publisher | None = None


def _publisher() -> _Publisher:
    global _the_publisher
    with _publisher_lock:
        # A forked worker process does not inherit the thread: start its own.
        if _the_publisher is None or _the_publisher.pid != os.getpid():
            _the_publisher = _Publisher()
        return _the_publisher


def flush(timeout: float = 5.0) -> bool:
    """Wait until this process has published everything queued (at exit, in tests)."""
    publisher = _the_publisher
    if publisher is None or publisher.pid != os.getpid():
        return True
    return publisher.idle.wait(timeout)


atexit.register(flush, 2.0)


# --- embedded: jobs in this process -----------------------------------------------------------


class _LocalRunner:
    """Threads of this process run the jobs; pipeline jobs are drained a few at a time."""

    def __init__(self, threads: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="xlate-job")
        self.threads = threads
        self.lock = threading.Lock()
        self.pending_ids: collections.deque[int] = collections.deque()
        self.draining = 0
        # Jobs handed to the pool and not finished yet; `idle` is set when there are none.
        self.active = 0
        self.idle = threading.Event()
        self.idle.set()
        # The event loop of the server this process runs, while it runs.
        self.loop: asyncio.AbstractEventLoop | None = None

    def submit(self, job: _Job) -> None:
        if job.countdown:
            timer = threading.Timer(job.countdown, self._when_due, (_Job(job.name, job.kwargs),))
            timer.daemon = True
            timer.start()
            return
        if self.loop is None or not self.loop.is_running():
            # No socket is served by this process: run it here and now.
            _run_logged(_task(job.name).run, job.kwargs)
            return
        if job.name != PIPELINE:
            self._started()
            self.pool.submit(self._counted, _run_closing, _task(job.name).run, job.kwargs)
            return
        with self.lock:
            self.pending_ids.extend(job.kwargs["message_ids"])
            if self.draining >= self.threads:
                return
            self.draining += 1
        self._started()
        self.pool.submit(self._counted, self._drain)

    def _started(self) -> None:
        with self.lock:
            self.active += 1
            self.idle.clear()

    def _counted(self, function: Callable, *args) -> None:
        try:
            function(*args)
        finally:
            with self.lock:
                self.active -= 1
                if not self.active:
                    self.idle.set()

    def _when_due(self, job: _Job) -> None:
        try:
            self.submit(job)
        finally:
            connections.close_all()  # this timer thread's own, if it ran the job inline

    def _drain(self) -> None:
        run = _task(PIPELINE).run
        try:
            while True:
                with self.lock:
                    if not self.pending_ids:
                        self.draining -= 1
                        return
                    count = min(BATCH, len(self.pending_ids))
                    ids = [self.pending_ids.popleft() for _ in range(count)]
                _run_closing(run, {"message_ids": ids})
        except BaseException:
            with self.lock:
                self.draining -= 1
            raise


def _run_logged(function: Callable, kwargs: dict) -> None:
    try:
        function(**kwargs)
    except Exception:
        logger.exception("background job %s failed", getattr(function, "__name__", function))


def _run_closing(function: Callable, kwargs: dict) -> None:
    close_old_connections()
    try:
        _run_logged(function, kwargs)
    finally:
        close_old_connections()


_local_lock = threading.Lock()
_the_runner: _LocalRunner | None = None


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait until this process's threads have finished every job handed to them (tests, a
    graceful shutdown)."""
    runner = _the_runner
    return runner is None or runner.idle.wait(timeout)


def _local() -> _LocalRunner:
    global _the_runner
    with _local_lock:
        if _the_runner is None:
            _the_runner = _LocalRunner(settings.PIPELINE_THREADS)
        return _the_runner


_sweeping = threading.Event()


def serve_in_process(loop: asyncio.AbstractEventLoop) -> None:
    """This process serves sockets in the embedded mode, on `loop`: run jobs on its threads
    while the loop runs. The first time, load the pipeline's models and patterns (in the
    background, ahead of the first message), hand the pipeline what an earlier run left
    pending, and sweep every minute from then on."""
    if uses_celery():
        return
    runner = _local()
    with _local_lock:
        if runner.loop is loop:
            return
        runner.loop = loop
    enqueue("chat.warm_up")
    enqueue("chat.requeue_pending", stale_seconds=0)
    if not _sweeping.is_set():
        _sweeping.set()
        threading.Thread(target=_periodic, name="xlate-periodic", daemon=True).start()


def _periodic() -> None:
    """What `celery beat` does in the scale-out mode: every entry of CELERY_BEAT_SCHEDULE on
    its interval (the sweep, the purge of closed conversations)."""
    entries = [(e["task"], float(e["schedule"])) for e in settings.CELERY_BEAT_SCHEDULE.values()]
    due = {task: time.monotonic() + interval for task, interval in entries}
    while True:
        time.sleep(1)
        loop = _local().loop
        if loop is None or not loop.is_running():
            continue
        for task, interval in entries:
            if time.monotonic() >= due[task]:
                due[task] = time.monotonic() + interval
                enqueue(task)  # runs on the pool, never on this thread
