"""Translations that come after delivery: background retries of those every provider failed,
and backfill of recent messages for a reader who just turned translation on. Readers get each
as message.update."""

from django.conf import settings
from django.db import transaction

from chat.broadcast import broadcast_on_commit, conversation_group, user_group
from chat.context import conversation_context
from chat.dispatch import enqueue
from chat.models import Message, MessageTranslation, Participant
from chat.payloads import message_payload
from translation.engine import CallContext
from translation.services import DONE, Translation, source_language_of, translation_into


def translation_retry_schedule(message_id: int, *, attempt: int) -> None:
    """Queue attempt number `attempt` at a message's unavailable translations, on commit."""
    delays = settings.TRANSLATION_RETRY_DELAYS
    if attempt < len(delays):
        transaction.on_commit(
            lambda: enqueue(
                "chat.retry_translations",
                countdown=delays[attempt],
                message_id=message_id,
                attempt=attempt,
            )
        )


def _terms(conversation_id: int) -> list[str]:
    context = conversation_context(conversation_id=conversation_id)
    return context.terms() if context is not None else []


def _store(message: Message, result: Translation) -> None:
    MessageTranslation.objects.update_or_create(
        message=message,
        language=result.language,
        defaults={
            "status": DONE,
            "reason": "",
            "text": result.text,
            "provider": result.provider,
            "model": result.model,
            "from_cache": result.from_cache,
            "cost_usd": result.cost_usd,
        },
    )


def message_translations_retry(*, message_id: int, attempt: int) -> int:
    """Try the unavailable translations of a delivered message again; readers get each one
    that arrives as message.update. Returns how many arrived."""
    message = (
        Message.objects.select_related("sender")
        .filter(pk=message_id, status=Message.Status.DELIVERED)
        .first()
    )
    if message is None:
        return 0
    missing = list(message.translations.filter(status=MessageTranslation.Status.UNAVAILABLE))
    if not missing:
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
    arrived = [r for r in results if r.status == DONE]
    with transaction.atomic():
        for result in arrived:
            _store(message, result)
        if arrived:
            broadcast_on_commit(
                conversation_group(message.conversation_id),
                {"type": "chat.update", "message": message_payload(message)},
            )
        if len(arrived) < len(missing) and any(r.retryable for r in results if r.status != DONE):
            translation_retry_schedule(message.pk, attempt=attempt + 1)
    return len(arrived)


def participant_backfill(*, participant_id: int) -> int:
    """Translate the last messages of a conversation for a reader who just opted in, and
    push each as message.update to that reader. Returns how many were pushed."""
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
            context=CallContext(message_id=message.pk, purpose="backfill"),
        )
        if result.status != DONE:
            continue
        with transaction.atomic():
            _store(message, result)
            broadcast_on_commit(
                user_group(participant.user_id),
                {"type": "chat.update", "message": message_payload(message)},
            )
        pushed += 1
    return pushed


def _source_of(message: Message) -> str:
    """The language of a message delivered when nobody needed it translated (the pipeline
    detects it only when a reader opted in), detected now and kept."""
    from_profile = getattr(getattr(message.sender, "profile", None), "language", "")
    source = source_language_of(message.text, fallback=from_profile or "en")
    Message.objects.filter(pk=message.pk).update(source_language=source)
    message.source_language = source
    return source
