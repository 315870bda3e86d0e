"""Translations that come after delivery: background retries of those every provider failed,
and backfill of recent messages for a reader who just turned translation on. Readers get each
as message.update.

An unavailable translation is tried again until it arrives or TRANSLATION_RETRY_MAX_AGE has
passed since its message was delivered (then its reason becomes "expired" and it is left):

- after each of TRANSLATION_RETRY_DELAYS, then every last delay, for as long as attempts reach
  a provider and fail;
- a retry that finds every provider's breaker refusing waits for one instead, and that does not
  count as an attempt: the wait starts at the rest of the cool-down and grows to the last delay;
- when a provider's breaker closes after an outage, every unavailable translation is queued
  again, most recent message first, TRANSLATION_RECOVERY_RATE messages a second;
- a sweep every TRANSLATION_RETRY_SWEEP_SECONDS queues again those whose retry was lost, and
  lets the most recent one probe breakers past their cool-down.

A message has one retry in flight: the cache keeps its token and when it is due, and a task
with another token was superseded (by a recovery or the sweep) and does nothing. A translation
no retry can help (every answer failed the output checks, or the provider refused the text) is
stored as untranslatable and never tried again.
"""

import logging
import random
import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from chat.broadcast import broadcast_on_commit, conversation_group, user_group
from chat.context import conversation_context
from chat.dispatch import enqueue
from chat.models import Message, MessageTranslation, Participant
from chat.payloads import message_payload
from translation.breaker import CircuitBreaker, State, retry_in
from translation.engine import CIRCUIT_OPEN, CallContext
from translation.providers import get_chain
from translation.services import (
    DONE,
    UNAVAILABLE,
    UNTRANSLATABLE,
    Translation,
    source_language_of,
    translation_into,
)

logger = logging.getLogger(__name__)

# The reason of an unavailable translation given up on (TRANSLATION_RETRY_MAX_AGE).
EXPIRED = "expired"
# The engine's code for a call that every provider's breaker refused.
# Unavailable translations with these reasons are not retried: given up on, or kept with the
# engine's code for a text whose every answer failed the output checks (as delivery stores
# it while translation_into reports that as unavailable).
_NOT_RETRIED = (EXPIRED, "untranslatable")
_RETRY_KEY = "translation-retry:{}"
_RECOVERY_KEY = "translation-recovery"
# A recovery queues this many seconds' worth of retries per task, then queues its next page.
_RECOVERY_PAGE_SECONDS = 10
# Messages the sweep reads at a time, looking for lost retries.
_SCAN_CHUNK = 1000
# Delays are stretched by up to this fraction, so retries due together spread out.
_JITTER = 0.1


# --- scheduling -------------------------------------------------------------------------------


def translation_retry_schedule(
    message_id: int, *, attempt: int, deferred: int = 0, countdown: float | None = None
) -> None:
    """Queue attempt number `attempt` at a message's unavailable translations, on commit, after
    that attempt's delay (or `countdown` seconds). It replaces the message's retry in flight;
    `deferred` counts the waits for a breaker since the last attempt."""
    delays = settings.TRANSLATION_RETRY_DELAYS
    if not delays:
        return  # retries are off
    if countdown is None:
        countdown = _jittered(delays[min(attempt, len(delays) - 1)])
    token = uuid.uuid4().hex[:16]

    def hand_over() -> None:
        cache.set(
            _RETRY_KEY.format(message_id),
            {"token": token, "attempt": attempt, "due": time.time() + countdown},
            timeout=countdown + settings.PIPELINE_STALE_SECONDS + delays[-1],
        )
        enqueue(
            "chat.retry_translations",
            countdown=countdown,
            message_id=message_id,
            attempt=attempt,
            token=token,
            deferred=deferred,
        )

    transaction.on_commit(hand_over)


def _jittered(seconds: float) -> float:
    return seconds * random.uniform(1, 1 + _JITTER)


def _breaker_wait(deferred: int) -> float:
    """Seconds a retry waits for a breaker: the rest of its cool-down the first time, longer
    each time after (up to the last retry delay). A closing breaker queues the retry again
    anyway, so a longer wait delays nobody, while waking every message of a long outage every
    cool-down would keep the workers busy for nothing."""
    wait = max(retry_in(_provider_names()), 1.0)
    growth = settings.TRANSLATION_BREAKER_COOLDOWN * (2 ** min(deferred, 16) - 1)
    return _jittered(max(wait, min(wait + growth, settings.TRANSLATION_RETRY_DELAYS[-1])))


def _provider_names() -> list[str]:
    return [provider.name for provider in get_chain() if not provider.is_demo]


def _oldest() -> datetime:
    """Translations of messages delivered before this are no longer retried."""
    return timezone.now() - timedelta(seconds=settings.TRANSLATION_RETRY_MAX_AGE)


def _retried() -> "QuerySet[MessageTranslation]":
    """The unavailable translations still retried: of delivered messages, not too old."""
    return MessageTranslation.objects.filter(
        status=UNAVAILABLE,
        message__status=Message.Status.DELIVERED,
        message__finalized_at__gte=_oldest(),
    ).exclude(reason__in=_NOT_RETRIED)


def _messages_to_retry(*, before_id: int | None = None, limit: int) -> list[int]:
    """Ids of messages with translations still retried, most recent first."""
    rows = _retried()
    if before_id is not None:
        rows = rows.filter(message_id__lt=before_id)
    ids = rows.order_by("-message_id").values_list("message_id", flat=True).distinct()
    return list(ids[:limit])


# --- the retry --------------------------------------------------------------------------------


def message_translations_retry(
    *, message_id: int, attempt: int, token: str = "", deferred: int = 0
) -> int:
    """Try the unavailable translations of a delivered message again; readers get each one
    that arrives as message.update. Returns how many arrived."""
    key = _RETRY_KEY.format(message_id)
    current = cache.get(key)
    if token and current is not None and current["token"] != token:
        return 0  # superseded: another task is this message's retry now
    message = (
        Message.objects.select_related("sender")
        .filter(pk=message_id, status=Message.Status.DELIVERED)
        .first()
    )
    missing = (
        list(message.translations.filter(status=UNAVAILABLE).exclude(reason__in=_NOT_RETRIED))
        if message is not None
        else []
    )
    if not missing:
        cache.delete(key)
        return 0
    if (message.finalized_at or message.created_at) < _oldest():
        MessageTranslation.objects.filter(pk__in=[row.pk for row in missing]).update(reason=EXPIRED)
        cache.delete(key)
        return 0
    if retry_in(_provider_names()) > 0:
        # Every breaker refuses (open, or another caller probes): wait, spending nothing.
        _defer(message.pk, attempt=attempt, deferred=deferred)
        return 0
    glossary = _terms(message.conversation_id)
    context = CallContext(user_id=message.sender_id, message_id=message.pk)
    results = [
        translation_into(
            text=message.text,
            source=message.source_language,
            target=row.language,
            glossary=glossary,
            context=context,
        )
        for row in missing
    ]
    failed = [r for r in results if r.status != DONE and not _hopeless(r)]
    with transaction.atomic():
        changed = sum(_settle(row, result) for row, result in zip(missing, results, strict=True))
        if changed:
            broadcast_on_commit(
                conversation_group(message.conversation_id),
                {"type": "chat.update", "message": message_payload(message)},
            )
        if not failed:
            transaction.on_commit(lambda: cache.delete(key))
        elif all(r.reason == CIRCUIT_OPEN for r in failed):
            _defer(message.pk, attempt=attempt, deferred=deferred)
        else:
            translation_retry_schedule(message.pk, attempt=attempt + 1)
    return sum(1 for r in results if r.status == DONE)


def _defer(message_id: int, *, attempt: int, deferred: int) -> None:
    translation_retry_schedule(
        message_id, attempt=attempt, deferred=deferred + 1, countdown=_breaker_wait(deferred)
    )


def _hopeless(result: Translation) -> bool:
    """No retry can get this translation: every answer failed the output checks, or a
    provider refused the text itself (a bad request)."""
    return result.status == UNTRANSLATABLE or (
        result.status == UNAVAILABLE and not result.retryable
    )


def _settle(row: MessageTranslation, result: Translation) -> bool:
    """Store what a retry got for a row that is still unavailable (another retry may have got
    it first); True if the row changed."""
    still = MessageTranslation.objects.filter(pk=row.pk, status=UNAVAILABLE)
    if result.status == DONE:
        return bool(still.update(**_done_fields(result)))
    if _hopeless(result):
        return bool(still.update(status=UNTRANSLATABLE, reason=result.reason or UNTRANSLATABLE))
    return False


def _done_fields(result: Translation) -> dict:
    return {
        "status": DONE,
        "reason": "",
        "text": result.text,
        "provider": result.provider,
        "model": result.model,
        "from_cache": result.from_cache,
        "cost_usd": result.cost_usd,
    }


def _terms(conversation_id: int) -> list[str]:
    context = conversation_context(conversation_id=conversation_id)
    return context.terms() if context is not None else []


# --- recovery and the sweep -------------------------------------------------------------------


def translations_recovery_start(*, provider: str) -> None:
    """A provider's breaker closed after an outage: queue every unavailable translation again
    (translations_recover), from the most recent message down. A recovery under way starts
    over from the top."""
    run = uuid.uuid4().hex[:16]
    cache.set(_RECOVERY_KEY, run, timeout=settings.TRANSLATION_RETRY_MAX_AGE)
    logger.info("%s is back: queueing unavailable translations again", provider)
    transaction.on_commit(lambda: enqueue("chat.recover_translations", run=run))


def translations_recover(*, run: str, before_id: int | None = None) -> int:
    """One page of a recovery: queue the retries of the next messages with unavailable
    translations, most recent first, at TRANSLATION_RECOVERY_RATE a second, then the next page
    when these are due. Returns how many were queued."""
    if cache.get(_RECOVERY_KEY) != run:
        return 0  # a later recovery started over
    rate = settings.TRANSLATION_RECOVERY_RATE
    size = max(1, int(rate * _RECOVERY_PAGE_SECONDS))
    ids = _messages_to_retry(before_id=before_id, limit=size)
    found = cache.get_many([_RETRY_KEY.format(pk) for pk in ids])
    for n, message_id in enumerate(ids):
        current = found.get(_RETRY_KEY.format(message_id))
        attempt = current["attempt"] if current else 0
        translation_retry_schedule(message_id, attempt=attempt, countdown=n / rate)
    if len(ids) == size:
        transaction.on_commit(
            lambda: enqueue(
                "chat.recover_translations", countdown=size / rate, run=run, before_id=ids[-1]
            )
        )
    return len(ids)


def translations_retry_sweep() -> int:
    """Keep retries going whatever was lost: expire the unavailable translations older than
    TRANSLATION_RETRY_MAX_AGE, queue again those whose retry is overdue (no process holds it
    any more), most recent first and at TRANSLATION_RECOVERY_RATE, and when every breaker is
    past its cool-down with nobody probing, let the most recent one probe. Returns how many
    were queued again."""
    MessageTranslation.objects.filter(
        status=UNAVAILABLE,
        message__status=Message.Status.DELIVERED,
        message__finalized_at__lt=_oldest(),
    ).exclude(reason=EXPIRED).update(reason=EXPIRED)
    if not settings.TRANSLATION_RETRY_DELAYS:
        return 0
    rate = settings.TRANSLATION_RECOVERY_RATE
    budget = max(1, int(rate * settings.TRANSLATION_RETRY_SWEEP_SECONDS))
    overdue = time.time() - settings.PIPELINE_STALE_SECONDS
    lost: list[int] = []
    retries: dict[int, dict] = {}
    newest = before = None
    while len(lost) < budget:
        chunk = _messages_to_retry(before_id=before, limit=_SCAN_CHUNK)
        if not chunk:
            break
        newest = newest or chunk[0]
        found = cache.get_many([_RETRY_KEY.format(pk) for pk in chunk])
        for message_id in chunk:
            current = found.get(_RETRY_KEY.format(message_id))
            retries[message_id] = current or {}
            if current is None or current["due"] < overdue:
                lost.append(message_id)
        if len(chunk) < _SCAN_CHUNK:
            break
        before = chunk[-1]
    lost = lost[:budget]
    for n, message_id in enumerate(lost):
        attempt = retries[message_id].get("attempt", 0)
        translation_retry_schedule(message_id, attempt=attempt, countdown=n / rate)
    if newest is not None and newest not in lost and _probe_wanted():
        attempt = retries[newest].get("attempt", 0)
        translation_retry_schedule(newest, attempt=attempt, countdown=0)
    if lost:
        logger.warning("queued %d lost translation retries again", len(lost))
    return len(lost)


def _probe_wanted() -> bool:
    """No provider's breaker is closed, and one would let a probe through now: without it,
    a quiet conversation could wait for the longest retry delay to learn the outage ended."""
    names = _provider_names()
    if not names or any(CircuitBreaker(name).state() is State.CLOSED for name in names):
        return False
    return retry_in(names) == 0


# --- backfill ---------------------------------------------------------------------------------


def participant_backfill(*, participant_id: int) -> int:
    """Translate the last messages of a conversation for a reader who just opted in, and
    push each as message.update to that reader, at the reader's cost. One that no provider
    can translate now is kept unavailable and retried like any other. Returns how many were
    pushed."""
    participant = (
        Participant.objects.select_related("user__profile").filter(pk=participant_id).first()
    )
    if participant is None or not participant.translate:
        return 0
    language = participant.reading_language
    recent = list(
        Message.objects.filter(
            conversation_id=participant.conversation_id, status=Message.Status.DELIVERED
        )
        .exclude(sender_id=participant.user_id)
        .exclude(source_language=language)
        .exclude(
            pk__in=MessageTranslation.objects.filter(language=language, status=DONE).values(
                "message_id"
            )
        )
        .select_related("sender__profile")
        .order_by("-seq")[: settings.TRANSLATION_BACKFILL]
    )
    glossary = _terms(participant.conversation_id)
    pushed = 0
    for message in reversed(recent):
        source = message.source_language or _source_of(message)
        if source == language:
            continue
        result = translation_into(
            text=message.text,
            source=source,
            target=language,
            glossary=glossary,
            context=CallContext(
                user_id=participant.user_id, message_id=message.pk, purpose="backfill"
            ),
        )
        if result.status != DONE:
            _keep_missing(message, result)
            continue
        with transaction.atomic():
            MessageTranslation.objects.update_or_create(
                message=message, language=result.language, defaults=_done_fields(result)
            )
            broadcast_on_commit(
                user_group(participant.user_id),
                {"type": "chat.update", "message": message_payload(message)},
            )
        pushed += 1
    return pushed


def _keep_missing(message: Message, result: Translation) -> None:
    """A backfill translation no provider made: untranslatable for good, or unavailable and
    retried (readers get it as message.update when it arrives)."""
    if _hopeless(result):
        MessageTranslation.objects.update_or_create(
            message=message,
            language=result.language,
            defaults={"status": UNTRANSLATABLE, "reason": result.reason or UNTRANSLATABLE},
        )
        return
    with transaction.atomic():
        MessageTranslation.objects.get_or_create(
            message=message,
            language=result.language,
            defaults={"status": UNAVAILABLE, "reason": result.reason},
        )
        translation_retry_schedule(message.pk, attempt=0)


def _source_of(message: Message) -> str:
    """The language of a message delivered when nobody needed it translated (the pipeline
    detects it only when a reader opted in), detected now and kept."""
    from_profile = getattr(getattr(message.sender, "profile", None), "language", "")
    source = source_language_of(message.text, fallback=from_profile or "en")
    Message.objects.filter(pk=message.pk).update(source_language=source)
    message.source_language = source
    return source
