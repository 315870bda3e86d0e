"""The mask action: a contact detail in a conversation's first messages is hidden, reviewed,
and shown whole if a moderator approves."""

import pytest
from channels.db import database_sync_to_async

from chat.models import Message
from moderation.detectors import scan
from moderation.masking import PLACEHOLDERS, masked_text
from moderation.models import AuditEvent, ModerationCase
from moderation.policy import MASKABLE, Action, decide
from moderation.services import case_approve, case_reject
from tests.chat.socket_client import (
    assert_silent,
    close,
    open_socket,
    receive_type,
    send_message,
    subscribe,
)

PHONE = "+34 612 345 678"


def test_every_maskable_kind_has_a_placeholder_and_nothing_else_is_masked():
    assert set(PLACEHOLDERS) == MASKABLE
    findings = scan(f"write to ana@example.com or call {PHONE}", region="ES")
    shown = masked_text(f"write to ana@example.com or call {PHONE}", findings)
    assert shown == "write to [e-mail address hidden] or call [phone number hidden]"
    wallet = scan("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert decide(wallet, actions={"crypto_wallet": "mask"}).action == Action.FLAG


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    return alice, bruno, make_conversation(alice, bruno, translate_for=[bruno])


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_number_in_the_first_messages_arrives_hidden_in_every_language(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)

    await send_message(a, conversation.pk, "m1", f"good morning, call me on {PHONE}")

    to_bruno = (await receive_type(b, "message.new"))["message"]
    to_alice = (await receive_type(a, "message.new"))["message"]
    told = await receive_type(a, "message.masked")
    for view in (to_bruno, to_alice):
        assert view["masked"] is True
        assert "612" not in view["text"] and "[phone number hidden]" in view["text"]
    assert "612" not in to_bruno["translation"]["text"]
    assert "buenos" in to_bruno["translation"]["text"].lower()
    assert told["reason"] == "contact_sharing" and told["kinds"] == ["phone"]
    stored = await database_sync_to_async(Message.objects.get)(client_id="m1")
    assert PHONE in stored.text  # a moderator reads what was written
    case = await database_sync_to_async(ModerationCase.objects.get)(message=stored)
    assert case.verdict == "mask"
    assert await database_sync_to_async(
        AuditEvent.objects.filter(action="auto_mask", message=stored).exists
    )()
    await assert_silent(a, b)
    await close(a, b)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_after_the_first_messages_a_number_is_flagged_not_masked(pair, settings):
    settings.MODERATION_MASK_FIRST_MESSAGES = 1
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)
    await send_message(a, conversation.pk, "m1", "hello there")
    await receive_type(b, "message.new")

    await send_message(a, conversation.pk, "m2", f"call me on {PHONE}")

    shown = (await receive_type(b, "message.new"))["message"]
    assert PHONE in shown["text"] and shown["masked"] is False
    await close(a, b)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_moderator_approving_a_masked_message_shows_it_whole(pair, moderator):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    await send_message(a, conversation.pk, "m1", f"my shop's number is {PHONE}")
    masked = (await receive_type(b, "message.new"))["message"]
    case = await database_sync_to_async(ModerationCase.objects.get)(message_id=masked["id"])

    await database_sync_to_async(case_approve)(case=case, moderator=moderator)

    whole = (await receive_type(b, "message.update"))["message"]
    assert whole["id"] == masked["id"] and PHONE in whole["text"] and whole["masked"] is False
    assert "612 345 678" in whole["translation"]["text"]
    await close(a, b)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_moderator_rejecting_a_masked_message_takes_it_back(pair, moderator):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)
    await send_message(a, conversation.pk, "m1", f"whatsapp me {PHONE}")
    masked = (await receive_type(b, "message.new"))["message"]
    case = await database_sync_to_async(ModerationCase.objects.get)(message_id=masked["id"])

    await database_sync_to_async(case_reject)(case=case, moderator=moderator)

    gone = (await receive_type(b, "message.update"))["message"]
    assert gone["status"] == "rejected" and gone["text"] == ""
    await close(a, b)
