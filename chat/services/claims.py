"""Which worker holds which pending messages, so that a dead worker's are found in seconds
(PostgreSQL only).

A Celery worker holds a lease for its life: a session-level advisory lock on a key of its own,
on a connection kept for nothing else (`worker_lease_start`). Every pipeline task it receives
marks its messages `claimed_by` that key, before the task runs or waits in the worker's
prefetch. Should the worker die (kill -9, its machine gone), PostgreSQL ends the lease's
session and releases the lock at once, while the worker's tasks stay unacknowledged in the
broker until its visibility timeout, an hour away. The orphan sweep
(`messages_requeue_orphans`, every PIPELINE_ORPHAN_SWEEP_SECONDS) hands the pipeline every
pending message claimed since it was last handed over by a worker whose lease is gone. A
message still queued in the broker was never claimed and is left to the queue, so a backlog is
not queued twice; a hand-off lost before any claim is the stale sweep's (PIPELINE_STALE_SECONDS).

An orphan is requeued so only within ORPHAN_WINDOW of its arrival: a message that keeps failing
is left to the stale sweep's slower pace then. A lease whose connection broke (PostgreSQL
restarted) is taken again; what was claimed meanwhile may be run twice, which the pipeline
allows. SQLite (the embedded mode) has no such locks and no separate workers to lose.
"""

import contextlib
import logging
import os
import random
import threading
import time
from collections.abc import Sequence
from datetime import timedelta

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from chat.models import Message
from chat.services.leases import LOCK_SPACE, live_lease_keys
from chat.services.submission import SWEEP_LIMIT, messages_requeue

logger = logging.getLogger(__name__)

ORPHAN_WINDOW = 600  # seconds
LEASE_CHECK_SECONDS = 2.0
_KEYS = 2**31 - 1


class WorkerLease:
    """A worker's advisory lock, on a connection of its own, kept (and taken again after the
    connection breaks) by a daemon thread."""

    def __init__(self) -> None:
        self.key: int | None = None
        self._connection = None

    def start(self) -> int | None:
        self._acquire()
        # A prefork pool's children inherit the lease's socket: each points its copy at
        # /dev/null, so that its exit can never end the parent's session.
        os.register_at_fork(after_in_child=self._detach)
        threading.Thread(target=self._keep, name="xlate-lease", daemon=True).start()
        return self.key

    def _acquire(self) -> None:
        raw = connection.get_new_connection(connection.get_connection_params())
        raw.autocommit = True
        key = self.key or random.randint(1, _KEYS)
        while not _locked(raw, key):
            key = random.randint(1, _KEYS)  # another live worker's
        old, self._connection, self.key = self._connection, raw, key
        if old is not None:
            with contextlib.suppress(Exception):
                old.close()

    def _detach(self) -> None:
        global _lease
        _lease = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                null = os.open(os.devnull, os.O_RDWR)
                os.dup2(null, self._connection.fileno())
                os.close(null)

    def _keep(self) -> None:
        while True:
            time.sleep(LEASE_CHECK_SECONDS)
            try:
                self._connection.execute("SELECT 1")
            except Exception:
                logger.warning("worker lease %s lost its connection; taking it again", self.key)
                try:
                    self._acquire()
                except Exception:
                    logger.warning("worker lease %s not taken again yet", self.key)


def _locked(raw, key: int) -> bool:
    return raw.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, key]).fetchone()[0]


_lease: WorkerLease | None = None


def worker_lease_start() -> int | None:
    """Take this worker process's lease (once); its key, or None off PostgreSQL."""
    global _lease
    if connection.vendor != "postgresql":
        return None
    if _lease is None:
        _lease = WorkerLease()
        _lease.start()
    return _lease.key


def messages_claim(message_ids: Sequence[int]) -> None:
    """Mark the pending messages of a task this worker received as its own."""
    if _lease is None or _lease.key is None or not message_ids:
        return
    Message.objects.filter(pk__in=list(message_ids), status=Message.Status.PENDING).update(
        claimed_by=_lease.key, claimed_at=timezone.now()
    )


def messages_requeue_orphans() -> int:
    """Requeue the pending messages claimed by a worker whose lease is gone; how many."""
    if connection.vendor != "postgresql":
        return 0
    since = timezone.now() - timedelta(seconds=ORPHAN_WINDOW)
    claimed = list(
        Message.objects.filter(
            Q(requeued_at__isnull=True) | Q(requeued_at__lt=F("claimed_at")),
            status=Message.Status.PENDING,
            claimed_by__isnull=False,
            created_at__gte=since,
        )
        .order_by("pk")
        .values_list("pk", "claimed_by")[:SWEEP_LIMIT]
    )
    # Read after the claims: a lease alive now was alive when it claimed.
    live = set(live_lease_keys())
    ids = [pk for pk, worker in claimed if worker not in live]
    messages_requeue(ids)
    return len(ids)
