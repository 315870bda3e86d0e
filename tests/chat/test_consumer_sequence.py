"""Sequence numbers on the socket: a reader receives 1, 2, 3 … once each and in order, even
when a broadcast is lost or two arrive swapped, and a heartbeat brings what was missed."""

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from chat import latest
from chat.broadcast import conversation_group
from chat.models import Conversation, Message
from chat.payloads import message_payload
from chat.services.moderated import message_retract
from tests.chat.socket_client import (
    assert_silent,
    close,
    open_socket,
    receive_type,
    send_message,
    subscribe,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    return alice, bruno, make_conversation(alice, bruno)


@database_sync_to_async
def delivered_silently(conversation, sender, text: str) -> Message:
    """A message delivered, and its number recorded as delivery does after commit, whose
    broadcast never arrived (Redis restarting, say)."""
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=conversation.last_seq + 1)
    conversation.refresh_from_db()
    latest.record(conversation.pk, conversation.last_seq)
    return Message.objects.create(
        conversation=conversation,
        sender=sender,
        client_id=f"silent-{conversation.last_seq}",
        text=text,
        status=Message.Status.DELIVERED,
        seq=conversation.last_seq,
        finalized_at=timezone.now(),
    )


def seqs_and_texts(frames) -> list[tuple[int, str]]:
    return [(f["message"]["seq"], f["message"]["text"]) for f in frames]


async def test_a_gap_is_filled_from_the_database_before_the_later_message(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    await delivered_silently(conversation, alice, "the lost one")

    await send_message(a, conversation.pk, "c2", "the next one")

    frames = [await receive_type(b, "message.new") for _ in range(2)]
    assert seqs_and_texts(frames) == [(1, "the lost one"), (2, "the next one")]
    await assert_silent(b)
    await close(a, b)


async def test_broadcasts_that_arrive_swapped_reach_the_reader_once_and_in_order(pair):
    alice, bruno, conversation = pair
    b = await open_socket(bruno)
    await subscribe(b, conversation.pk)
    messages = [await delivered_silently(conversation, alice, f"number {n}") for n in (1, 2, 3)]
    payloads = await database_sync_to_async(lambda: [message_payload(m) for m in messages])()
    layer = get_channel_layer()

    for payload in (payloads[2], payloads[1]):
        await layer.group_send(
            conversation_group(conversation.pk),
            {"type": "chat.message", "conversation": conversation.pk, "messages": [payload]},
        )

    frames = [await receive_type(b, "message.new") for _ in range(3)]
    assert [f["message"]["seq"] for f in frames] == [1, 2, 3]
    await assert_silent(b)
    await close(b)


async def test_a_ping_brings_what_the_socket_missed_then_says_where_it_stands(pair):
    alice, bruno, conversation = pair
    b = await open_socket(bruno)
    await subscribe(b, conversation.pk)
    await delivered_silently(conversation, alice, "nobody told you")

    await b.send_json_to({"type": "ping", "id": "hb"})

    missed = await receive_type(b, "message.new")
    pong = await receive_type(b, "pong")
    assert missed["message"]["text"] == "nobody told you"
    assert pong == {"type": "pong", "id": "hb", "conversations": {str(conversation.pk): 1}}
    await close(b)


async def test_subscribing_past_the_end_still_goes_live(pair):
    """A `since` beyond the last number (a client that kept a number from a reset server)
    must not silence the socket."""
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk, since=500)

    await send_message(a, conversation.pk, "c1", "hello")

    assert (await receive_type(b, "message.new"))["message"]["seq"] == 1
    await close(a, b)


async def test_a_replay_shows_a_rejected_message_as_an_empty_stub(pair):
    alice, bruno, conversation = pair
    rejected = await delivered_silently(conversation, alice, "call me on +1 415 555 2671")
    await delivered_silently(conversation, alice, "hello")
    await database_sync_to_async(message_retract)(message_id=rejected.pk)
    b = await open_socket(bruno)

    replay = await subscribe(b, conversation.pk, since=0)

    assert [(m["seq"], m["status"], m["text"]) for m in replay] == [
        (1, "rejected", ""),
        (2, "delivered", "hello"),
    ]
    await close(b)
