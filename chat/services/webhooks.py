"""Webhooks: events for the host app, signed, delivered with retries.

An event is emitted inside the transaction that causes it: one delivery row per endpoint that
wants it (the outbox), handed to a job once the transaction commits. The job POSTs the JSON
body with these headers:

    Xlate-Event: <type>
    Xlate-Event-Id: <uuid>      the same for every endpoint; receivers de-duplicate on it
    Xlate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>

A 2xx answer delivers it. Anything else, no answer within WEBHOOK_TIMEOUT, or a redirect (never
followed) is retried after each of WEBHOOK_RETRY_DELAYS; then the delivery fails, and the admin
can send it again.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterable

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chat.dispatch import enqueue
from chat.errors import ClientError
from chat.models import Conversation, WebhookDelivery, WebhookEndpoint
from chat.urls_check import is_http_url

logger = logging.getLogger(__name__)

EVENTS = WebhookEndpoint.Event


def endpoint_create(*, url: str, events: Iterable[str]) -> WebhookEndpoint:
    """Register a URL for some event types; its signing secret is made here."""
    events = sorted(set(events))
    if not events or set(events) - set(EVENTS.values):
        raise ClientError("invalid_field", f"events are some of {', '.join(EVENTS.values)}")
    if not is_http_url(url):
        raise ClientError("invalid_field", "url is an http(s) URL of at most 500 characters")
    return WebhookEndpoint.objects.create(
        url=url, events=events, secret="whsec_" + secrets.token_urlsafe(32)
    )


def endpoint_delete(*, endpoint_id: int) -> None:
    if not WebhookEndpoint.objects.filter(pk=endpoint_id).delete()[0]:
        raise ClientError("not_found", "no webhook with that id")


def event_emit(event: str, data: dict) -> None:
    """Queue `event` for every active endpoint that wants it, in the caller's transaction; the
    deliveries start when it commits (nothing is sent for a transaction rolled back)."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if event in e.events]
    if not endpoints:
        return
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event,
        "created_at": timezone.now().isoformat(),
        "data": data,
    }
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=e, event_id=event_id, event=event, payload=payload)
            for e in endpoints
        ]
    )
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: enqueue("chat.deliver_webhook", delivery_id=pk))


def user_ref(user_id: int | None) -> dict | None:
    """A user as events name them: xlate's id, the host's id (None for local users)."""
    if user_id is None:
        return None
    row = (
        get_user_model().objects.filter(pk=user_id)
        .values_list("username", "profile__external_id").first()
    )  # fmt: skip
    username, external_id = row or ("", None)
    return {"id": user_id, "external_id": external_id, "username": username}


def conversation_ref(conversation_id: int) -> dict:
    """A conversation as events name it: xlate's id and the host's match id (or None)."""
    match_id = (
        Conversation.objects.filter(pk=conversation_id).values_list("external_id", flat=True)
    ).first()
    return {"id": conversation_id, "match_id": match_id}


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Xlate-Signature header for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def delivery_attempt(*, delivery_id: int) -> str:
    """POST one pending delivery; on failure schedule the next attempt or give up. Returns the
    delivery's status."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None:
        return "gone"
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "xlate-webhooks/1",
        "Xlate-Event": delivery.event,
        "Xlate-Event-Id": str(delivery.event_id),
        "Xlate-Signature": signature(delivery.endpoint.secret, int(time.time()), body),
    }
    code, error = None, ""
    try:
        response = httpx.post(
            delivery.endpoint.url,
            content=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            follow_redirects=False,
        )
        code = response.status_code
        if not 200 <= code < 300:
            error = f"answered {code}"
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}"[:300]
    return _record(delivery, code, error)


def _record(delivery: WebhookDelivery, code: int | None, error: str) -> str:
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.last_error = error
    delays = settings.WEBHOOK_RETRY_DELAYS
    if not error:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
    elif delivery.attempts > len(delays):
        delivery.status = WebhookDelivery.Status.FAILED
        logger.warning(
            "webhook %s to endpoint %s failed: %s", delivery.pk, delivery.endpoint_id, error
        )
    else:
        delay = delays[delivery.attempts - 1]
        transaction.on_commit(
            lambda: enqueue("chat.deliver_webhook", countdown=delay, delivery_id=delivery.pk)
        )
    delivery.save(
        update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at"]
    )
    return delivery.status


def delivery_resend(*, delivery: WebhookDelivery) -> None:
    """Send a failed (or delivered) event again, as a fresh series of attempts."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, delivered_at=None
    )
    transaction.on_commit(lambda: enqueue("chat.deliver_webhook", delivery_id=delivery.pk))
