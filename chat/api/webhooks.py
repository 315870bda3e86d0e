"""The server API's webhooks: the host app registers URLs for signed events."""

from django.http import HttpRequest
from ninja import Path, Router, Status

from chat.api import auth
from chat.api.schemas import Error, WebhookCreated, WebhookIn, WebhookOut
from chat.models import WebhookEndpoint
from chat.services import webhooks

router = Router(tags=["webhooks"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def _out(endpoint: WebhookEndpoint, schema=WebhookOut):
    fields = {"id": endpoint.pk, "url": endpoint.url, "events": endpoint.events}
    extra = {"secret": endpoint.secret} if schema is WebhookCreated else {}
    return schema(**fields, active=endpoint.active, created_at=endpoint.created_at, **extra)


@router.post("/webhooks", auth=auth.WEBHOOKS, response={201: WebhookCreated, **ERRORS})
def webhook_create(request: HttpRequest, body: WebhookIn):
    """Register a URL for some event types. The answer carries the signing secret, once."""
    endpoint = webhooks.endpoint_create(url=body.url, events=body.events)
    return Status(201, _out(endpoint, WebhookCreated))


@router.get("/webhooks", auth=auth.WEBHOOKS, response={200: list[WebhookOut], **ERRORS})
def webhook_list(request: HttpRequest):
    return [_out(endpoint) for endpoint in WebhookEndpoint.objects.order_by("pk")]


@router.delete("/webhooks/{webhook_id}", auth=auth.WEBHOOKS, response={204: None, **ERRORS})
def webhook_delete(request: HttpRequest, webhook_id: int = Path(..., ge=1, le=2**63 - 1)):
    webhooks.endpoint_delete(endpoint_id=webhook_id)
    return Status(204, None)
