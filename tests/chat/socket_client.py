"""A WebsocketCommunicator on the real ASGI stack (auth and origin middleware included)."""

import asyncio
import json

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from chat.tokens import SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX, socket_token_issue
from xlate_site.asgi import application

TIMEOUT = 10
# Frames about other people's state rather than answers to this socket, kept out of the way of
# tests about something else (a socket opened with presence=True sees them).
AMBIENT = frozenset({"presence"})


class Socket(WebsocketCommunicator):
    """A communicator that sets ambient frames aside (in `ambient`) unless asked for them."""

    def __init__(self, *args, presence: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skip = frozenset() if presence else AMBIENT
        self.ambient: list[dict] = []

    async def receive_from(self, timeout=1):
        while True:
            text = await super().receive_from(timeout)
            if not self.skip or not self._ambient(text):
                return text

    async def receive_nothing(self, timeout=0.1, interval=0.01):
        while True:
            if not await super().receive_nothing(timeout, interval):
                text = await super().receive_from(timeout)
                if self._ambient(text):
                    continue
                self.output_queue.put_nowait({"type": "websocket.send", "text": text})
                return False
            return True

    def _ambient(self, text: str) -> bool:
        frame = json.loads(text)
        if isinstance(frame, dict) and frame.get("type") in self.skip:
            self.ambient.append(frame)
            return True
        return False


def token_subprotocols(token: str) -> list[str]:
    return [SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token]


async def open_socket(user, *, headers=None, presence: bool = False) -> Socket:
    token = await database_sync_to_async(socket_token_issue)(user=user)
    socket = Socket(
        application,
        "/ws/chat/",
        headers=headers,
        subprotocols=token_subprotocols(token),
        presence=presence,
    )
    connected, subprotocol = await socket.connect(timeout=TIMEOUT)
    assert connected and subprotocol == "xlate", subprotocol
    return socket


async def receive_type(socket: WebsocketCommunicator, frame_type: str) -> dict:
    """The next frame of `frame_type`, failing on any other frame in between."""
    frame = await socket.receive_json_from(timeout=TIMEOUT)
    assert frame["type"] == frame_type, frame
    return frame


async def subscribe(socket: WebsocketCommunicator, conversation_id: int, since=None) -> list:
    """Subscribe and return the replayed messages (the frames before `subscribed`)."""
    frame = {"type": "subscribe", "conversation": conversation_id}
    if since is not None:
        frame["since"] = since
    await socket.send_json_to(frame)
    replay = []
    while True:
        reply = await socket.receive_json_from(timeout=TIMEOUT)
        if reply["type"] == "subscribed":
            return replay
        assert reply["type"] == "message.new", reply
        replay.append(reply["message"])


async def send_message(socket, conversation_id: int, client_id: str, text: str) -> dict:
    await socket.send_json_to(
        {"type": "message.send", "conversation": conversation_id, "client_id": client_id,
         "text": text}
    )  # fmt: skip
    return await receive_type(socket, "message.accepted")


async def assert_silent(*sockets: WebsocketCommunicator) -> None:
    for socket in sockets:
        assert await socket.receive_nothing(timeout=0.3)


async def close(*sockets: WebsocketCommunicator) -> None:
    await asyncio.gather(*(socket.disconnect() for socket in sockets))
