"""Conversations, their members, and each member's reading settings."""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat.broadcast import broadcast_on_commit, user_group
from chat.dispatch import enqueue
from chat.errors import ClientError
from chat.models import Conversation, Message, Participant
from chat.selectors import participant_get
from moderation.models import ModerationCase


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
        # save() also tells the conversation's cached context (chat/context.py).
        participant.save(update_fields=["translate", "language"])
        if enabled:
            transaction.on_commit(
                lambda: enqueue("chat.backfill_translations", participant_id=participant.pk)
            )
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


def closed_history_purge() -> int:
    """Delete the messages of conversations closed more than CLOSED_CONVERSATION_RETENTION_DAYS
    ago (0 keeps them). A message a pending moderation case needs stays until it is decided;
    decided cases, reports and the audit trail keep their records without it. The
    conversation and its members stay (the match is still known). Returns how many went."""
    days = settings.CLOSED_CONVERSATION_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    under_review = ModerationCase.objects.filter(
        status=ModerationCase.Status.PENDING, message__isnull=False
    ).values("message_id")
    purged = Message.objects.filter(conversation__closed_at__lte=cutoff).exclude(
        pk__in=under_review
    )
    deleted, by_model = purged.delete()
    return by_model.get(Message._meta.label, 0)
