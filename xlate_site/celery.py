"""The Celery app: the delivery pipeline's workers in the scale-out mode."""

import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_received, worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xlate_site.settings")

logger = logging.getLogger(__name__)

app = Celery("xlate")
app.config_from_object("xlate_site.celery_config:CONFIG", namespace="CELERY")
app.autodiscover_tasks()

# The handlers below import inside: this module is read before Django is set up.


@worker_init.connect
def _warm_up_worker(sender=None, **_kwargs) -> None:
    """Build the safety patterns when a worker starts, not on its first message (a few
    seconds; a broken lexicon entry fails the start). Built in the main process, so prefork
    children inherit them. With the threads pool (the reference deployment's) tasks run here:
    load the language models here too. Then take the worker's lease, by which the orphan sweep
    knows it is alive (chat/services/claims.py)."""
    from django.conf import settings

    from chat.services.claims import worker_lease_start
    from moderation.detectors import warm_up
    from translation.detection import preload_detector

    warm_up()
    worker_lease_start()
    pool = getattr(sender, "pool_cls", "")
    if "thread" in (pool if isinstance(pool, str) else pool.__module__):
        preload_detector(settings.SUPPORTED_LANGUAGES)


@worker_process_init.connect
def _preload_language_models(**_kwargs) -> None:
    """A prefork or solo pool's process loads the language models when it starts (not before
    the fork: the models are not shared safely across one)."""
    from django.conf import settings

    from translation.detection import preload_detector

    preload_detector(settings.SUPPORTED_LANGUAGES)


@task_received.connect
def _claim(request=None, **_kwargs) -> None:
    """Mark a received pipeline task's messages as this worker's, before it runs or waits."""
    from chat.services.claims import messages_claim

    if request is None or request.task_name != "chat.process_messages":
        return
    try:
        messages_claim(request.kwargs.get("message_ids") or [])
    except Exception:
        # The database is away: the stale sweep still finds them if this worker dies. A
        # connection that broke is replaced for the next claim.
        logger.warning("could not claim %s", request.id, exc_info=True)
        _drop_broken_connections()


@task_postrun.connect
def _drop_broken_connections(**_kwargs) -> None:
    """After a task, close this thread's database connections that failed and no longer
    answer. CELERY_DB_REUSE_MAX keeps connections across tasks (Celery's Django fix-up then
    checks them only every so many tasks), so a PostgreSQL restart left every worker thread on
    a dead connection, failing task after task for minutes; now the next task reconnects."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.errors_occurred:
            connection.close_if_unusable_or_obsolete()
