"""Where a message is born, moves through its states, and is broadcast."""

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from chat import ratelimit
from chat.broadcast import broadcast_on_commit, conversation_group, user_group
from chat.dispatch import enqueue_pipeline
from chat.errors import ClientError
from chat.models import Conversation, Message, MessageTranslation, Participant, Profile
from chat.payloads import message_payload
from chat.selectors import participant_get, reader_languages
from moderation.policy import Action, Verdict, check_text
from translation.services import translations_for

logger = logging.getLogger(__name__)

CLIENT_ID_MAX = 64


def conversation_start(
    *,
    users: Sequence[AbstractBaseUser],
    kind: str = Conversation.Kind.DIRECT,
    title: str = "",
) -> Conversation:
    """Create a conversation with the given members (a direct one has exactly two)."""
    if kind == Conversation.Kind.DIRECT and len({u.pk for u in users}) != 2:
        raise ValueError("a direct conversation has exactly two members")
    with transaction.atomic():
        conversation = Conversation.objects.create(kind=kind, title=title)
        Participant.objects.bulk_create(
            [Participant(conversation=conversation, user=user) for user in users]
        )
    return conversation


def profile_ensure(*, user: AbstractBaseUser) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def check_message_submit(
    *, user: AbstractBaseUser, conversation_id: int, client_id: str, text: str
) -> tuple[Message, bool]:
    """Validate and store a submission as pending; returns (message, created).

    Idempotent on (sender, client_id): a repeat returns the first message and queues nothing.
    """
    if not client_id or len(client_id) > CLIENT_ID_MAX:
        raise ClientError("invalid_field", f"client_id must be 1 to {CLIENT_ID_MAX} characters")
    existing = Message.objects.filter(sender=user, client_id=client_id).first()
    if existing is not None:
        if existing.conversation_id != conversation_id:
            raise ClientError("client_id_reused", "client_id was used for another conversation")
        return existing, False
    if not text.strip():
        raise ClientError("empty_message", "the message text is empty")
    if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
        raise ClientError(
            "message_too_long",
            f"the message is longer than {settings.CHAT_MAX_MESSAGE_CHARS} characters",
        )
    if participant_get(user=user, conversation_id=conversation_id) is None:
        raise ClientError("not_a_member", "no such conversation, or you are not in it")
    if not ratelimit.hit("message", user.pk, rate=settings.CHAT_RATE_LIMIT):
        raise ClientError("rate_limited", "too many messages; slow down")
    return do_message_submit(
        user=user, conversation_id=conversation_id, client_id=client_id, text=text
    )


def do_message_submit(
    *, user: AbstractBaseUser, conversation_id: int, client_id: str, text: str
) -> tuple[Message, bool]:
    try:
        with transaction.atomic():
            message = Message.objects.create(
                conversation_id=conversation_id, sender=user, client_id=client_id, text=text
            )
            transaction.on_commit(lambda: enqueue_pipeline(message.pk))
    except IntegrityError:
        # The same client id raced in on another connection: the first one wins.
        return Message.objects.get(sender=user, client_id=client_id), False
    return message, True


def message_ids_pending(*, older_than_seconds: int) -> list[int]:
    """Ids of messages still waiting for the pipeline, oldest first."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Message.objects.filter(status=Message.Status.PENDING, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def message_process(*, message_id: int) -> Message | None:
    """Run the delivery pipeline for one message and give it its final state.

    Safe to run more than once: a message that is no longer pending is left as it is.
    """
    message = Message.objects.select_related("sender__profile").filter(pk=message_id).first()
    if message is None or message.status != Message.Status.PENDING:
        return message
    profile = profile_ensure(user=message.sender)
    region = profile.country or settings.DEFAULT_PHONE_REGION
    source = profile.language
    verdict = check_text(message.text, region=region)
    translations = []
    if verdict.action != Action.BLOCK:
        targets = reader_languages(
            conversation_id=message.conversation_id, exclude_user_id=message.sender_id
        )
        translations = translations_for(text=message.text, source=source, targets=targets)
        # A translation can spell out what the original hid; the strictest verdict wins.
        for translation in translations:
            verdict = _stricter(verdict, check_text(translation.text, region=region))
    return do_message_finalize(
        message_id=message_id, source=source, verdict=verdict, translations=translations
    )


def _stricter(current: Verdict, other: Verdict) -> Verdict:
    rank = {Action.ALLOW: 0, Action.FLAG: 1, Action.BLOCK: 2}
    return other if rank[other.action] > rank[current.action] else current


def do_message_finalize(*, message_id: int, source: str, verdict: Verdict, translations) -> Message:
    """The one transaction that gives a message its final state, and its broadcast."""
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("sender").get(pk=message_id)
        if message.status != Message.Status.PENDING:
            return message
        message.source_language = source
        message.findings = [finding.to_dict() for finding in verdict.findings]
        message.reason = verdict.reason
        message.finalized_at = timezone.now()
        if verdict.action == Action.BLOCK:
            message.status = Message.Status.BLOCKED
            message.save()
            broadcast_on_commit(
                user_group(message.sender_id),
                {
                    "type": "chat.notice",
                    "frame": {
                        "type": "message.blocked",
                        "conversation": message.conversation_id,
                        "id": message.pk,
                        "client_id": message.client_id,
                        "reason": verdict.reason,
                    },
                },
            )
            return message
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        conversation.last_seq += 1
        conversation.save(update_fields=["last_seq"])
        message.seq = conversation.last_seq
        message.status = Message.Status.DELIVERED
        message.save()
        MessageTranslation.objects.bulk_create(
            [
                MessageTranslation(
                    message=message,
                    language=t.language,
                    text=t.text,
                    provider=t.provider,
                    model=t.model,
                    from_cache=t.from_cache,
                )
                for t in translations
            ]
        )
        broadcast_on_commit(
            conversation_group(message.conversation_id),
            {"type": "chat.message", "message": message_payload(message)},
        )
    return message


def check_translation_set(
    *, user: AbstractBaseUser, conversation_id: int, enabled: bool, language: str | None
) -> Participant:
    """Turn translation on or off for this reader in this conversation, and say so to them."""
    if language is not None and language not in settings.SUPPORTED_LANGUAGES:
        raise ClientError(
            "unsupported_language",
            f"language must be one of {', '.join(settings.SUPPORTED_LANGUAGES)}",
        )
    participant = participant_get(user=user, conversation_id=conversation_id)
    if participant is None:
        raise ClientError("not_a_member", "no such conversation, or you are not in it")
    with transaction.atomic():
        participant.translate = enabled
        if language is not None:
            participant.language = language
        participant.save(update_fields=["translate", "language"])
        broadcast_on_commit(
            user_group(user.pk),
            {
                "type": "chat.settings",
                "conversation": conversation_id,
                "translate": participant.translate,
                "language": participant.reading_language,
            },
        )
    return participant
