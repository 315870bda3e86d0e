"""The work on a pending message before anyone else may see it.

1. The safety check on the original, read with the sender's previous messages.
2. One translation per distinct reading language of the members who opted in (cache first).
3. The safety check again on every translation (a translation can spell out what the original
   hid); the strictest verdict wins.
4. The LLM scam score, where the risk signals say it is worth paying for.

This runs in parallel across messages (Celery workers, or threads in the embedded mode); the
result goes to chat.services.delivery, which finalizes in the order the messages were accepted.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from chat.context import ConversationContext, Member, conversation_context
from chat.models import Message
from chat.services.delivery import Outcome, outcomes_finalize
from chat.services.profiles import profile_ensure
from chat.sql_values import from_db, to_db
from moderation import detectors
from moderation.decisions import ORIGINAL, final_decision, stricter, tagged_findings, text_verdict
from moderation.masking import masked_text
from moderation.numbers import language_regions
from moderation.policy import Action
from moderation.scoring import scoring_available
from translation.costs import budget_exceeded
from translation.detection import preload_detector
from translation.engine import CallContext
from translation.services import DONE, UNDETERMINED, detected_language_of, translations_for
from xlate_site import metrics


def messages_process(*, message_ids: Sequence[int]) -> int:
    """Run the pipeline for the given messages and finalize them. Safe to run more than once
    and concurrently: a message that is no longer pending is left as it is. Returns how many
    were still pending."""
    pending = _pending(message_ids)
    contexts: dict[int, ConversationContext | None] = {}
    outcomes = []
    for message, previous in pending:
        if message.conversation_id not in contexts:
            contexts[message.conversation_id] = conversation_context(
                conversation_id=message.conversation_id
            )
        context = contexts[message.conversation_id]
        if context is not None:
            outcomes.append(message_outcome(message, context, previous=previous))
    outcomes_finalize(outcomes)
    return len(pending)


def _pending(message_ids: Sequence[int]) -> list[tuple[Message, list[str]]]:
    """The messages still pending, oldest first, each with the sender's previous texts in its
    conversation (oldest first), in one statement. It is on every message's path, where the
    ORM cost three to four times the CPU of the plain statement (bench/pipeline_cost.py)."""
    if not message_ids:
        return []
    table, users = Message._meta.db_table, get_user_model()._meta
    username = users.get_field(users.model.USERNAME_FIELD).column
    count = settings.MODERATION_CONTEXT_MESSAGES
    previous = "".join(
        f", (SELECT p.text FROM {table} p WHERE p.conversation_id = m.conversation_id "
        "AND p.sender_id = m.sender_id AND p.id < m.id AND p.created_at >= %s "
        f"ORDER BY p.id DESC LIMIT 1 OFFSET {n})"
        for n in range(count)
    )
    # The window is counted back from now, not from each message: they differ by how long the
    # message waited for the pipeline, seconds against MODERATION_CONTEXT_SECONDS.
    since = timezone.now() - timedelta(seconds=settings.MODERATION_CONTEXT_SECONDS)
    marks = ", ".join(["%s"] * len(message_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, m.conversation_id, m.sender_id, m.client_id, m.text, m.created_at, "
            f"u.{username}{previous} FROM {table} m JOIN {users.db_table} u ON u.id = m.sender_id "
            f"WHERE m.id IN ({marks}) AND m.status = %s ORDER BY m.id",
            [*[to_db(since)] * count, *message_ids,
             Message.Status.PENDING],
        )  # fmt: skip
        rows = cursor.fetchall()
    pending = []
    for pk, conversation_id, sender_id, client_id, text, created_at, name, *earlier in rows:
        sender = users.model(pk=sender_id, **{users.model.USERNAME_FIELD: name})
        message = Message(
            pk=pk,
            conversation_id=conversation_id,
            sender=sender,
            client_id=client_id,
            text=text,
            status=Message.Status.PENDING,
            created_at=from_db(created_at),
        )
        for instance in (message, sender):  # rows read from the database, as Django's own are
            instance._state.adding = False
            instance._state.db = connection.alias
        pending.append((message, [t for t in reversed(earlier) if t is not None]))
    return pending


def _sender(message: Message, context: ConversationContext) -> Member:
    member = context.member(message.sender_id)
    if member is not None:
        return member
    # The sender left the conversation after sending: read their own profile.
    profile = profile_ensure(user=message.sender)
    language = profile.language
    return Member(message.sender_id, "", "", False, language, language, profile.country)


def message_outcome(
    message: Message, context: ConversationContext, *, previous: Sequence[str]
) -> Outcome:
    """Steps 1-4 for one message, read with the sender's `previous` texts (oldest first):
    what should happen to it, and its translations."""
    sender = _sender(message, context)
    # The message is read in the language it is written in and the sender's own (with
    # English): their cue words, and their regions for a phone number without a country
    # code, after the sender's country and before the deployment's default. A text too short
    # to tell, or in a language outside the supported ones, is read in every language.
    detected = detected_language_of(message.text)
    source = detected or sender.language
    languages = None
    if detected and detected != UNDETERMINED:
        languages = tuple(dict.fromkeys(c for c in (detected, sender.language) if c))
    region = sender.country
    regions = (
        *language_regions([source, sender.language, *context.languages()]),
        settings.DEFAULT_PHONE_REGION,
    )
    read = {"region": region, "regions": regions, "languages": languages}
    with metrics.stage("safety"):
        verdict = text_verdict(message.text, previous=previous, **read)
        masked = ""
        if verdict.action == Action.FLAG and _conversation_young(message):
            verdict = text_verdict(message.text, previous=previous, mask_contacts=True, **read)
            if verdict.action == Action.MASK:
                masked = masked_text(message.text, verdict.findings)
    findings = tagged_findings(verdict, ORIGINAL)
    translations = []
    targets = context.reader_languages(exclude_user_id=message.sender_id)
    if verdict.action != Action.BLOCK and targets:
        # A masked message is translated masked: no translation can carry the detail.
        with metrics.stage("translation"):
            translations = translations_for(
                text=masked or message.text,
                source=source,
                targets=targets,
                glossary=context.terms(),
                context=CallContext(user_id=message.sender_id, message_id=message.pk),
                within_budget=not (set(targets) - {source} and budget_exceeded(message.sender_id)),
            )
        for translation in translations:
            if translation.status == DONE:
                seen = text_verdict(
                    translation.text,
                    region=region,
                    regions=regions,
                    languages=(translation.language,),
                )
                findings += tagged_findings(seen, f"translation:{translation.language}")
                verdict = stricter(verdict, seen)
    first_messages = (
        scoring_available()
        and sender_message_count(message) < settings.MODERATION_SCORE_FIRST_MESSAGES
    )
    with metrics.stage("scoring"):
        decision = final_decision(
            verdict,
            findings=findings,
            text=message.text,
            first_messages=first_messages,
            context=CallContext(user_id=message.sender_id, message_id=message.pk, purpose="score"),
            languages=languages,
        )
    metrics.VERDICTS.labels(str(decision.action), decision.reason or "none").inc()
    if decision.action != Action.MASK:
        masked = ""  # the score or strict mode made it stricter: held or blocked whole
    return Outcome(message, source, decision, translations, masked_text=masked)


def _conversation_young(message: Message) -> bool:
    """Whether the message is among its conversation's first MODERATION_MASK_FIRST_MESSAGES
    (asked only when a contact detail was found, so it costs a query only then)."""
    limit = settings.MODERATION_MASK_FIRST_MESSAGES
    if limit <= 0:
        return False
    earlier = Message.objects.filter(conversation_id=message.conversation_id, pk__lt=message.pk)
    return earlier.count() < limit


def sender_message_count(message: Message) -> int:
    return Message.objects.filter(
        conversation_id=message.conversation_id, sender_id=message.sender_id, pk__lt=message.pk
    ).count()


def pipeline_warm_up() -> None:
    """Load what the first message would otherwise wait for: the language detector's models
    and every safety detector's patterns (together several seconds, and most of a process's
    memory). A Celery worker calls it as it starts (xlate_site/celery.py); the embedded server
    queues it when it serves its first socket (chat/dispatch.py)."""
    preload_detector(settings.SUPPORTED_LANGUAGES)
    detectors.warm_up()
