"""Authorization lives as long as the socket: whatever ends a user's right to read reaches their
open sockets within a second (issue 11), through the channel layer, and through the heartbeat's
re-check when that broadcast was lost."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client

from chat.models import Participant
from chat.tokens import socket_token_issue
from moderation.services import user_mute
from tests.chat.socket_client import (
    Socket,
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

WITHIN = 1.0  # seconds: what the issue allows for a change to reach an open socket
CLOSED = {"type": "websocket.close", "code": 4401}


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    return alice, bruno, make_conversation(alice, bruno)


async def _browser(user) -> tuple[Client, Socket]:
    """A logged-in browser and the socket its page opened."""
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = Socket(
        application,
        "/ws/chat/",
        headers=[(b"cookie", cookie), (b"origin", b"http://localhost"), (b"host", b"localhost")],
    )
    connected, _ = await socket.connect(timeout=10)
    assert connected
    return client, socket


async def _opens(token: str) -> bool:
    socket = Socket(application, "/ws/chat/", subprotocols=token_subprotocols(token))
    connected, _ = await socket.connect(timeout=10)
    await socket.disconnect()
    return connected


async def _still_open(*sockets: Socket) -> None:
    for socket in sockets:
        await socket.send_json_to({"type": "ping", "id": "alive"})
        assert (await receive_type(socket, "pong"))["id"] == "alive"


async def test_logout_closes_this_session_and_every_token_socket_and_ends_the_tokens(pair):
    """Logging out ends what the user could have handed out (socket tokens) along with this
    browser's session; another browser, logged in on its own, stays."""
    alice = pair[0]
    browser, mine = await _browser(alice)
    _, other_browser = await _browser(alice)
    token = await database_sync_to_async(socket_token_issue)(user=alice)
    device = await open_socket(alice)

    response = await database_sync_to_async(browser.post)("/logout/")

    assert response.status_code in (200, 302)
    assert await mine.receive_output(timeout=WITHIN) == CLOSED
    assert await device.receive_output(timeout=WITHIN) == CLOSED
    assert not await _opens(token)
    await _still_open(other_browser)
    await close(other_browser)


async def test_a_password_change_closes_every_socket_it_invalidates(pair):
    alice = pair[0]
    _, session_socket = await _browser(alice)
    device = await open_socket(alice)
    _, bystander = await _browser(pair[1])

    def change_password():
        alice.set_password("a-new-password-42")
        alice.save()

    await database_sync_to_async(change_password)()

    assert await session_socket.receive_output(timeout=WITHIN) == CLOSED
    assert await device.receive_output(timeout=WITHIN) == CLOSED
    await _still_open(bystander)
    await close(bystander)


async def test_saving_a_user_without_touching_credentials_closes_nothing(pair):
    alice = pair[0]
    device = await open_socket(alice)

    def rename():
        alice.first_name = "Alice"
        alice.save()

    await database_sync_to_async(rename)()

    await _still_open(device)
    await close(device)


async def test_deactivating_an_account_in_the_admin_closes_its_sockets(pair):
    alice = pair[0]
    _, session_socket = await _browser(alice)
    device = await open_socket(alice)

    def deactivate():
        alice.is_active = False
        alice.save()

    await database_sync_to_async(deactivate)()

    assert await session_socket.receive_output(timeout=WITHIN) == CLOSED
    assert await device.receive_output(timeout=WITHIN) == CLOSED


async def test_a_mute_is_told_to_every_open_socket_and_refuses_sending(pair, moderator):
    alice, _, conversation = pair
    a1, a2 = await open_socket(alice), await open_socket(alice)

    standing = await database_sync_to_async(user_mute)(
        user=alice, moderator=moderator, seconds=3600
    )

    for socket in (a1, a2):
        frame = await socket.receive_json_from(timeout=WITHIN)
        assert frame == {"type": "account.muted", "until": standing.muted_until.isoformat()}
    await a1.send_json_to(
        {"type": "message.send", "conversation": conversation.pk, "client_id": "m", "text": "hi"}
    )
    assert (await receive_type(a1, "error"))["code"] == "muted"
    await close(a1, a2)


async def test_removal_from_a_conversation_drops_it_from_the_open_socket(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)

    await database_sync_to_async(
        Participant.objects.filter(conversation=conversation, user=bruno).delete
    )()

    frame = await b.receive_json_from(timeout=WITHIN)
    assert frame == {"type": "conversation.removed", "conversation": conversation.pk}
    await send_message(a, conversation.pk, "after", "are you still there?")
    await receive_type(a, "message.new")
    await assert_silent(b)
    await b.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    assert (await receive_type(b, "error"))["code"] == "not_a_member"
    await close(a, b)


async def test_the_heartbeat_rechecks_what_a_lost_broadcast_did_not_say(pair, settings):
    """A change made while Redis was away (or straight in the database) still reaches the
    socket: the heartbeat re-checks the socket's credentials and memberships."""
    settings.SOCKET_AUTH_RECHECK_SECONDS = 0
    alice, bruno, conversation = pair
    browser, session_socket = await _browser(alice)
    b = await open_socket(bruno)
    await subscribe(b, conversation.pk)
    key = browser.cookies["sessionid"].value

    # No signal, no broadcast: rows go without a word.
    await database_sync_to_async(Session.objects.filter(session_key=key)._raw_delete)("default")
    await database_sync_to_async(
        Participant.objects.filter(conversation=conversation, user=bruno)._raw_delete
    )("default")
    await session_socket.send_json_to({"type": "ping", "id": 1})
    await b.send_json_to({"type": "ping", "id": 2})

    assert await session_socket.receive_output(timeout=WITHIN) == CLOSED
    frame = await b.receive_json_from(timeout=WITHIN)
    assert frame == {"type": "conversation.removed", "conversation": conversation.pk}
    assert (await receive_type(b, "pong"))["conversations"] == {}
    await close(b)


async def test_a_recheck_that_finds_everything_valid_changes_nothing(pair, settings):
    settings.SOCKET_AUTH_RECHECK_SECONDS = 0
    alice, _, conversation = pair
    _, session_socket = await _browser(alice)
    device = await open_socket(alice)
    await subscribe(device, conversation.pk)

    for socket in (session_socket, device):
        await socket.send_json_to({"type": "ping", "id": 1})
        await receive_type(socket, "pong")
    await assert_silent(session_socket, device)
    await close(session_socket, device)
