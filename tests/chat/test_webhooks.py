"""Webhooks: every event reaches the host's URL signed, retried until it answers, once."""

import hashlib
import hmac
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from chat.models import ApiKey, WebhookDelivery, WebhookEndpoint
from chat.services.api_keys import api_key_create
from chat.services.hosts import match_close, match_open
from chat.services.submission import check_message_submit
from chat.services.webhooks import delivery_resend, event_emit
from moderation.models import ModerationCase
from moderation.services import case_approve, check_report_submit, user_ban, user_mute
from tests.chat.test_api_server import call, provision
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@pytest.fixture
def key():
    return api_key_create(name="host", scopes=ApiKey.Scope.values)[1]


@pytest.fixture
def receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def registered(key, receiver):
    """The receiver registered for every event; returns the signing secret."""
    every = list(WebhookEndpoint.Event.values)
    status, body = call("post", "/webhooks", key, {"url": receiver.url, "events": every})
    assert status == 201 and body["secret"].startswith("whsec_"), body
    return body["secret"]


@pytest.fixture
def matched(key):
    """Two provisioned users in a match: (sender, other, conversation)."""
    a, b = provision(key, "ana"), provision(key, "ben", "es")
    conversation, _ = match_open(match_id="m1", external_ids=["ana", "ben"])
    users = get_user_model().objects.in_bulk([a["id"], b["id"]])
    return users[a["id"]], users[b["id"]], conversation


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """What a host does with each request (docs/integration.md)."""
    parts = dict(item.split("=", 1) for item in headers["Xlate-Signature"].split(","))
    if abs(time.time() - int(parts["t"])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


def test_a_blocked_message_reaches_the_host_signed(registered, receiver, matched):
    ana, _, conversation = matched

    check_message_submit(
        user=ana, conversation_id=conversation.pk, client_id="w", text=f"pay to {WALLET}"
    )

    [request] = receiver.wait_for(1)
    assert verify(registered, request.headers, request.body)
    assert not verify("whsec_wrong", request.headers, request.body)
    event = request.json
    assert request.headers["Xlate-Event"] == event["type"] == "message.blocked"
    assert request.headers["Xlate-Event-Id"] == event["id"]
    data = event["data"]
    assert data["message"]["reason"] == "crypto_wallet" and data["message"]["client_id"] == "w"
    assert data["sender"]["external_id"] == "ana"
    assert data["conversation"] == {"id": conversation.pk, "match_id": "m1"}


def test_every_event_type_is_sent(registered, receiver, matched, make_user):
    ana, ben, conversation = matched
    moderator = make_user(username="mod")

    check_message_submit(user=ana, conversation_id=conversation.pk, client_id="w", text=WALLET)
    case = ModerationCase.objects.get()
    case_approve(case=case, moderator=moderator)
    check_report_submit(
        reporter=ben, conversation_id=conversation.pk, reason="scam", reported_user_id=ana.pk
    )
    user_mute(user=ana, moderator=moderator, seconds=60)
    user_ban(user=ana, moderator=moderator)
    match_close(match_id="m1")

    types = [r.json["type"] for r in receiver.wait_for(6)]
    assert sorted(types) == sorted(
        ["message.blocked", "case.decided", "report.created", "user.muted", "user.banned",
         "conversation.closed"]
    )  # fmt: skip


def test_a_failing_endpoint_is_retried_until_it_answers(registered, receiver, matched, settings):
    settings.WEBHOOK_RETRY_DELAYS = [0.1, 0.1, 0.1]
    receiver.statuses = [500, 503]
    ana, _, conversation = matched

    check_message_submit(user=ana, conversation_id=conversation.pk, client_id="w", text=WALLET)

    received = receiver.wait_for(3)
    assert len({r.json["id"] for r in received}) == 1  # the same event each time
    _eventually(lambda: WebhookDelivery.objects.get().status == "delivered")
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 3 and delivery.last_status_code == 200


def test_an_endpoint_that_keeps_failing_is_given_up_then_resent(
    registered, receiver, matched, settings
):
    settings.WEBHOOK_RETRY_DELAYS = [0.1]
    receiver.statuses = [500, 302]  # a redirect is never followed: it is a failure
    ana, _, conversation = matched

    check_message_submit(user=ana, conversation_id=conversation.pk, client_id="w", text=WALLET)

    _eventually(lambda: WebhookDelivery.objects.get().status == "failed")
    failed = WebhookDelivery.objects.get()
    assert failed.attempts == 2 and failed.last_error == "answered 302"
    delivery_resend(delivery=failed)
    _eventually(lambda: WebhookDelivery.objects.get().status == "delivered")
    assert len(receiver.wait_for(3)) == 3


def test_nothing_is_sent_for_a_change_rolled_back(registered, receiver):
    with pytest.raises(RuntimeError), transaction.atomic():
        event_emit("user.banned", {"user": None})
        raise RuntimeError("the ban failed")

    time.sleep(0.3)
    assert not WebhookDelivery.objects.exists() and not receiver.received


def test_the_api_registers_lists_and_removes_webhooks(key, receiver):
    hook = {"url": receiver.url, "events": ["user.banned"]}
    status, created = call("post", "/webhooks", key, hook)
    assert status == 201

    status, listed = call("get", "/webhooks", key)
    assert status == 200 and [w["id"] for w in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert call("delete", f"/webhooks/{created['id']}", key)[0] == 204
    assert call("delete", f"/webhooks/{created['id']}", key)[0] == 404
    status, body = call("post", "/webhooks", key, {"url": "ftp://x", "events": ["user.banned"]})
    assert status == 422 and body["error"] == "invalid_request"


def _eventually(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
