"""Receipts and presence over the socket, on the embedded mode's real path."""

import pytest
from channels.db import database_sync_to_async

from chat import presence
from chat.models import Participant, Profile
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


async def test_read_receipts_reach_the_sender_and_only_move_forward(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    for n in (1, 2):
        await send_message(a, conversation.pk, f"m{n}", f"hello number {n}")
        await receive_type(a, "message.new")
        await receive_type(b, "message.new")

    await b.send_json_to({"type": "received", "conversation": conversation.pk, "seq": 2})
    receipt = await receive_type(a, "receipt")
    assert receipt == {
        "type": "receipt",
        "conversation": conversation.pk,
        "user": bruno.pk,
        "delivered_seq": 2,
        "read_seq": 0,
    }
    await receive_type(b, "receipt")  # the reader's own sockets hear it too

    await b.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
    assert (await receive_type(a, "receipt"))["read_seq"] == 1
    await receive_type(b, "receipt")

    # Backwards, or past the end: nothing moves beyond the last number, nothing is announced
    # for a number already passed.
    await b.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
    await assert_silent(a)
    await b.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 99})
    assert (await receive_type(a, "receipt"))["read_seq"] == 2
    await receive_type(b, "receipt")
    member = await database_sync_to_async(Participant.objects.get)(
        conversation=conversation, user=bruno
    )
    assert (member.delivered_seq, member.last_read_seq) == (2, 2)
    await close(a, b)


async def test_subscribed_carries_the_other_members_receipts(pair):
    alice, bruno, conversation = pair
    await database_sync_to_async(Participant.objects.filter(user=bruno).update)(
        delivered_seq=5, last_read_seq=4
    )
    a = await open_socket(alice)
    await a.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    subscribed = await receive_type(a, "subscribed")
    assert subscribed["receipts"] == [{"user": bruno.pk, "delivered_seq": 5, "read_seq": 4}]
    await close(a)


async def test_a_receipt_for_someone_elses_conversation_is_refused(pair, make_user):
    alice, bruno, conversation = pair
    mallory = await database_sync_to_async(make_user)(username="mallory")
    m = await open_socket(mallory)
    await m.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
    error = await receive_type(m, "error")
    assert error["code"] == "not_a_member"
    await close(m)


async def test_members_see_each_other_come_online_and_go_offline_with_last_seen(pair):
    alice, bruno, conversation = pair
    a = await open_socket(alice, presence=True)
    await subscribe(a, conversation.pk)
    assert (await database_sync_to_async(presence.presence_of)([bruno.pk]))[bruno.pk] == (
        False,
        None,
    )

    b = await open_socket(bruno)
    online = await receive_type(a, "presence")
    assert online == {"type": "presence", "user": bruno.pk, "online": True, "last_seen": None}
    states = await database_sync_to_async(presence.presence_of)([bruno.pk])
    assert states[bruno.pk] == (True, None)

    # A second socket of the same user changes nothing; closing one of two neither.
    b2 = await open_socket(bruno)
    await b2.disconnect()
    await assert_silent(a)

    await b.disconnect()
    offline = await receive_type(a, "presence")
    assert offline["online"] is False and offline["last_seen"]
    online_now, last_seen = (await database_sync_to_async(presence.presence_of)([bruno.pk]))[
        bruno.pk
    ]
    assert online_now is False and last_seen is not None
    stored = await database_sync_to_async(Profile.objects.get)(user=bruno)
    assert stored.last_seen_at is not None
    await close(a)


async def test_a_lease_that_runs_out_reads_as_offline(pair, settings):
    alice, bruno, conversation = pair
    settings.PRESENCE_LEASE = 0
    b = await open_socket(bruno)
    online, last_seen = (await database_sync_to_async(presence.presence_of)([bruno.pk]))[bruno.pk]
    assert online is False and last_seen is not None
    await close(b)


async def test_presence_in_redis_is_shared_by_every_process_and_leases_run_out(
    pair, settings, services_url
):
    """The scale-out store: leases of two "processes" (channel names), then one that lapses."""
    alice, bruno, conversation = pair
    settings.REDIS_URL = services_url
    of = database_sync_to_async(presence.presence_of)

    assert await presence.connect(bruno.pk, "process-1!socket") is True
    assert await presence.connect(bruno.pk, "process-2!socket") is False
    assert await presence.renew(bruno.pk, "process-1!socket") is False
    assert (await of([bruno.pk]))[bruno.pk] == (True, None)
    assert await presence.disconnect(bruno.pk, "process-1!socket") is False
    assert await presence.disconnect(bruno.pk, "process-2!socket") is True
    online, last_seen = (await of([bruno.pk]))[bruno.pk]
    assert online is False and last_seen is not None

    settings.PRESENCE_LEASE = 0  # a process that died: its lease is never given back
    assert await presence.connect(bruno.pk, "process-3!socket") is True
    assert (await of([bruno.pk]))[bruno.pk][0] is False
