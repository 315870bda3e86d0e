"""Reports and appeals cannot flood the moderation queue: reports are limited per reporter per
hour and a repeat is folded into the first; a decision is appealed at most once."""

import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from chat import ratelimit
from chat.errors import ClientError
from chat.models import Conversation, Message
from chat.tokens import socket_token_issue
from moderation.models import ModerationCase, Report
from moderation.services import (
    case_approve,
    case_reject,
    check_message_appeal,
    check_report_submit,
)
from tests.chat.socket_client import close, open_socket, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    settings.REPORTS_PER_HOUR = 20
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(username="alice")
    bruno = make_user(username="bruno")
    return alice, bruno, make_conversation(alice, bruno)


def delivered(conversation, sender, text: str = "hello") -> Message:
    conversation.refresh_from_db()
    seq = conversation.last_seq + 1
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=seq)
    return Message.objects.create(
        conversation=conversation,
        sender=sender,
        client_id=f"c{conversation.pk}-{seq}",
        text=text,
        source_language="en",
        status=Message.Status.DELIVERED,
        seq=seq,
    )


def blocked_with_case(conversation, sender) -> tuple[Message, ModerationCase]:
    message = Message.objects.create(
        conversation=conversation,
        sender=sender,
        client_id="b1",
        text="my wallet",
        status=Message.Status.BLOCKED,
        reason="crypto_wallet",
    )
    case = ModerationCase.objects.create(
        source=ModerationCase.Source.PIPELINE,
        subject=sender,
        message=message,
        verdict="block",
        reason="crypto_wallet",
    )
    return message, case


def report(reporter, conversation, **target) -> Report:
    return check_report_submit(
        reporter=reporter, conversation_id=conversation.pk, reason="spam", **target
    )


# --- reports --------------------------------------------------------------------------------


def test_a_flood_of_reports_stops_at_the_hourly_limit(pair):
    alice, bruno, conversation = pair
    messages = [delivered(conversation, alice, f"message {n}") for n in range(300)]
    accepted, refused = [], []

    for message in messages:
        try:
            accepted.append(report(bruno, conversation, message_id=message.pk))
        except ClientError as error:
            refused.append(error)

    assert len(accepted) == 20 and len(refused) == 280
    assert ModerationCase.objects.filter(source="report").count() == 20
    assert {error.code for error in refused} == {"rate_limited"}
    assert "too many reports" in refused[0].detail
    assert 1 <= refused[0].context["retry_after"] <= 3600


def test_the_limit_is_per_reporter(pair, make_user, make_conversation, settings):
    settings.REPORTS_PER_HOUR = 1
    alice, bruno, conversation = pair
    carla = make_user(username="carla")
    other = make_conversation(alice, carla)

    report(bruno, conversation, message_id=delivered(conversation, alice).pk)

    assert report(carla, other, message_id=delivered(other, alice).pk).reporter == carla


def test_the_same_message_reported_twice_by_one_reporter_is_one_report(pair, settings):
    settings.REPORTS_PER_HOUR = 2
    alice, bruno, conversation = pair
    message = delivered(conversation, alice)

    first = report(bruno, conversation, message_id=message.pk)
    again = check_report_submit(
        reporter=bruno,
        conversation_id=conversation.pk,
        message_id=message.pk,
        reason="scam",
        comment="and again",
    )

    assert again.pk == first.pk and Report.objects.count() == 1
    assert ModerationCase.objects.filter(source="report").count() == 1
    # A repeat costs nothing: the second new report is still accepted.
    report(bruno, conversation, message_id=delivered(conversation, alice).pk)


def test_a_message_already_decided_is_not_reopened_by_its_reporter_again(pair, moderator):
    alice, bruno, conversation = pair
    message = delivered(conversation, alice)
    first = report(bruno, conversation, message_id=message.pk)
    case_approve(case=first.case, moderator=moderator)

    again = report(bruno, conversation, message_id=message.pk)

    assert again.pk == first.pk
    assert ModerationCase.objects.get(source="report").status == "approved"


def test_two_members_reporting_one_message_share_its_case(make_user, make_conversation):
    alice, bruno, carla = (make_user(username=name) for name in ("alice", "bruno", "carla"))
    conversation = make_conversation(alice, bruno, carla)
    message = delivered(conversation, alice)

    by_bruno = report(bruno, conversation, message_id=message.pk)
    by_carla = report(carla, conversation, message_id=message.pk)

    assert by_bruno.pk != by_carla.pk and by_bruno.case_id == by_carla.case_id
    assert ModerationCase.objects.filter(source="report").count() == 1


def test_a_member_reported_twice_while_the_case_is_open_is_one_report(pair, moderator):
    alice, bruno, conversation = pair

    first = report(bruno, conversation, reported_user_id=alice.pk)
    again = report(bruno, conversation, reported_user_id=alice.pk)
    assert again.pk == first.pk and ModerationCase.objects.count() == 1

    case_reject(case=first.case, moderator=moderator)
    later = report(bruno, conversation, reported_user_id=alice.pk)
    assert later.pk != first.pk and later.case.status == "pending"


@pytest.mark.asyncio
async def test_over_the_socket_the_limit_is_an_error_frame(pair, settings):
    settings.REPORTS_PER_HOUR = 1
    alice, bruno, conversation = pair
    first = await database_sync_to_async(delivered)(conversation, alice, "one")
    second = await database_sync_to_async(delivered)(conversation, alice, "two")
    socket = await open_socket(bruno)
    frame = {"type": "report", "conversation": conversation.pk, "reason": "spam"}

    await socket.send_json_to({**frame, "message": first.pk})
    accepted = await receive_type(socket, "report.accepted")
    await socket.send_json_to({**frame, "message": first.pk})
    repeated = await receive_type(socket, "report.accepted")
    await socket.send_json_to({**frame, "message": second.pk})
    refused = await receive_type(socket, "error")

    assert repeated["id"] == accepted["id"]
    assert refused["code"] == "rate_limited" and refused["retry_after"] >= 1
    await close(socket)


def test_over_http_the_limit_is_a_429(pair, settings):
    settings.REPORTS_PER_HOUR = 1
    alice, bruno, conversation = pair
    headers = {"HTTP_AUTHORIZATION": f"Bearer {socket_token_issue(user=bruno)}"}

    def post(message: Message):
        body = {"conversation": conversation.pk, "message": message.pk, "reason": "spam"}
        return Client().post(
            "/api/v1/me/reports", json.dumps(body), content_type="application/json", **headers
        )

    assert post(delivered(conversation, alice)).status_code == 201
    refused = post(delivered(conversation, alice))

    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1


# --- appeals --------------------------------------------------------------------------------


def test_an_appeal_decided_by_a_moderator_cannot_be_appealed_again(pair, moderator):
    alice, _, conversation = pair
    message, case = blocked_with_case(conversation, alice)

    check_message_appeal(user=alice, message_id=message.pk, comment="it is my shop")
    with pytest.raises(ClientError) as waiting:
        check_message_appeal(user=alice, message_id=message.pk, comment="please")
    case_reject(case=case, moderator=moderator)
    with pytest.raises(ClientError) as decided:
        check_message_appeal(user=alice, message_id=message.pk, comment="really")

    assert waiting.value.code == "already_appealed" and "waiting" in waiting.value.detail
    assert decided.value.code == "already_appealed" and "decided" in decided.value.detail
    case.refresh_from_db()
    assert (case.status, case.appeal_note) == ("rejected", "it is my shop")


def test_a_decision_made_before_any_appeal_may_be_appealed_once(pair, moderator):
    alice, _, conversation = pair
    message, case = blocked_with_case(conversation, alice)
    case_reject(case=case, moderator=moderator)

    check_message_appeal(user=alice, message_id=message.pk, comment="look again")
    case.refresh_from_db()
    assert case.status == "pending" and case.appealed

    case_reject(case=case, moderator=moderator)
    with pytest.raises(ClientError) as refused:
        check_message_appeal(user=alice, message_id=message.pk, comment="and again")
    assert refused.value.code == "already_appealed"
    case.refresh_from_db()
    assert case.status == "rejected"


def test_over_http_a_second_appeal_is_refused_with_its_code(pair):
    alice, _, conversation = pair
    message, _ = blocked_with_case(conversation, alice)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {socket_token_issue(user=alice)}"}

    def post():
        body = json.dumps({"message": message.pk, "comment": "mine"})
        return Client().post("/api/v1/me/appeals", body, content_type="application/json", **headers)

    assert post().status_code == 201
    refused = post()

    assert refused.status_code >= 400 and refused.json()["error"] == "already_appealed"
