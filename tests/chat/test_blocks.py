"""Blocks: what blocking someone closes, tells and prevents, and what lifting it does not undo."""

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat.errors import ClientError
from chat.models import Block, Conversation, Profile
from chat.services.blocks import block_remove, blocked_between, check_block_create
from chat.services.conversations import conversation_close
from chat.services.hosts import host_user_upsert, match_close, match_open
from tests.chat.socket_client import (
    assert_silent,
    close,
    open_socket,
    receive_type,
    subscribe,
)
from tests.chat.test_api_client import call

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio(make_user, make_conversation):
    """Ana and Bruno share a direct conversation, and a group with Cai."""
    ana, bruno, cai = (make_user(username=name) for name in ("ana", "bruno", "cai"))
    direct = make_conversation(ana, bruno)
    group = make_conversation(ana, bruno, cai)
    return ana, bruno, cai, direct, group


@pytest.mark.django_db(transaction=True)
async def test_a_block_closes_our_direct_conversation_and_tells_us_both(trio):
    ana, bruno, cai, direct, group = trio
    a, b = await open_socket(ana), await open_socket(bruno)

    status, body = await database_sync_to_async(call)("post", "/me/blocks", ana, {"user": bruno.pk})

    assert status == 201 and body["user"] == bruno.pk and body["created_at"]
    closed = {"type": "conversation.closed", "conversation": direct.pk, "reason": "blocked"}
    assert await receive_type(a, "conversation.closed") == closed
    assert await receive_type(b, "conversation.closed") == closed
    await assert_silent(a, b)  # the group stays open
    await direct.arefresh_from_db()
    await group.arefresh_from_db()
    assert direct.closed_at is not None and direct.closed_reason == "blocked"
    assert group.closed_at is None
    await subscribe(b, direct.pk)
    await b.send_json_to(
        {"type": "message.send", "conversation": direct.pk, "client_id": "x", "text": "hey?"}
    )
    assert (await receive_type(b, "error"))["code"] == "conversation_closed"
    await close(a, b)


def test_blocking_again_changes_nothing_and_lifting_keeps_conversations_closed(trio, settings):
    settings.CHAT_DIRECTORY = True
    ana, bruno, _, direct, _ = trio

    first = call("post", "/me/blocks", ana, {"user": bruno.pk})[1]
    again = call("post", "/me/blocks", ana, {"user": bruno.pk})[1]

    assert first == again and Block.objects.count() == 1
    status, listed = call("get", "/me/blocks", ana)
    assert status == 200 and [(b["user"]["username"], b["created_at"]) for b in listed] == [
        ("bruno", first["created_at"])
    ]
    assert call("delete", f"/me/blocks/{bruno.pk}", ana) == (204, None)
    assert call("delete", f"/me/blocks/{bruno.pk}", ana) == (204, None)
    assert call("get", "/me/blocks", ana) == (200, [])
    direct.refresh_from_db()
    assert direct.closed_reason == "blocked"
    status, fresh = call("post", "/me/conversations", bruno, {"user": ana.pk})
    assert status == 201 and fresh["id"] != direct.pk and fresh["closed"] is False


@pytest.mark.parametrize("who_blocks", ["ana", "bruno"])
def test_blocked_people_cannot_start_a_conversation_either_way(trio, settings, who_blocks):
    settings.CHAT_DIRECTORY = True
    ana, bruno, _, _, _ = trio
    blocker, blocked = (ana, bruno) if who_blocks == "ana" else (bruno, ana)
    check_block_create(user=blocker, blocked_user_id=blocked.pk)

    for me, other in ((ana, bruno), (bruno, ana)):
        status, answer = call("post", "/me/conversations", me, {"user": other.pk})
        assert (status, answer["error"]) == (403, "blocked")
        assert other.pk not in [c["id"] for c in call("get", "/me/contacts", me)[1]]
    assert blocked_between(ana.pk, bruno.pk) and blocked_between(bruno.pk, ana.pk)
    assert Conversation.objects.filter(closed_at__isnull=True).count() == 1  # the group


def test_only_someone_i_know_of_can_be_blocked(trio, make_user, settings):
    settings.CHAT_DIRECTORY = False
    ana, _, cai, _, _ = trio
    stranger = make_user()

    for target in (stranger.pk, ana.pk, stranger.pk + 1000):
        status, answer = call("post", "/me/blocks", ana, {"user": target})
        assert (status, answer["error"]) == (404, "not_found"), target
    assert call("post", "/me/blocks", ana, {"user": cai.pk})[0] == 201  # we share the group
    settings.CHAT_DIRECTORY = True
    assert call("post", "/me/blocks", ana, {"user": stranger.pk})[0] == 201
    # Someone who blocked me can still be blocked by me (so unblocking leaves my block).
    assert call("post", "/me/blocks", stranger, {"user": ana.pk})[0] == 201
    block_remove(user=ana, blocked_user_id=stranger.pk)
    assert blocked_between(ana.pk, stranger.pk)


def test_the_host_app_cannot_match_a_blocked_pair():
    for external_id in ("h1", "h2"):
        host_user_upsert(external_id=external_id, display_name="", language="en")
    first, second = [profile.user for profile in _profiles("h1", "h2")]
    conversation, _ = match_open(match_id="m1", external_ids=["h1", "h2"])
    check_block_create(user=second, blocked_user_id=first.pk)

    with pytest.raises(ClientError) as refused:
        match_open(match_id="m2", external_ids=["h1", "h2"])

    assert refused.value.code == "blocked"
    assert match_open(match_id="m1", external_ids=["h1", "h2"])[0] == conversation  # a replay
    conversation.refresh_from_db()
    assert conversation.closed_reason == "blocked"
    assert match_close(match_id="m1").closed_reason == "blocked"  # closed stays as it was


@pytest.mark.django_db(transaction=True)
async def test_a_match_is_announced_to_both_members_and_an_unmatch_says_why(make_user):
    def provision():
        for external_id in ("h1", "h2"):
            host_user_upsert(external_id=external_id, display_name="", language="en")
        return [profile.user for profile in _profiles("h1", "h2")]

    first, second = await database_sync_to_async(provision)()
    a, b = await open_socket(first), await open_socket(second)

    conversation, created = await database_sync_to_async(match_open)(
        match_id="m1", external_ids=["h1", "h2"], translate=True
    )

    assert created
    to_first = (await receive_type(a, "conversation.new"))["conversation"]
    to_second = (await receive_type(b, "conversation.new"))["conversation"]
    assert to_first["id"] == to_second["id"] == conversation.pk
    assert to_first["translate"] is True and to_first["members"][0]["username"] == "h2"
    assert to_second["members"][0]["username"] == "h1"
    await database_sync_to_async(match_close)(match_id="m1")
    closed = {"type": "conversation.closed", "conversation": conversation.pk, "reason": "unmatched"}
    assert await receive_type(a, "conversation.closed") == closed
    assert await receive_type(b, "conversation.closed") == closed
    await close(a, b)


def test_closing_twice_keeps_the_first_reason_and_time(trio):
    _, _, _, direct, _ = trio

    first = conversation_close(conversation=direct, reason="unmatched")
    again = conversation_close(conversation=direct, reason="blocked")

    assert (again.closed_reason, again.closed_at) == ("unmatched", first.closed_at)
    assert first.closed_at <= timezone.now()


def _profiles(*external_ids: str) -> list[Profile]:
    return list(
        Profile.objects.select_related("user")
        .filter(external_id__in=external_ids)
        .order_by("external_id")
    )
