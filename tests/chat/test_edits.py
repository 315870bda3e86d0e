"""Edits and deletions of one's own messages: checked again before anyone sees them."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chat.models import Message, MessageEdit
from chat.services.edits import edits_requeue_stale
from moderation.models import AuditEvent, ModerationCase
from moderation.services import case_approve, case_reject
from tests.chat.socket_client import (
    assert_silent,
    close,
    open_socket,
    receive_type,
    send_message,
    subscribe,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@pytest.fixture
def pair(make_user, make_conversation):
    """Alice reads English; Bruno reads Spanish and opted in to translation."""
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    return alice, bruno, make_conversation(alice, bruno, translate_for=[bruno])


async def _delivered(a, b, conversation, text="Good morning"):
    accepted = await send_message(a, conversation.pk, "m1", text)
    await receive_type(a, "message.new")
    await receive_type(b, "message.new")
    return accepted["id"]


async def test_an_edit_is_translated_again_and_every_reader_gets_it(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    message_id = await _delivered(a, b, conversation)

    await a.send_json_to({"type": "message.edit", "id": message_id, "text": "Good night"})
    accepted = await receive_type(a, "message.edit.accepted")
    to_alice = (await receive_type(a, "message.update"))["message"]
    to_bruno = (await receive_type(b, "message.update"))["message"]

    assert accepted["id"] == message_id
    assert to_alice["text"] == to_bruno["text"] == "Good night"
    assert to_alice["edited_at"] and to_alice["seq"] == 1 and to_alice["deleted"] is False
    assert to_alice["translation"] is None
    assert to_bruno["translation"]["language"] == "es"
    assert "noche" in to_bruno["translation"]["text"].lower()
    versions = await database_sync_to_async(list)(
        MessageEdit.objects.filter(message_id=message_id).values_list("kind", "text", "status")
    )
    assert versions == [
        ("original", "Good morning", "superseded"),
        ("edit", "Good night", "applied"),
    ]
    await assert_silent(a, b)
    await close(a, b)


def _case_page(case_id: int, user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:moderation_moderationcase_change", args=[case_id]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def make_superuser(db):
    def make():
        return get_user_model().objects.create_superuser("root", password="pw-root-1")

    return database_sync_to_async(make)


async def test_a_blocked_edit_leaves_the_message_as_it_was_and_tells_only_the_sender(
    pair, make_superuser
):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    message_id = await _delivered(a, b, conversation)

    await a.send_json_to({"type": "message.edit", "id": message_id, "text": f"pay {WALLET} now"})
    edit = await receive_type(a, "message.edit.accepted")
    blocked = await receive_type(a, "message.edit_blocked")

    assert blocked["id"] == message_id and blocked["edit"] == edit["edit"]
    assert blocked["reason"] == "crypto_wallet"
    await assert_silent(a, b)
    message = await database_sync_to_async(Message.objects.get)(pk=message_id)
    assert message.text == "Good morning" and message.edited_at is None
    case = await database_sync_to_async(ModerationCase.objects.select_related("edit").get)(
        message_id=message_id
    )
    assert case.edit.text == f"pay {WALLET} now" and case.verdict == "block"
    # The moderator reads the edit, marked, and every version of the message.
    page = await database_sync_to_async(_case_page)(case.pk, await make_superuser())
    assert "Edit (blocked)" in page and "Every version of this message" in page
    assert "<mark" in page and "Good morning" in page
    await close(a, b)


async def test_a_deleted_message_keeps_its_number_and_loses_its_text_for_readers(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    message_id = await _delivered(a, b, conversation, text="a secret I regret")

    await a.send_json_to({"type": "message.delete", "id": message_id})
    assert (await receive_type(a, "message.deleted"))["id"] == message_id
    stub = (await receive_type(b, "message.update"))["message"]
    await receive_type(a, "message.update")

    assert stub["deleted"] is True and stub["text"] == "" and stub["translation"] is None
    assert stub["seq"] == 1
    # A reconnecting reader replays the stub, not the text.
    b2 = await open_socket(bruno)
    replay = await subscribe(b2, conversation.pk, since=0)
    assert [(m["seq"], m["text"], m["deleted"]) for m in replay] == [(1, "", True)]
    # Moderators still read it.
    kept = await database_sync_to_async(list)(
        MessageEdit.objects.filter(message_id=message_id).values_list("kind", "text")
    )
    assert kept == [("deletion", "a secret I regret")]
    assert await database_sync_to_async(
        AuditEvent.objects.filter(action="delete", message_id=message_id).exists
    )()
    # A deleted message cannot be edited.
    await a.send_json_to({"type": "message.edit", "id": message_id, "text": "undo"})
    assert (await receive_type(a, "error"))["code"] == "message_deleted"
    await close(a, b, b2)


async def test_only_the_sender_edits_or_deletes_and_only_within_the_window(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    message_id = await _delivered(a, b, conversation)

    for frame in (
        {"type": "message.edit", "id": message_id, "text": "mine now"},
        {"type": "message.delete", "id": message_id},
        {"type": "message.edit", "id": 10**9, "text": "nothing there"},
    ):
        await b.send_json_to(frame)
        assert (await receive_type(b, "error"))["code"] == "not_your_message"
    await a.send_json_to({"type": "message.edit", "id": message_id, "text": "Good morning"})
    assert (await receive_type(a, "error"))["code"] == "unchanged"
    await a.send_json_to({"type": "message.edit", "id": message_id, "text": "  "})
    assert (await receive_type(a, "error"))["code"] == "empty_message"

    old = timezone.now() - timedelta(days=2)
    await database_sync_to_async(Message.objects.filter(pk=message_id).update)(created_at=old)
    await a.send_json_to({"type": "message.edit", "id": message_id, "text": "too late"})
    assert (await receive_type(a, "error"))["code"] == "edit_window_closed"
    await assert_silent(a, b)
    message = await database_sync_to_async(Message.objects.get)(pk=message_id)
    assert message.text == "Good morning" and message.deleted_at is None
    await close(a, b)


async def test_a_rate_limited_send_says_when_to_try_again(pair, settings):
    alice, bruno, conversation = pair
    settings.CHAT_RATE_LIMIT = "2/minute"
    a = await open_socket(alice)
    await subscribe(a, conversation.pk)
    for n in range(2):
        await send_message(a, conversation.pk, f"r{n}", f"hello {n}")
    await a.send_json_to(
        {"type": "message.send", "conversation": conversation.pk, "client_id": "r9", "text": "x"}
    )
    frames = [await a.receive_json_from(timeout=10) for _ in range(3)]
    error = next(f for f in frames if f["type"] == "error")
    assert error["code"] == "rate_limited" and error["client_id"] == "r9"
    assert 1 <= error["retry_after"] <= 60
    await close(a)


async def test_an_edit_whose_job_was_lost_is_checked_by_the_sweep(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    message_id = await _delivered(a, b, conversation)
    # An edit stored while its hand-off failed: pending, with no job.
    await database_sync_to_async(MessageEdit.objects.create)(
        message_id=message_id, kind="edit", text="Good evening"
    )

    assert await database_sync_to_async(edits_requeue_stale)(older_than_seconds=0) == 1
    updated = (await receive_type(b, "message.update"))["message"]
    assert updated["text"] == "Good evening"
    await receive_type(a, "message.update")
    await close(a, b)


async def _held_edit(a, b, conversation, settings) -> tuple[int, ModerationCase]:
    """A message already under review (a flagged e-mail address), edited into text the
    policy holds: two cases for one message."""
    settings.MODERATION_STRICT = True
    await send_message(a, conversation.pk, "m1", "see you at eight then")
    message_id = (await receive_type(b, "message.new"))["message"]["id"]
    await receive_type(a, "message.new")
    await a.send_json_to(
        {"type": "message.edit", "id": message_id, "text": "or call me on +34 612 345 670"}
    )
    await receive_type(a, "message.edit.accepted")
    held = await receive_type(a, "message.edit_held")
    assert held["reason"] == "contact_sharing"
    case = await database_sync_to_async(ModerationCase.objects.get)(edit_id=held["edit"])
    return message_id, case


async def test_an_edit_of_a_message_that_has_a_case_gets_a_case_of_its_own(pair, settings):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    await send_message(a, conversation.pk, "m1", "write to me at someone@example.com")
    message_id = (await receive_type(b, "message.new"))["message"]["id"]
    await receive_type(a, "message.new")
    await receive_type(a, "message.masked")  # a conversation's first messages hide contacts
    assert await database_sync_to_async(
        ModerationCase.objects.filter(message_id=message_id, edit=None).exists
    )()

    settings.MODERATION_STRICT = True
    await a.send_json_to({"type": "message.edit", "id": message_id, "text": "or +34 612 345 670"})
    await receive_type(a, "message.edit.accepted")

    assert (await receive_type(a, "message.edit_held"))["id"] == message_id
    count = await database_sync_to_async(
        ModerationCase.objects.filter(message_id=message_id).count
    )()
    assert count == 2
    await close(a, b)


async def test_a_moderator_approving_a_held_edit_applies_it_for_every_reader(
    pair, settings, moderator
):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    message_id, case = await _held_edit(a, b, conversation, settings)

    await database_sync_to_async(case_approve)(case=case, moderator=moderator)

    updated = (await receive_type(b, "message.update"))["message"]
    assert updated["id"] == message_id and "612 345 670" in updated["text"]
    assert updated["translation"]["status"] == "done" and updated["edited_at"]
    await receive_type(a, "message.update")
    await close(a, b)


async def test_a_moderator_rejecting_a_held_edit_keeps_the_message_and_tells_the_sender(
    pair, settings, moderator
):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    message_id, case = await _held_edit(a, b, conversation, settings)

    await database_sync_to_async(case_reject)(case=case, moderator=moderator)

    rejected = await receive_type(a, "message.edit_rejected")
    assert rejected["id"] == message_id and rejected["edit"] == case.edit_id
    await assert_silent(a, b)
    message = await database_sync_to_async(Message.objects.get)(pk=message_id)
    assert message.status == "delivered" and message.text == "see you at eight then"
    await close(a, b)
