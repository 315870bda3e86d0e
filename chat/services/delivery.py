"""Ordered finalization: the reorder buffer, sequence numbers and the broadcast.

The pipeline's work runs in parallel (threads, Celery workers) and finishes in any order, but a
conversation's messages must reach readers in the order the server accepted them (their primary
keys), numbered 1, 2, 3 … with no holes. So only finalization is ordered:

- A message to block or hold is final at once: it takes no number and no reader sees it, so it
  never waits and never makes a later message wait.
- A message to deliver takes the next number only when every earlier message of its
  conversation is final. Until then it waits in the database as READY, with its verdict and its
  translations stored, and whoever finalizes the earlier message delivers it too, in the same
  transaction.
- An earlier message still pending holds later ones back for at most PIPELINE_ORDER_WAIT
  seconds after it was accepted; then they go first (a job is scheduled for that moment), and
  it takes a later number when it finishes.

Every step runs under the conversation row's lock, so a worker that parks a message as READY
has committed before the worker finalizing its predecessor looks for it, and no wake-up is lost.
"""

import contextlib
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from chat import latest
from chat.broadcast import broadcast_on_commit, conversation_group, user_group
from chat.dispatch import enqueue
from chat.models import Conversation, Message, MessageTranslation
from chat.payloads import message_payload
from chat.services import webhooks
from chat.services.translations import translation_retry_schedule
from chat.sql_values import to_db
from moderation.cases import audit, case_open_for_message, repeat_offender_check
from moderation.decisions import Decision
from moderation.models import AuditEvent
from moderation.policy import MASKABLE, Action
from translation.services import SKIPPED, UNAVAILABLE, Translation
from xlate_site import metrics

UNFINISHED = (Message.Status.PENDING, Message.Status.READY)

# On SQLite (the embedded mode) threads of one process finalize one at a time: it has a single
# writer anyway, and queueing here keeps the socket thread's inserts from queueing behind
# several pipeline threads on the file lock. PostgreSQL's row locks need no help. Reentrant: a
# finalization may run a job inline.
_sqlite_writer = threading.RLock()


def _one_writer():
    return _sqlite_writer if connection.vendor == "sqlite" else contextlib.nullcontext()


@dataclass(slots=True)
class Outcome:
    """What the pipeline decided for one pending message."""

    message: Message
    source_language: str
    decision: Decision
    translations: list[Translation] = field(default_factory=list)
    # The text readers get when the decision is to mask (blank otherwise).
    masked_text: str = ""

    @property
    def retry_translations(self) -> bool:
        return any(t.status == UNAVAILABLE and t.retryable for t in self.translations)

    @property
    def budget_spent(self) -> bool:
        return any(t.status == SKIPPED for t in self.translations)


def outcomes_finalize(outcomes: Sequence[Outcome]) -> None:
    """Finalize what the pipeline decided, in one transaction, each conversation in turn."""
    by_conversation: dict[int, dict[int, Outcome]] = defaultdict(dict)
    for outcome in outcomes:
        by_conversation[outcome.message.conversation_id][outcome.message.pk] = outcome
    if not by_conversation:
        return
    with metrics.stage("finalize"), _one_writer(), transaction.atomic():
        # Conversations are locked in one order, so two workers never deadlock.
        for conversation_id in sorted(by_conversation):
            _finalize(conversation_id, by_conversation[conversation_id])


def conversation_release_ready(*, conversation_id: int) -> None:
    """Deliver the READY messages of a conversation whose turn has come (the wait for an
    earlier message ended, or the sweep found them)."""
    with _one_writer(), transaction.atomic():
        _finalize(conversation_id, {})


def message_deliver_now(
    *,
    message: Message,
    translations: Sequence[Translation] = (),
    placeholders: Sequence[Translation] = (),
) -> None:
    """Deliver a message out of the pipeline's turn (a moderator released it): the next
    number, now, with the `translations` made for it and `placeholders` for those that follow
    as message.update. Call inside a transaction that holds the message row."""
    last_seq = _reserve(message.conversation_id, 1)
    new = [*translations, *placeholders]
    retry = any(t.status == UNAVAILABLE and t.retryable for t in new)
    item = _Delivery(message, new=new, stored=True, retry=retry)
    _deliver(message.conversation_id, last_seq, [item])


@dataclass(slots=True)
class _Delivery:
    message: Message
    # The pipeline's verdict (None for a moderator's release, audited by the moderation
    # service) and the translation rows to create.
    decision: Decision | None = None
    new: list[Translation] = field(default_factory=list)
    # The message has translation rows already (it was parked, or held before a release).
    stored: bool = False
    retry: bool = False
    budget_spent: bool = False


_CONVERSATION = Conversation._meta.db_table
_MESSAGE = Message._meta.db_table
_TRANSLATION = MessageTranslation._meta.db_table
# The common path runs as a few plain statements: building them with the ORM cost more CPU
# than everything else a worker does for a message (bench/pipeline_cost.py, cProfile).
_TRANSLATION_COLUMNS = (
    "message_id, language, status, reason, text, provider, model, from_cache, cost_usd, created_at"
)


def _reserve(conversation_id: int, count: int) -> int | None:
    """Lock the conversation's row until commit and take the next `count` sequence numbers
    (one UPDATE ... RETURNING); the last number before them, or None without a conversation."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_CONVERSATION} SET last_seq = last_seq + %s WHERE id = %s RETURNING last_seq",
            [count, conversation_id],
        )
        row = cursor.fetchone()
    return row[0] - count if row else None


def _settle(conversation_id: int, reserved_end: int, last_seq: int) -> None:
    """Give back numbers reserved and not used (a message parked or withheld instead)."""
    if last_seq != reserved_end:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_CONVERSATION} SET last_seq = %s WHERE id = %s",
                [last_seq, conversation_id],
            )


def _unfinished(conversation_id: int, patience_start) -> list[tuple[int, str, bool]]:
    """(id, status, accepted within the wait) of the conversation's unfinished messages."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, status, created_at > %s FROM {_MESSAGE} "
            "WHERE conversation_id = %s AND status IN (%s, %s) ORDER BY id",
            [to_db(patience_start), conversation_id, *UNFINISHED],
        )
        return [(pk, status, bool(young)) for pk, status, young in cursor.fetchall()]


def _finalize(conversation_id: int, mine: dict[int, Outcome]) -> None:
    # Numbers for every message of this run that may be delivered: the common case (nothing
    # earlier pending, nothing parked) then needs no second write to the conversation.
    expected = sum(1 for outcome in mine.values() if not outcome.decision.withheld)
    last_seq = _reserve(conversation_id, expected)
    if last_seq is None:
        return  # the conversation was deleted
    patience_start = timezone.now() - timedelta(seconds=settings.PIPELINE_ORDER_WAIT)
    deliver: list[_Delivery | int] = []  # an id: a parked message, loaded below
    park: list[Outcome] = []
    waiting_for: int | None = None
    ready_behind = False
    for pk, status, young in _unfinished(conversation_id, patience_start):
        # Only a message still pending takes this run's verdict: a repeat run finds it final
        # or parked already, with the verdict that was stored first.
        outcome = mine.get(pk) if status == Message.Status.PENDING else None
        if outcome is not None and outcome.decision.withheld:
            _withhold(outcome)
        elif waiting_for is None:
            if outcome is not None:
                deliver.append(_from_outcome(outcome))
            elif status == Message.Status.READY:
                deliver.append(pk)
            elif young:
                waiting_for = pk
            # else: pending past the wait; later messages go first.
        elif outcome is not None:
            park.append(outcome)
            ready_behind = True
        elif status == Message.Status.READY:
            ready_behind = True
    delivered = _deliver(conversation_id, last_seq, _load_parked(deliver)) if deliver else last_seq
    _settle(conversation_id, last_seq + expected, delivered)
    for outcome in park:
        _park(outcome)
    if waiting_for is not None and ready_behind:
        _release_when_wait_ends(conversation_id, waiting_for)


def _load_parked(items: list["_Delivery | int"]) -> list["_Delivery"]:
    """Replace the ids of parked messages by their deliveries (verdict and rows stored)."""
    ids = [item for item in items if isinstance(item, int)]
    if not ids:
        return items
    parked = Message.objects.select_related("sender").in_bulk(ids)
    return [_from_parked(parked[item]) if isinstance(item, int) else item for item in items]


def _release_when_wait_ends(conversation_id: int, waiting_for: int) -> None:
    accepted = Message.objects.values_list("created_at", flat=True).get(pk=waiting_for)
    wait_ends = accepted + timedelta(seconds=settings.PIPELINE_ORDER_WAIT)
    countdown = max((wait_ends - timezone.now()).total_seconds(), 0) + 0.05
    transaction.on_commit(
        lambda: enqueue("chat.release_ready", countdown=countdown, conversation_id=conversation_id)
    )


def _count_final(state: str) -> None:
    """Count a message reaching a final state, once its transaction commits."""
    transaction.on_commit(lambda: metrics.MESSAGES_FINAL.labels(state).inc())


def _apply(message: Message, outcome: Outcome) -> None:
    message.masked_text = outcome.masked_text
    message.source_language = outcome.source_language
    message.findings = outcome.decision.findings
    message.reason = outcome.decision.reason


def _store(cursor, message: Message) -> None:
    """Write the message's state (one UPDATE)."""
    decision = Message._meta.get_field("decision").get_db_prep_save(message.decision, connection)
    findings = Message._meta.get_field("findings").get_db_prep_save(message.findings, connection)
    finalized_at = to_db(message.finalized_at)
    cursor.execute(
        f"UPDATE {_MESSAGE} SET status = %s, seq = %s, decision = %s, finalized_at = %s, "
        "source_language = %s, findings = %s, reason = %s, masked_text = %s WHERE id = %s",
        [
            message.status, message.seq, decision, finalized_at, message.source_language,
            findings, message.reason, message.masked_text, message.pk,
        ],
    )  # fmt: skip


def translation_rows(
    message: Message, translations: Sequence[Translation]
) -> list[MessageTranslation]:
    now = timezone.now()
    return [
        MessageTranslation(
            message=message,
            language=t.language,
            status=t.status,
            reason=t.reason,
            text=t.text,
            provider=t.provider,
            model=t.model,
            from_cache=t.from_cache,
            cost_usd=t.cost_usd,
            created_at=now,
        )
        for t in translations
    ]


def _insert(cursor, rows: Sequence[MessageTranslation]) -> None:
    """Store translation rows (one INSERT)."""
    if not rows:
        return
    cost = MessageTranslation._meta.get_field("cost_usd")
    params: list = []
    for row in rows:
        params += [
            row.message_id, row.language, row.status, row.reason, row.text, row.provider,
            row.model, row.from_cache, cost.get_db_prep_save(row.cost_usd, connection),
            to_db(row.created_at),
        ]  # fmt: skip
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    cursor.execute(
        f"INSERT INTO {_TRANSLATION} ({_TRANSLATION_COLUMNS}) VALUES {values} "
        "ON CONFLICT DO NOTHING",
        params,
    )


def _from_outcome(outcome: Outcome) -> _Delivery:
    _apply(outcome.message, outcome)
    return _Delivery(
        outcome.message,
        decision=outcome.decision,
        new=outcome.translations,
        retry=outcome.retry_translations,
        budget_spent=outcome.budget_spent,
    )


def _from_parked(message: Message) -> _Delivery:
    stored = message.decision or {}
    return _Delivery(
        message,
        decision=Decision.from_dict(stored, findings=message.findings),
        stored=True,
        retry=bool(stored.get("retry")),
        budget_spent=bool(stored.get("budget_spent")),
    )


def _park(outcome: Outcome) -> None:
    """Store a deliverable message's verdict and translations; it waits for its turn."""
    message = outcome.message
    _apply(message, outcome)
    message.status = Message.Status.READY
    message.decision = outcome.decision.as_dict() | {
        "retry": outcome.retry_translations,
        "budget_spent": outcome.budget_spent,
    }
    with connection.cursor() as cursor:
        _store(cursor, message)
        _insert(cursor, translation_rows(message, outcome.translations))


def _withhold(outcome: Outcome) -> None:
    """Block or hold: final at once, no number, seen by nobody but a moderator and the sender
    (who is told why)."""
    message, decision = outcome.message, outcome.decision
    blocked = decision.action == Action.BLOCK
    _apply(message, outcome)
    message.status = Message.Status.BLOCKED if blocked else Message.Status.HELD
    message.finalized_at = timezone.now()
    with connection.cursor() as cursor:
        _store(cursor, message)
        _insert(cursor, translation_rows(message, outcome.translations))
    _count_final(message.status)
    _record(message, decision)
    event = "message.blocked" if blocked else "message.held"
    sender_notice(message, event, reason=decision.reason)
    webhooks.event_emit(
        event,
        {
            "message": {
                "id": message.pk,
                "client_id": message.client_id,
                "text": message.text,
                "reason": decision.reason,
                "kinds": sorted({finding["kind"] for finding in decision.findings}),
            },
            "sender": webhooks.user_ref(message.sender_id),
            "conversation": webhooks.conversation_ref(message.conversation_id),
        },
    )
    if blocked:
        repeat_offender_check(user_id=message.sender_id)


def _record(message: Message, decision: Decision) -> None:
    """The moderation records a verdict leaves: a failed score, a case to review."""
    if decision.score_failed:
        audit(AuditEvent.Action.SCORE_FAILED, message=message)
    if decision.action != Action.ALLOW:
        case_open_for_message(
            message=message,
            verdict=str(decision.action),
            reason=decision.reason,
            findings=decision.findings,
            score=decision.score,
        )


def _deliver(conversation_id: int, last_seq: int, items: Sequence[_Delivery]) -> int:
    """Number the messages after `last_seq` in order, store them delivered, and broadcast them
    after commit as one event (readers receive them in this order). Returns the last number;
    the caller has reserved the numbers (the conversation row holds them)."""
    now = timezone.now()
    stored: dict[int, list[MessageTranslation]] = defaultdict(list)
    if with_rows := [item.message.pk for item in items if item.stored]:
        for row in MessageTranslation.objects.filter(message_id__in=with_rows):
            stored[row.message_id].append(row)
    created: list[MessageTranslation] = []
    payloads = []
    with connection.cursor() as cursor:
        for item in items:
            message = item.message
            last_seq += 1
            message.seq = last_seq
            message.status = Message.Status.DELIVERED
            message.decision = None
            message.finalized_at = now
            _store(cursor, message)
            _count_final(message.status)
            rows = translation_rows(message, item.new)
            created += rows
            payloads.append(message_payload(message, rows + stored.get(message.pk, [])))
        _insert(cursor, created)
    for item in items:
        if item.decision is not None:
            _record(item.message, item.decision)
        if item.budget_spent:
            sender_notice(item.message, "notice", code="translation_budget_exceeded")
        if item.retry:
            translation_retry_schedule(item.message.pk, attempt=0)
    broadcast_on_commit(
        conversation_group(conversation_id),
        {"type": "chat.message", "conversation": conversation_id, "messages": payloads},
    )
    for item in items:
        # After the message itself, so the sender's client marks a bubble it already shows.
        if item.decision is not None and item.decision.action == Action.MASK:
            kinds = sorted({f["kind"] for f in item.decision.findings if f["kind"] in MASKABLE})
            sender_notice(item.message, "message.masked", reason=item.decision.reason, kinds=kinds)
    transaction.on_commit(lambda: latest.record(conversation_id, last_seq))
    return last_seq


def sender_notice(message: Message, frame_type: str, **fields) -> None:
    """A frame for the sender's sockets only, after commit."""
    broadcast_on_commit(
        user_group(message.sender_id),
        {
            "type": "chat.notice",
            "frame": {
                "type": frame_type,
                "conversation": message.conversation_id,
                "id": message.pk,
                "client_id": message.client_id,
                **fields,
            },
        },
    )
