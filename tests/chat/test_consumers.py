"""The chat socket end to end in one process: the embedded mode's real path."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from chat.models import Message
from tests.chat.socket_client import (
    assert_silent,
    close,
    open_socket,
    receive_type,
    send_message,
    subscribe,
    token_subprotocols,
)
from xlate_site.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@pytest.fixture
def pair(make_user, make_conversation):
    """Alice reads English; Bruno reads Spanish and opted in to translation."""
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    conversation = make_conversation(alice, bruno, translate_for=[bruno])
    return alice, bruno, conversation


async def test_reader_who_opted_in_gets_the_translation_and_the_original(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)

    accepted = await send_message(a, conversation.pk, "c1", "Hello, how are you?")

    assert accepted["status"] == "pending" and accepted["duplicate"] is False
    to_alice = (await receive_type(a, "message.new"))["message"]
    to_bruno = (await receive_type(b, "message.new"))["message"]
    assert to_alice["id"] == to_bruno["id"] == accepted["id"]
    assert to_alice["seq"] == to_bruno["seq"] == 1
    assert to_alice["translation"] is None
    assert to_bruno["text"] == "Hello, how are you?"
    assert to_bruno["translation"]["language"] == "es"
    assert to_bruno["translation"]["demo"] is True
    assert to_bruno["translation"]["text"] != to_bruno["text"]
    await assert_silent(a, b)
    await close(a, b)


async def test_a_blocked_message_reaches_only_its_sender(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)

    await send_message(a, conversation.pk, "w1", f"send the money to {WALLET} today")

    blocked = await receive_type(a, "message.blocked")
    assert blocked["client_id"] == "w1" and blocked["reason"] == "crypto_wallet"
    await assert_silent(a, b)
    message = await database_sync_to_async(Message.objects.get)(client_id="w1")
    assert message.status == Message.Status.BLOCKED and message.seq is None
    await close(a, b)


async def test_resending_a_client_id_returns_the_same_message(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)

    first = await send_message(a, conversation.pk, "same", "hola")
    await receive_type(b, "message.new")
    again = await send_message(a, conversation.pk, "same", "hola")

    assert again["id"] == first["id"] and again["duplicate"] is True
    assert again["status"] == "delivered" and again["seq"] == 1
    await assert_silent(b)
    assert await database_sync_to_async(Message.objects.count)() == 1
    await close(a, b)


async def test_reconnecting_with_since_replays_exactly_the_missed_messages(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    await send_message(a, conversation.pk, "m1", "one")
    await receive_type(a, "message.new")
    seen = (await receive_type(b, "message.new"))["message"]["seq"]
    await b.disconnect()

    for n in (2, 3):
        await send_message(a, conversation.pk, f"m{n}", f"message {n}")
        await receive_type(a, "message.new")
    b = await open_socket(bruno)
    replay = await subscribe(b, conversation.pk, since=seen)

    assert [m["seq"] for m in replay] == [2, 3]
    assert [m["text"] for m in replay] == ["message 2", "message 3"]
    assert all(m["translation"]["language"] == "es" for m in replay)
    await send_message(a, conversation.pk, "m4", "live again")
    assert (await receive_type(b, "message.new"))["message"]["seq"] == 4
    await close(a, b)


async def test_translation_set_changes_what_the_reader_receives(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)

    await a.send_json_to(
        {"type": "translation.set", "conversation": conversation.pk, "enabled": True}
    )
    settings_frame = await receive_type(a, "translation.settings")
    await send_message(b, conversation.pk, "b1", "hola amigo")

    assert settings_frame["translate"] is True and settings_frame["language"] == "en"
    to_alice = (await receive_type(a, "message.new"))["message"]
    assert to_alice["source_language"] == "es"
    assert to_alice["translation"]["language"] == "en"
    await close(a, b)


async def test_typing_reaches_the_other_members_only(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)

    await a.send_json_to({"type": "typing", "conversation": conversation.pk})

    frame = await receive_type(b, "typing")
    assert frame["user"] == {"id": alice.pk, "username": "alice"}
    await assert_silent(a)
    await close(a, b)


BAD_FRAMES = [
    ("not json", "bad_json"),
    ("[1, 2]", "invalid_frame"),
    ('{"conversation": 1}', "invalid_frame"),
    ('{"type": "launch"}', "unknown_type"),
    ('{"type": "message.send", "client_id": "x", "text": "hi"}', "invalid_field"),
    ('{"type": "message.send", "conversation": "1", "client_id": "x", "text": "hi"}',
     "invalid_field"),
    ('{"type": "message.send", "conversation": true, "client_id": "x", "text": "hi"}',
     "invalid_field"),
    ('{"type": "message.send", "conversation": {conv}, "client_id": "", "text": "hi"}',
     "invalid_field"),
    ('{"type": "message.send", "conversation": {conv}, "client_id": "x", "text": "  "}',
     "empty_message"),
    ('{"type": "message.send", "conversation": 999999, "client_id": "x", "text": "hi"}',
     "not_a_member"),
    ('{"type": "subscribe", "conversation": -1}', "invalid_field"),
    ('{"type": "typing", "conversation": {conv}}', "not_subscribed"),
    ('{"type": "translation.set", "conversation": {conv}, "enabled": true, "language": "xx"}',
     "unsupported_language"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "code"), BAD_FRAMES)
async def test_a_bad_frame_gets_an_error_and_changes_nothing(pair, raw, code):
    alice, _, conversation = pair
    a = await open_socket(alice)

    await a.send_to(text_data=raw.replace("{conv}", str(conversation.pk)))

    error = await receive_type(a, "error")
    assert error["code"] == code and error["detail"]
    await a.send_json_to({"type": "ping", "id": 7})
    assert await receive_type(a, "pong") == {"type": "pong", "id": 7, "conversations": {}}
    assert await database_sync_to_async(Message.objects.count)() == 0
    await close(a)


async def test_over_long_messages_and_frames_are_refused(pair, settings):
    settings.CHAT_MAX_MESSAGE_CHARS = 10
    settings.CHAT_MAX_FRAME_BYTES = 200
    alice, _, conversation = pair
    a = await open_socket(alice)

    await a.send_json_to(
        {"type": "message.send", "conversation": conversation.pk, "client_id": "l",
         "text": "x" * 11}
    )  # fmt: skip
    too_long = await receive_type(a, "error")
    await a.send_to(text_data='{"type": "ping", "id": "' + "y" * 300 + '"}')
    too_large = await receive_type(a, "error")
    await a.send_to(bytes_data=b"\x00\x01")
    binary = await receive_type(a, "error")

    assert too_long["code"] == "message_too_long"
    assert too_large["code"] == "frame_too_large"
    assert binary["code"] == "invalid_frame"
    assert await database_sync_to_async(Message.objects.count)() == 0
    await close(a)


async def test_a_stranger_cannot_subscribe_or_post(pair, make_user):
    alice, bruno, conversation = pair
    mallory = await database_sync_to_async(make_user)(username="mallory")
    m, b = await open_socket(mallory), await open_socket(bruno)
    await subscribe(b, conversation.pk)

    await m.send_json_to({"type": "subscribe", "conversation": conversation.pk, "since": 0})
    refused_subscribe = await receive_type(m, "error")
    await m.send_json_to(
        {"type": "message.send", "conversation": conversation.pk, "client_id": "m",
         "text": "hi"}
    )  # fmt: skip
    refused_send = await receive_type(m, "error")

    assert refused_subscribe["code"] == refused_send["code"] == "not_a_member"
    await assert_silent(m, b)
    assert await database_sync_to_async(Message.objects.count)() == 0
    await close(m, b)


async def test_sending_too_fast_is_rate_limited(pair, settings):
    settings.CHAT_RATE_LIMIT = "2/minute"
    alice, _, conversation = pair
    a = await open_socket(alice)

    for n in range(2):
        await send_message(a, conversation.pk, f"r{n}", "hi")
    await a.send_json_to(
        {"type": "message.send", "conversation": conversation.pk, "client_id": "r2",
         "text": "hi"}
    )  # fmt: skip

    assert (await receive_type(a, "error"))["code"] == "rate_limited"
    assert await database_sync_to_async(Message.objects.count)() == 2
    await close(a)


async def _connect(path: str, headers=None, subprotocols=None) -> tuple[bool, int | str | None]:
    socket = WebsocketCommunicator(
        application, path, headers=headers or [], subprotocols=subprotocols
    )
    connected, code = await socket.connect(timeout=5)
    await socket.disconnect()
    return connected, code


@pytest.fixture
def session_cookie(pair):
    client = Client()
    client.force_login(pair[0])
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_the_socket_needs_a_user():
    assert await _connect("/ws/chat/") == (False, 4401)
    assert await _connect("/ws/chat/", subprotocols=token_subprotocols("forged")) == (False, 4401)


async def test_a_browser_session_is_accepted_from_our_own_origin(session_cookie):
    for host in (b"localhost", b"127.0.0.1:8000"):
        headers = [(b"cookie", session_cookie), (b"origin", b"http://" + host), (b"host", host)]
        connected, _ = await _connect("/ws/chat/", headers)
        assert connected, host


async def test_a_session_from_a_foreign_origin_or_without_origin_is_refused(session_cookie):
    foreign = [(b"cookie", session_cookie), (b"origin", b"https://evil.example")]
    missing = [(b"cookie", session_cookie)]
    assert await _connect("/ws/chat/", foreign) == (False, 4403)
    assert await _connect("/ws/chat/", missing) == (False, 4403)
