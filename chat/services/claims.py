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
from collections.abc import Sequence
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from chat.models import Message
from chat.services.leases import LOCK_SPACE
from chat.services.submission import SWEEP_LIMIT, messages_requeue
from chat.sql_values import to_db

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
        self._lock = threading.Lock()

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
        with self._lock:
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
        stop = threading.Event()
        while not stop.wait(LEASE_CHECK_SECONDS):
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
    table = Message._meta.db_table
    since = timezone.now() - timedelta(seconds=ORPHAN_WINDOW)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id FROM {table} m WHERE m.status = %s AND m.claimed_by IS NOT NULL "
            "AND (m.requeued_at IS NULL OR m.requeued_at < m.claimed_at) "
            "AND m.created_at >= %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid = %s::oid AND l.objid = m.claimed_by::oid AND l.objsubid = 2) "
            "ORDER BY m.id LIMIT %s",
            [Message.Status.PENDING, to_db(since), LOCK_SPACE, SWEEP_LIMIT],
        )
        ids = [row[0] for row in cursor.fetchall()]
    messages_requeue(ids)
    return len(ids)
