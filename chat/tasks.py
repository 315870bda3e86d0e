"""Celery tasks: thin shells over chat.services."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from chat import services


@shared_task(
    name="chat.process_message",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def process_message(message_id: int) -> str | None:
    """Run the delivery pipeline for one message; safe to repeat."""
    message = services.message_process(message_id=message_id)
    return message.status if message is not None else None


@shared_task(name="chat.requeue_pending", time_limit=60)
def requeue_pending() -> int:
    """Hand messages that have waited too long (a lost task) to the pipeline again."""
    ids = services.message_ids_pending(older_than_seconds=settings.PIPELINE_STALE_SECONDS)
    for message_id in ids:
        process_message.delay(message_id)
    return len(ids)
