"""Submission and the outbox: a stored message is never stranded."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat import tasks
from chat.errors import ClientError
from chat.models import Message
from chat.services.pipeline import messages_process
from chat.services.submission import check_message_submit, messages_requeue_stale
from moderation.models import Standing
from xlate_site.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair(make_user, make_conversation):
    ana, bruno = make_user(language="en"), make_user(language="es")
    return ana, make_conversation(ana, bruno, translate_for=[bruno])


def stored(sender, conversation, client_id, text="hello", *, age: float = 0) -> Message:
    """A message the socket stored whose hand-off to the pipeline was lost."""
    message = Message.objects.create(
        conversation=conversation, sender=sender, client_id=client_id, text=text
    )
    if age:
        Message.objects.filter(pk=message.pk).update(
            created_at=message.created_at - timedelta(seconds=age)
        )
    return message


def status(message: Message) -> str:
    return Message.objects.values_list("status", flat=True).get(pk=message.pk)


def test_resending_a_pending_message_hands_it_to_the_pipeline_again(pair):
    ana, conversation = pair
    lost = stored(ana, conversation, "c1")

    again, created = check_message_submit(
        user=ana, conversation_id=conversation.pk, client_id="c1", text="hello"
    )

    assert again.pk == lost.pk and not created
    assert status(lost) == "delivered"


def test_the_sweep_requeues_what_waited_too_long_and_leaves_the_rest(pair):
    ana, conversation = pair
    old = stored(ana, conversation, "old", age=600)
    young = stored(ana, conversation, "young")

    assert messages_requeue_stale(older_than_seconds=300) == 1

    # The young one was still waiting for its turn behind nobody: it stays until its run.
    assert status(old) == "delivered" and status(young) == "pending"
    assert Message.objects.get(pk=old.pk).requeued_at is not None


def test_the_sweep_releases_ready_messages_whose_release_was_lost(pair, settings):
    settings.PIPELINE_ORDER_WAIT = 30
    ana, conversation = pair
    stuck = stored(ana, conversation, "stuck")
    parked = stored(ana, conversation, "parked")
    messages_process(message_ids=[parked.pk])
    assert status(parked) == "ready"
    old = timedelta(seconds=60)
    for message in (stuck, parked):
        Message.objects.filter(pk=message.pk).update(created_at=message.created_at - old)

    messages_requeue_stale(older_than_seconds=3600)

    assert status(parked) == "delivered" and status(stuck) == "pending"


def test_accepting_a_message_takes_two_statements(pair):
    """Membership, sanctions and the client id in one query; then the INSERT, committed by
    itself. (Here the pipeline runs inline right after: its statements follow.)"""
    ana, conversation = pair
    with CaptureQueriesContext(connection) as queries:
        check_message_submit(user=ana, conversation_id=conversation.pk, client_id="q", text="hi")
    statements = [q["sql"] for q in queries]
    assert statements[0].startswith("SELECT") and "chat_participant" in statements[0]
    assert statements[1].startswith("INSERT INTO chat_message ")
    assert "SAVEPOINT" not in statements[1] and "chat_message" in statements[2]


LATER = timezone.now() + timedelta(days=1)


@pytest.mark.parametrize(
    ("standing", "code"),
    [({"banned_at": timezone.now()}, "banned"), ({"muted_until": LATER}, "muted")],
)
def test_a_sanctioned_member_cannot_send(pair, standing, code):
    ana, conversation = pair
    Standing.objects.create(user=ana, **standing)

    with pytest.raises(ClientError) as error:
        check_message_submit(user=ana, conversation_id=conversation.pk, client_id="s", text="x")

    assert error.value.code == code and not Message.objects.exists()


def test_every_task_can_be_queued_with_the_configured_time_limits():
    """Celery refuses to send a task whose own hard limit is below its soft one (the sweep
    could never be scheduled)."""
    names = [name for name in app.tasks if name.startswith("chat.")]
    assert set(names) >= {"chat.process_messages", "chat.requeue_pending", "chat.release_ready"}
    for name in names:
        task = app.tasks[name]
        assert task.time_limit and task.soft_time_limit, name
        assert task.soft_time_limit <= task.time_limit, name
    assert tasks.requeue_pending.name in app.conf.beat_schedule["requeue-stale-pending"]["task"]
