"""The one place that talks to the channel layer. Everything is sent after commit."""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def conversation_group(conversation_id: int) -> str:
    return f"conv.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def broadcast_on_commit(group: str, event: dict[str, Any]) -> None:
    """Send `event` to every consumer in `group` once the current transaction commits.

    Outside a transaction it is sent at once. A failure to reach the channel layer is logged
    and not raised: the state is committed, and clients fill any gap with `since`.
    """
    transaction.on_commit(lambda: _send(group, event))


def _send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.exception("channel layer send to %s failed", group)
