"""A dead worker's messages are found in seconds (chat/services/claims.py): each worker holds a
PostgreSQL advisory lock for its life, and the messages of the tasks it received name it. A
second connection stands in for a worker: closing it is what kill -9 does to its session."""

import contextlib
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from chat.models import Message
from chat.services.claims import ORPHAN_WINDOW, messages_requeue_orphans
from chat.services.leases import LOCK_SPACE
from chat.services.submission import messages_requeue_stale
from tests.chat.test_delivery import accepted

pytestmark = pytest.mark.django_db

KEY = 4242


@pytest.fixture
def pair(make_user, make_conversation):
    ana, bruno = make_user(language="en"), make_user(language="es", country="ES")
    return ana, make_conversation(ana, bruno, translate_for=[bruno])


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's (the embedded mode has no workers to lose)")


def claimed(*messages: Message, key: int = KEY) -> None:
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(
        claimed_by=key, claimed_at=timezone.now()
    )


@contextlib.contextmanager
def live_worker(key: int = KEY):
    """A session elsewhere holding a worker's lease, as a running worker does."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    ) as other:
        pid = other.info.backend_pid
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, key])
        yield
    # The server ends the session a moment after the client hangs up.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.02)
    raise AssertionError("the other session did not end")


def requeued(message: Message) -> bool:
    return Message.objects.get(pk=message.pk).requeued_at is not None


def test_a_live_workers_message_is_left_and_a_dead_workers_is_handed_over_once(pair):
    sender, conversation = pair
    message = accepted(sender, conversation)

    with live_worker():
        claimed(message)
        assert messages_requeue_orphans() == 0
        assert not requeued(message)
    # The worker's session is gone, and its lease with it: it died holding the message.

    assert messages_requeue_orphans() == 1
    assert requeued(message)
    assert messages_requeue_orphans() == 0  # once per claim, not on every sweep


def test_a_message_claimed_again_after_its_requeue_is_an_orphan_again_if_that_worker_dies(pair):
    sender, conversation = pair
    message = accepted(sender, conversation)
    claimed(message, key=1)
    assert messages_requeue_orphans() == 1

    time.sleep(0.01)
    claimed(message, key=2)

    assert messages_requeue_orphans() == 1


def test_a_message_still_queued_was_never_claimed_and_is_left_to_the_queue(pair):
    sender, conversation = pair
    accepted(sender, conversation, age=60)

    assert messages_requeue_orphans() == 0


def test_a_delivered_message_is_no_orphan(pair):
    sender, conversation = pair
    message = accepted(sender, conversation)
    claimed(message)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.DELIVERED)

    assert messages_requeue_orphans() == 0


def test_an_orphan_older_than_the_window_is_left_to_the_stale_sweep(pair):
    """A message that keeps failing is not handed over every few seconds forever."""
    sender, conversation = pair
    message = accepted(sender, conversation, age=ORPHAN_WINDOW + 5)
    Message.objects.filter(pk=message.pk).update(claimed_by=KEY, claimed_at=timezone.now())

    assert messages_requeue_orphans() == 0


def test_the_stale_sweep_leaves_a_slow_message_a_live_worker_holds(pair, settings):
    """However long a live worker takes (a slow provider), the stale sweep does not run the
    message a second time; a message no live worker holds (a task lost on its way to a worker
    killed before it could claim it) is handed over."""
    settings.PIPELINE_STALE_SECONDS = 20
    sender, conversation = pair
    slow = accepted(sender, conversation, age=60)
    lost = accepted(sender, conversation, age=60)

    with live_worker():
        claimed(slow)
        assert messages_requeue_stale() == 1
        assert not requeued(slow) and requeued(lost)
