"""A fault inside the server while it handles a frame (the database or Redis gone for a moment)
answers that frame so the client can tell which one to send again, and the heartbeat keeps
working without presence. Found by the chaos suite (bench/chaos.py); the faults are injected
here, where the in-process mode has no PostgreSQL or Redis to stop."""

import pytest
from django.db import OperationalError

from chat import consumers, presence
from tests.chat.socket_client import close, open_socket, receive_type, subscribe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    return alice, make_conversation(alice, bruno)


async def test_a_send_that_fails_inside_the_server_names_its_client_id(pair, monkeypatch):
    alice, conversation = pair
    socket = await open_socket(alice)

    def database_gone(**_kwargs):
        raise OperationalError("connection failed: the database system is shutting down")

    monkeypatch.setattr(consumers, "check_message_submit", database_gone)
    frame = {"type": "message.send", "conversation": conversation.pk, "client_id": "c-7"}
    await socket.send_json_to({**frame, "text": "hello"})

    error = await receive_type(socket, "error")
    assert error["code"] == "internal_error" and error["client_id"] == "c-7"
    await close(socket)


async def test_a_heartbeat_still_fills_and_answers_when_presence_fails(pair, monkeypatch):
    alice, conversation = pair
    socket = await open_socket(alice)
    await subscribe(socket, conversation.pk)

    async def redis_gone(*_args):
        raise ConnectionError("Connection closed by server.")

    monkeypatch.setattr(presence, "renew", redis_gone)
    await socket.send_json_to({"type": "ping", "id": "p1"})

    pong = await receive_type(socket, "pong")
    assert pong["id"] == "p1" and pong["conversations"] == {str(conversation.pk): 0}
    await close(socket)
