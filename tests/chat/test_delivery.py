"""Ordered finalization: messages whose work finishes in any order are delivered in the order
the server accepted them, numbered without holes."""

import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from chat.models import Conversation, Message
from chat.services.delivery import conversation_release_ready
from chat.services.pipeline import messages_process

pytestmark = pytest.mark.django_db(transaction=True)

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@pytest.fixture
def pair(make_user, make_conversation):
    ana, bruno = make_user(language="en"), make_user(language="es", country="ES")
    return ana, make_conversation(ana, bruno, translate_for=[bruno])


def accepted(sender, conversation, text="hello", *, age: float = 0) -> Message:
    """A message as the socket stores it: pending, its pipeline run not started."""
    message = Message.objects.create(
        conversation=conversation, sender=sender, client_id=f"c{time.monotonic_ns()}", text=text
    )
    if age:
        Message.objects.filter(pk=message.pk).update(
            created_at=message.created_at - timedelta(seconds=age)
        )
    return message


def state(*messages: Message) -> list[tuple[str, int | None]]:
    return [tuple(Message.objects.values_list("status", "seq").get(pk=m.pk)) for m in messages]


def test_messages_that_finish_out_of_order_are_numbered_in_the_order_accepted(pair):
    ana, conversation = pair
    first, second, third = (accepted(ana, conversation, f"message {n}") for n in (1, 2, 3))

    messages_process(message_ids=[third.pk])
    messages_process(message_ids=[second.pk])

    assert state(first, second, third) == [("pending", None), ("ready", None), ("ready", None)]
    messages_process(message_ids=[first.pk])
    assert state(first, second, third) == [("delivered", 1), ("delivered", 2), ("delivered", 3)]
    third.refresh_from_db()
    assert third.decision is None and third.translations.get().language == "es"
    assert Conversation.objects.get(pk=conversation.pk).last_seq == 3


def test_a_blocked_message_takes_no_number_and_releases_the_ones_after_it(pair):
    ana, conversation = pair
    blocked = accepted(ana, conversation, f"send it to {WALLET}")
    later = accepted(ana, conversation, "see you tomorrow")

    messages_process(message_ids=[later.pk])
    assert state(later) == [("ready", None)]
    messages_process(message_ids=[blocked.pk])

    assert state(blocked, later) == [("blocked", None), ("delivered", 1)]


def test_a_blocked_message_is_final_at_once_even_behind_a_pending_one(pair):
    ana, conversation = pair
    slow = accepted(ana, conversation, "hello")
    blocked = accepted(ana, conversation, f"send it to {WALLET}")

    messages_process(message_ids=[blocked.pk])

    assert state(slow, blocked) == [("pending", None), ("blocked", None)]


def test_a_message_pending_longer_than_the_wait_is_passed_over(pair, settings):
    settings.PIPELINE_ORDER_WAIT = 30
    ana, conversation = pair
    stuck = accepted(ana, conversation, "hello", age=31)
    later = accepted(ana, conversation, "anyone there?")

    messages_process(message_ids=[later.pk])
    assert state(stuck, later) == [("pending", None), ("delivered", 1)]
    messages_process(message_ids=[stuck.pk])
    assert state(stuck, later) == [("delivered", 2), ("delivered", 1)]


def test_a_waiting_message_is_delivered_when_the_wait_ends(pair, settings):
    """Nobody finishes the earlier message: the job scheduled when the later one was parked
    delivers it once the wait is over."""
    settings.PIPELINE_ORDER_WAIT = 1
    ana, conversation = pair
    stuck = accepted(ana, conversation, "hello")
    later = accepted(ana, conversation, "anyone there?")

    messages_process(message_ids=[later.pk])
    assert state(later) == [("ready", None)]

    deadline = time.monotonic() + 10
    while state(later) != [("delivered", 1)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert state(stuck, later) == [("pending", None), ("delivered", 1)]


def test_releasing_finds_nothing_to_do_while_the_earlier_one_may_still_finish(pair):
    ana, conversation = pair
    accepted(ana, conversation, "hello")
    later = accepted(ana, conversation, "anyone there?")
    messages_process(message_ids=[later.pk])

    conversation_release_ready(conversation_id=conversation.pk)

    assert state(later) == [("ready", None)]


def test_parallel_pipeline_runs_in_any_order_number_every_message_in_order(
    make_user, make_conversation
):
    """Eight threads with their own database connections race over two conversations."""
    ana, bea, carl = make_user(language="en"), make_user(language="es"), make_user()
    one = make_conversation(ana, bea, translate_for=[bea])
    two = make_conversation(ana, carl)
    messages = [
        accepted(ana, conversation, f"message {n}")
        for n in range(40)
        for conversation in (one, two)
    ]
    order = [m.pk for m in messages]
    random.Random(7).shuffle(order)

    def run(message_id: int) -> None:
        try:
            messages_process(message_ids=[message_id])
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(run, order))

    for conversation in (one, two):
        rows = list(
            Message.objects.filter(conversation=conversation)
            .order_by("pk")
            .values_list("status", "seq")
        )
        assert rows == [("delivered", n) for n in range(1, 41)]
