"""Where a message is born: validated, stored as pending, acknowledged, and queued.

The pending row is the outbox. It is stored before the sender hears "accepted", and whatever
happens to the hand-off afterwards (a broker that refuses the publish, a worker that dies
holding the task), the row stays pending until a pipeline run finalizes it. Three paths hand it
over again, all through `messages_requeue`: the publish retry in chat/dispatch.py, a resend by
the client (same client_id), and the sweep (`messages_requeue_stale`, every minute).
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from chat import ratelimit
from chat.dispatch import enqueue
from chat.errors import ClientError
from chat.models import Conversation, Message, Participant
from chat.services.leases import live_lease_keys
from chat.sql_values import from_db, to_db
from chat.text_rules import string_check, visible_text_check
from moderation.models import Standing

CLIENT_ID_MAX = 64
# Messages handed to one pipeline task by a requeue.
REQUEUE_BATCH = 20
# At most this many messages are requeued by one sweep; the next sweep takes the rest.
SWEEP_LIMIT = 5000


def check_message_submit(
    *, user: AbstractBaseUser, conversation_id: int, client_id: str, text: str
) -> tuple[Message, bool]:
    """Validate and store a submission as pending; returns (message, created).

    Idempotent on (sender, client_id): a repeat returns the first message, and queues it again
    if it is still pending (its first hand-off may have been lost). One query checks
    membership, sanctions and the client id together; one INSERT stores the message.
    """
    if not client_id or len(client_id) > CLIENT_ID_MAX:
        raise ClientError("invalid_field", f"client_id must be 1 to {CLIENT_ID_MAX} characters")
    row = _membership(user.pk, conversation_id, client_id)
    if row is None:
        earlier = Message.objects.filter(sender_id=user.pk, client_id=client_id)
        if earlier.exclude(conversation_id=conversation_id).exists():
            raise ClientError("client_id_reused", "client_id was used for another conversation")
        raise ClientError("not_a_member", "no such conversation, or you are not in it")
    existing_id, banned_at, muted_until, closed = row
    if existing_id is not None:
        return _repeat(Message.objects.get(pk=existing_id), conversation_id), False
    if closed:
        raise ClientError("conversation_closed", "this conversation is closed")
    message_text_check(text)
    sender_standing_check(Standing(banned_at=banned_at, muted_until=muted_until))
    message_rate_check(user.pk)
    return do_message_submit(
        user=user, conversation_id=conversation_id, client_id=client_id, text=text
    )


def message_text_check(text: str) -> None:
    """What a message's text must be, sent or edited, by socket or HTTP alike."""
    string_check("text", text)
    if not text.strip():
        raise ClientError("empty_message", "the message text is empty")
    visible_text_check("text", text)
    if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
        raise ClientError(
            "message_too_long",
            f"the message is longer than {settings.CHAT_MAX_MESSAGE_CHARS} characters",
            limit=settings.CHAT_MAX_MESSAGE_CHARS,
        )


def sender_standing_check(standing: Standing | None) -> None:
    """Refuse a banned or muted sender (a mute says until when)."""
    refusal = standing.send_refusal() if standing is not None else None
    if refusal is None:
        return
    code, detail = refusal
    until = standing.muted_until.isoformat() if code == "muted" else None
    raise ClientError(code, detail, **({"until": until} if until else {}))


def message_rate_check(user_id: int) -> None:
    """Count one message (or edit) against the sender's rate limit."""
    rate = settings.CHAT_RATE_LIMIT
    if not ratelimit.hit("message", user_id, rate=rate, fail_open=True):
        seconds = ratelimit.retry_after("message", user_id, rate=rate)
        raise ClientError(
            "rate_limited",
            f"too many messages; try again in {seconds} s",
            retry_after=seconds,
        )


# Every send runs these two statements, where the ORM cost three to four times their CPU
# (bench/pipeline_cost.py), so they are written out.
_MESSAGE = Message._meta.db_table
_PARTICIPANT = Participant._meta.db_table
_CONVERSATION = Conversation._meta.db_table
_STANDING = Standing._meta.db_table


def _membership(user_id: int, conversation_id: int, client_id: str) -> tuple | None:
    """(id of the user's message with this client id or None, banned_at, muted_until, whether
    the conversation is closed) when the user is a member of it; None when not."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {_MESSAGE} WHERE sender_id = %s AND client_id = %s), "
            f"s.banned_at, s.muted_until, c.closed_at IS NOT NULL FROM {_PARTICIPANT} p "
            f"JOIN {_CONVERSATION} c ON c.id = p.conversation_id "
            f"LEFT JOIN {_STANDING} s ON s.user_id = p.user_id "
            "WHERE p.conversation_id = %s AND p.user_id = %s",
            [user_id, client_id, conversation_id, user_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    existing, banned_at, muted_until, closed = row
    return existing, from_db(banned_at), from_db(muted_until), bool(closed)


def _insert(message: Message) -> None:
    """INSERT the new message and learn its id."""
    findings = Message._meta.get_field("findings").get_db_prep_save([], connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_MESSAGE} (conversation_id, sender_id, client_id, text, "
            "source_language, status, reason, findings, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                message.conversation_id, message.sender_id, message.client_id, message.text,
                "", message.status, "", findings,
                to_db(message.created_at),
            ],
        )  # fmt: skip
        message.pk = cursor.fetchone()[0]
    message._state.adding = False


def _repeat(message: Message, conversation_id: int) -> Message:
    if message.conversation_id != conversation_id:
        raise ClientError("client_id_reused", "client_id was used for another conversation")
    if message.status == Message.Status.PENDING:
        messages_requeue([message.pk])
    return message


def do_message_submit(
    *, user: AbstractBaseUser, conversation_id: int, client_id: str, text: str
) -> tuple[Message, bool]:
    """Store the message (one INSERT) and queue it once stored."""
    message = Message(
        conversation_id=conversation_id,
        sender_id=user.pk,
        client_id=client_id,
        text=text,
        created_at=timezone.now(),
    )
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint, so a duplicate leaves the caller's intact
                _insert(message)
        else:
            # A single statement commits by itself: no BEGIN and COMMIT round trips.
            _insert(message)
    except IntegrityError:
        # The same client id raced in on another connection: the first one wins.
        return Message.objects.get(sender_id=user.pk, client_id=client_id), False
    transaction.on_commit(lambda: enqueue("chat.process_messages", message_ids=[message.pk]))
    return message, True


def messages_requeue(message_ids: Sequence[int]) -> None:
    """Hand pending messages to the pipeline again (the one requeue path)."""
    if not message_ids:
        return
    Message.objects.filter(pk__in=message_ids).update(requeued_at=timezone.now())
    for start in range(0, len(message_ids), REQUEUE_BATCH):
        batch = list(message_ids[start : start + REQUEUE_BATCH])
        transaction.on_commit(
            lambda batch=batch: enqueue("chat.process_messages", message_ids=batch)
        )


def messages_requeue_stale(*, older_than_seconds: int | None = None) -> int:
    """The sweep: requeue messages pending longer than PIPELINE_STALE_SECONDS since they were
    last handed over, and release READY messages whose wait is over but whose release job was
    lost. Returns how many messages were requeued."""
    if older_than_seconds is None:
        older_than_seconds = settings.PIPELINE_STALE_SECONDS
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    stale = Q(requeued_at__lte=cutoff) | Q(requeued_at__isnull=True, created_at__lte=cutoff)
    # A message a live worker holds is being worked on, however long it takes (a slow
    # provider): only the lost are handed over (chat/services/claims.py).
    ids = list(
        Message.objects.filter(stale, status=Message.Status.PENDING)
        .exclude(claimed_by__in=live_lease_keys())
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    messages_requeue(ids)
    overdue = now - timedelta(seconds=settings.PIPELINE_ORDER_WAIT + 5)
    waiting = (
        Message.objects.filter(status=Message.Status.READY, created_at__lte=overdue)
        .values_list("conversation_id", flat=True)
        .distinct()
    )
    for conversation_id in waiting:
        transaction.on_commit(
            lambda cid=conversation_id: enqueue("chat.release_ready", conversation_id=cid)
        )
    return len(ids)
