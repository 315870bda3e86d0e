"""Conversations, their members, and each member's reading settings."""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from chat.broadcast import broadcast_on_commit, user_group
from chat.dispatch import enqueue
from chat.errors import ClientError
from chat.models import Conversation, Participant
from chat.selectors import participant_get


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
