"""Celery tasks: thin shells over chat.services, each with a stable name."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from chat import services

# Only errors a retry can fix: the database or the broker was briefly out of reach.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="chat.process_message",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def process_message(message_id: int) -> str | None:
    """Run the delivery pipeline for one message; safe to repeat."""
    message = services.message_process(message_id=message_id)
    return message.status if message is not None else None


@shared_task(
    name="chat.retry_translations",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def retry_translations(message_id: int, attempt: int) -> int:
    """Try again the translations every provider failed when the message was delivered."""
    return services.message_translations_retry(message_id=message_id, attempt=attempt)


@shared_task(
    name="chat.backfill_translations",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def backfill_translations(participant_id: int) -> int:
    """Translate recent messages for a reader who just turned translation on."""
    return services.participant_backfill(participant_id=participant_id)


@shared_task(name="chat.requeue_pending", time_limit=60)
def requeue_pending() -> int:
    """Hand messages that have waited too long (a lost task) to the pipeline again."""
    ids = services.message_ids_pending(older_than_seconds=settings.PIPELINE_STALE_SECONDS)
    for message_id in ids:
        process_message.delay(message_id)
    return len(ids)
