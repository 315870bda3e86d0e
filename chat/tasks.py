"""Background jobs, each a thin Celery task over one service, with a stable name.

This module is the one registry of jobs: chat/dispatch.py runs them by name, as Celery tasks in
the scale-out mode or on threads of the server process in the embedded mode. No task sets a time
limit of its own: both come from settings (PIPELINE_TIME_LIMIT), because Celery refuses to
queue a task whose own hard limit is below the global soft one.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from chat.services.claims import messages_requeue_orphans
from chat.services.conversations import closed_history_purge
from chat.services.delivery import conversation_release_ready
from chat.services.edits import edits_requeue_stale, message_edit_process
from chat.services.pipeline import messages_process, pipeline_warm_up
from chat.services.submission import messages_requeue_stale
from chat.services.translations import (
    message_translations_retry,
    participant_backfill,
    translations_recover,
    translations_recovery_start,
    translations_retry_sweep,
)
from chat.services.webhooks import delivery_attempt
from translation.breaker import on_close

# Only errors a retry can fix: the database or the broker was briefly out of reach.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="chat.process_messages",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def process_messages(message_ids: list[int]) -> int:
    """Run the delivery pipeline for a few messages; safe to repeat."""
    return messages_process(message_ids=message_ids)


@shared_task(
    name="chat.check_edit",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def check_edit(edit_id: int) -> str:
    """Check and translate a sender's edit, then apply or withhold it; safe to repeat."""
    return message_edit_process(edit_id=edit_id)


@shared_task(
    name="chat.release_ready",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=8,
)
def release_ready(conversation_id: int) -> None:
    """Deliver the messages of a conversation that waited as long as they may for an earlier
    one."""
    conversation_release_ready(conversation_id=conversation_id)


@shared_task(
    name="chat.retry_translations",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def retry_translations(message_id: int, attempt: int, token: str = "", deferred: int = 0) -> int:
    """Try again the translations every provider failed when the message was delivered."""
    return message_translations_retry(
        message_id=message_id, attempt=attempt, token=token, deferred=deferred
    )


@shared_task(
    name="chat.recover_translations",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def recover_translations(run: str, before_id: int | None = None) -> int:
    """A provider is back: queue the next page of unavailable translations again."""
    return translations_recover(run=run, before_id=before_id)


@shared_task(name="chat.sweep_translation_retries")
def sweep_translation_retries() -> int:
    """The translation sweep: retries that were lost are queued again (scheduled)."""
    return translations_retry_sweep()


@shared_task(
    name="chat.backfill_translations",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def backfill_translations(participant_id: int) -> int:
    """Translate recent messages for a reader who just turned translation on."""
    return participant_backfill(participant_id=participant_id)


@shared_task(name="chat.requeue_orphans")
def requeue_orphans() -> int:
    """The orphan sweep: messages whose worker died holding them go to the pipeline again."""
    return messages_requeue_orphans()


@shared_task(name="chat.requeue_pending")
def requeue_pending(stale_seconds: int | None = None) -> int:
    """The sweep: hand messages and edits that waited too long (a lost task) to the pipeline
    again."""
    edits_requeue_stale(older_than_seconds=stale_seconds)
    return messages_requeue_stale(older_than_seconds=stale_seconds)


@shared_task(
    name="chat.deliver_webhook",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def deliver_webhook(delivery_id: int) -> str:
    """POST one event to a host's webhook URL (retries are scheduled by the service)."""
    return delivery_attempt(delivery_id=delivery_id)


@shared_task(name="chat.purge_closed_history")
def purge_closed_history() -> int:
    """Delete what closed conversations keep beyond their retention (scheduled hourly)."""
    return closed_history_purge()


# A provider back from an outage has everything it left unavailable queued again. Connected
# here because ChatConfig.ready() loads this module in every process that translates.
on_close(translations_recovery_start)


@shared_task(name="chat.warm_up")
def warm_up() -> None:
    """Load the pipeline's models and patterns ahead of the first message (embedded mode)."""
    pipeline_warm_up()
