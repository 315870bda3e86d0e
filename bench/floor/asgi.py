"""The floor server: one AsyncJsonWebsocketConsumer at /ws/chat/ that broadcasts each message.

What xlate costs above the bare minimum a Channels chat needs: no database, no auth (the
subprotocol `xlate` is accepted when offered; a token beside it is ignored), no pipeline.
Frames, a subset of docs/protocol.md:

    subscribe     → group_add conv.<id>, reply subscribed with the conversation's last_seq
    message.send  → per-conversation seq (a dict: one process, so a counter is honest),
                    group_send to conv.<id>, reply message.accepted to the sender;
                    each member's consumer sends message.new
    ping          → pong with the same id

    DJANGO_SETTINGS_MODULE=bench.floor.settings FLOOR_LAYER=pubsub REDIS_URL=redis://... \
        .venv/bin/uvicorn bench.floor.asgi:application --lifespan off --no-access-log
"""

import itertools
import os
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor.settings")
django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

_user_ids = itertools.count(1)
_message_ids = itertools.count(1)
_last_seq: dict[int, int] = defaultdict(int)


class FloorConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.user_id = next(_user_ids)
        self.conversations: set[int] = set()
        offered = self.scope.get("subprotocols", [])
        await self.accept(subprotocol="xlate" if "xlate" in offered else None)

    async def disconnect(self, code: int) -> None:
        for conversation in getattr(self, "conversations", ()):
            await self.channel_layer.group_discard(f"conv.{conversation}", self.channel_name)

    async def receive_json(self, content: Any, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "subscribe":
            conversation = int(content["conversation"])
            await self.channel_layer.group_add(f"conv.{conversation}", self.channel_name)
            self.conversations.add(conversation)
            await self.send_json(
                {
                    "type": "subscribed",
                    "conversation": conversation,
                    "last_seq": _last_seq[conversation],
                }
            )
        elif kind == "message.send":
            await self.message_send(int(content["conversation"]), content["client_id"], content)
        elif kind == "ping":
            await self.send_json({"type": "pong", "id": content.get("id")})
        else:
            await self.send_json({"type": "error", "code": "unknown_type", "detail": str(kind)})

    async def message_send(self, conversation: int, client_id: str, content: dict) -> None:
        # The number and the send happen with no await between them but the send itself, so
        # the layer sees a conversation's messages in seq order.
        _last_seq[conversation] += 1
        message = {
            "id": next(_message_ids),
            "conversation": conversation,
            "seq": _last_seq[conversation],
            "client_id": client_id,
            "sender": {"id": self.user_id},
            "text": content.get("text", ""),
            "status": "delivered",
            "created_at": datetime.now(UTC).isoformat(),
            "translation": None,
        }
        await self.channel_layer.group_send(
            f"conv.{conversation}", {"type": "chat.message", "message": message}
        )
        await self.send_json(
            {
                "type": "message.accepted",
                "conversation": conversation,
                "id": message["id"],
                "client_id": client_id,
                "status": "pending",
                "seq": None,
                "duplicate": False,
            }
        )

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "message.new", "message": event["message"]})


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/chat/", FloorConsumer.as_asgi())])}
)
