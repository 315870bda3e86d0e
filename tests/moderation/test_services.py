"""The safety pipeline with its moderation queue, through chat services and the socket."""

import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from chat.errors import ClientError
from chat.models import Message
from chat.services.submission import check_message_submit
from moderation.models import AuditEvent, ModerationCase, Report, Standing
from moderation.services import case_approve, case_reject
from tests.chat.socket_client import (
    assert_silent,
    close,
    open_socket,
    receive_type,
    send_message,
    subscribe,
)

pytestmark = pytest.mark.django_db(transaction=True)

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
PHONE = "call me on +1 415 555 2671 tonight"


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="en", username="bruno")
    return alice, bruno, make_conversation(alice, bruno)


def submit(user, conversation, client_id, text) -> Message:
    message, _ = check_message_submit(
        user=user, conversation_id=conversation.pk, client_id=client_id, text=text
    )
    message.refresh_from_db()
    return message


def test_a_flagged_message_is_delivered_and_queued_with_an_audit_row(pair, settings):
    settings.MODERATION_MASK_FIRST_MESSAGES = 0  # flagged whole, not masked (test_masking.py)
    alice, _, conversation = pair

    message = submit(alice, conversation, "1", PHONE)

    assert message.status == Message.Status.DELIVERED and message.reason == "contact_sharing"
    case = ModerationCase.objects.get(message=message)
    assert (case.status, case.verdict, case.source) == ("pending", "flag", "pipeline")
    assert "phone" in case.kinds and case.findings[0]["kind"] == "phone"
    assert AuditEvent.objects.filter(action="auto_flag", case=case, actor=None).exists()


def test_strict_mode_holds_what_would_be_flagged_and_approval_delivers_it(
    pair, settings, moderator
):
    settings.MODERATION_STRICT = True
    alice, _, conversation = pair

    held = submit(alice, conversation, "1", PHONE)
    assert held.status == Message.Status.HELD and held.seq is None
    case_approve(case=ModerationCase.objects.get(message=held), moderator=moderator)

    held.refresh_from_db()
    assert held.status == Message.Status.DELIVERED and held.seq == 1
    event = AuditEvent.objects.get(action="approve")
    assert event.actor == moderator and event.message_id == held.pk


def test_a_blocked_message_opens_a_case_and_repeat_offenders_are_muted(pair, settings):
    settings.MODERATION_REPEAT_BLOCKS = 2
    alice, _, conversation = pair

    first = submit(alice, conversation, "1", f"send it to {WALLET}")
    submit(alice, conversation, "2", f"again: {WALLET}")

    assert first.status == Message.Status.BLOCKED
    assert ModerationCase.objects.filter(source="pipeline", verdict="block").count() == 2
    assert ModerationCase.objects.filter(source="repeat", subject=alice).exists()
    assert AuditEvent.objects.filter(action="auto_mute", subject=alice).exists()
    assert Standing.objects.get(user=alice).muted_until is not None
    with pytest.raises(ClientError) as error:
        submit(alice, conversation, "3", "hello?")
    assert error.value.code == "muted"


def test_rejecting_a_flagged_message_takes_it_back(pair, moderator):
    alice, _, conversation = pair
    message = submit(alice, conversation, "1", PHONE)

    case_reject(case=ModerationCase.objects.get(message=message), moderator=moderator)

    message.refresh_from_db()
    assert message.status == Message.Status.REJECTED
    assert AuditEvent.objects.filter(action="reject", actor=moderator).exists()


def test_a_high_llm_score_blocks_and_a_middle_one_flags(pair, llm):
    alice, _, conversation = pair

    blocked = submit(alice, conversation, "1", "darling please buy me a steam gift card")
    fine = submit(alice, conversation, "2", "good morning, how was your day")

    assert blocked.status == Message.Status.BLOCKED and blocked.reason in {
        "scam_score",
        "payment_request",
    }
    assert fine.status == Message.Status.DELIVERED
    case = ModerationCase.objects.get(message=blocked)
    assert case.verdict == "block"


def test_a_scorer_outage_leaves_the_deterministic_verdict_and_is_counted(pair, llm):
    from tests.support.llm_server import Fault

    llm.set_down("anthropic", Fault("status", status=500))
    llm.set_down("openai", Fault("status", status=500))
    alice, _, conversation = pair

    message = submit(alice, conversation, "1", "hello there, nice to meet you")

    assert message.status == Message.Status.DELIVERED
    assert AuditEvent.objects.filter(action="score_failed", message=message).exists()


@pytest.mark.asyncio
async def test_a_held_message_reaches_the_reader_when_a_moderator_approves_it_in_the_admin(
    pair, moderator, settings
):
    settings.MODERATION_STRICT = True
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)

    accepted = await send_message(a, conversation.pk, "1", PHONE)
    held = await receive_type(a, "message.held")
    await assert_silent(b)
    case = await database_sync_to_async(ModerationCase.objects.get)(message_id=accepted["id"])
    admin = Client()
    await database_sync_to_async(admin.force_login)(moderator)
    decided = await database_sync_to_async(admin.post)(
        reverse("admin:moderation_moderationcase_decide", args=[case.pk]),
        {"decision": "approve", "note": "a shop's number"},
    )

    delivered = (await receive_type(b, "message.new"))["message"]
    assert decided.status_code == 302
    assert held["reason"] == "contact_sharing"
    assert delivered["id"] == accepted["id"] and delivered["text"] == PHONE
    await close(a, b)


@pytest.mark.asyncio
async def test_through_the_socket_a_rejected_message_disappears_for_the_reader(pair, moderator):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)
    accepted = await send_message(a, conversation.pk, "1", PHONE)
    shown = (await receive_type(b, "message.new"))["message"]

    case = await database_sync_to_async(ModerationCase.objects.get)(message_id=accepted["id"])
    await database_sync_to_async(case_reject)(case=case, moderator=moderator)

    removed = (await receive_type(b, "message.update"))["message"]
    assert removed["id"] == shown["id"] and removed["status"] == "rejected"
    assert removed["text"] == "" and PHONE not in str(removed)
    await close(a, b)


@pytest.mark.asyncio
async def test_reports_and_appeals_go_through_the_socket(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)
    await send_message(a, conversation.pk, "1", "hello")
    shown = (await receive_type(b, "message.new"))["message"]
    await send_message(a, conversation.pk, "2", f"pay {WALLET}")
    blocked = await receive_type(a, "message.blocked")

    await b.send_json_to(
        {"type": "report", "conversation": conversation.pk, "message": shown["id"],
         "reason": "scam", "comment": "asks for money"}
    )  # fmt: skip
    report = await receive_type(b, "report.accepted")
    await a.send_json_to({"type": "message.appeal", "id": blocked["id"], "comment": "my bad"})
    appeal = await receive_type(a, "appeal.accepted")
    await b.send_json_to({"type": "message.appeal", "id": blocked["id"]})
    refused = await receive_type(b, "error")

    saved = await database_sync_to_async(Report.objects.select_related("case").get)(pk=report["id"])
    assert saved.reported_id == alice.pk and saved.case.source == "report"
    assert appeal["id"] == blocked["id"] and refused["code"] == "not_found"
    appealed = await database_sync_to_async(ModerationCase.objects.get)(
        message_id=blocked["id"], source="pipeline"
    )
    assert appealed.appealed and appealed.appeal_note == "my bad"
    await close(a, b)


def test_a_member_reports_over_http_and_strangers_cannot(client, pair, make_user):
    alice, bruno, conversation = pair
    mallory = make_user(username="mallory")
    client.force_login(bruno)

    def post(body):
        return client.post("/api/v1/me/reports", json.dumps(body), content_type="application/json")

    made = post({"conversation": conversation.pk, "user": alice.pk, "reason": "harassment"})
    bad_reason = post({"conversation": conversation.pk, "user": alice.pk, "reason": "nope"})
    client.force_login(mallory)
    stranger = post({"conversation": conversation.pk, "user": alice.pk, "reason": "spam"})

    assert made.status_code == 201 and Report.objects.get().reported == alice
    assert bad_reason.status_code in (400, 422) and stranger.status_code == 404
    assert AuditEvent.objects.filter(action="report", actor=bruno).count() == 1


@pytest.mark.asyncio
async def test_an_approved_blocked_message_reaches_its_reader_translated_at_once(
    make_user, make_conversation, moderator
):
    """No untranslated copy first and a late update: the release translates before it
    delivers, and the sender gets the message once (matching the blocked one's client id)."""
    alice = await database_sync_to_async(make_user)(language="en", username="alice")
    bruno = await database_sync_to_async(make_user)(language="es", username="bruno")
    conversation = await database_sync_to_async(make_conversation)(
        alice, bruno, translate_for=[bruno]
    )
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await subscribe(b, conversation.pk)
    await send_message(a, conversation.pk, "w1", f"good morning, my shop wallet is {WALLET}")
    blocked = await receive_type(a, "message.blocked")
    case = await database_sync_to_async(ModerationCase.objects.get)(message_id=blocked["id"])

    await database_sync_to_async(case_approve)(case=case, moderator=moderator)

    to_bruno = (await receive_type(b, "message.new"))["message"]
    to_alice = (await receive_type(a, "message.new"))["message"]
    assert to_bruno["id"] == to_alice["id"] == blocked["id"]
    assert to_alice["client_id"] == "w1"
    assert to_bruno["translation"]["status"] == "done"
    assert "buenos" in to_bruno["translation"]["text"].lower()
    assert to_bruno["source_language"] == "en"
    await assert_silent(a, b)
    await close(a, b)
