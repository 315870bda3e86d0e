"""Conversations, their members, and each member's reading settings."""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat.broadcast import broadcast_on_commit, user_group
from chat.dispatch import enqueue
from chat.errors import ClientError
from chat.models import Conversation, Message, Participant, Profile
from chat.selectors import blocked_between, conversation_view, participant_get
from chat.services import webhooks
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


def conversation_announce(*, conversation: Conversation) -> None:
    """Tell every member's sockets, after commit, that they have a new conversation
    (`conversation.new`, each with their own view of it)."""
    members = conversation.participants.select_related("user").order_by("user_id")
    for participant in members:
        view = conversation_view(user=participant.user, conversation_id=conversation.pk)
        frame = {"type": "conversation.new", "conversation": view}
        broadcast_on_commit(
            user_group(participant.user_id), {"type": "chat.notice", "frame": frame}
        )


def check_conversation_open(
    *, user: AbstractBaseUser, other_user_id: int
) -> tuple[Conversation, bool]:
    """Start a direct conversation with someone from the directory (CHAT_DIRECTORY), or find
    the open one the two already have; returns (conversation, created)."""
    if not settings.CHAT_DIRECTORY:
        raise ClientError("directory_off", "starting conversations is not enabled here")
    other = (
        get_user_model()
        .objects.filter(pk=other_user_id, is_active=True, profile__isnull=False)
        .exclude(pk=user.pk)
        .first()
    )
    if other is None:
        raise ClientError("not_found", "no such person in the directory")
    if blocked_between(user.pk, other.pk):
        raise ClientError("blocked", "one of you blocked the other")
    with transaction.atomic():
        # Both profiles locked in a fixed order: two requests for the same pair, in either
        # direction, open one conversation.
        Profile.objects.get_or_create(user=user)
        list(
            Profile.objects.select_for_update()
            .filter(user_id__in=[user.pk, other.pk])
            .order_by("pk")
        )
        existing = (
            Conversation.objects.filter(
                kind=Conversation.Kind.DIRECT, closed_at__isnull=True, participants__user=user
            )
            .filter(participants__user=other)
            .order_by("-pk")
            .first()
        )
        if existing is not None:
            return existing, False
        conversation = conversation_start(users=[user, other])
        conversation_announce(conversation=conversation)
    return conversation, True


def conversation_close(*, conversation: Conversation, reason: str) -> Conversation:
    """Close a conversation (an unmatch, a block): members keep the history and are told at
    once; nobody can send any more. Closing again changes nothing."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.closed_at is not None:
            return conversation
        conversation.closed_at = timezone.now()
        conversation.closed_reason = reason
        conversation.save(update_fields=["closed_at", "closed_reason"])
        frame = {"type": "conversation.closed", "conversation": conversation.pk, "reason": reason}
        members = list(conversation.participants.values_list("user_id", flat=True))
        for user_id in members:
            broadcast_on_commit(user_group(user_id), {"type": "chat.notice", "frame": frame})
        webhooks.event_emit(
            "conversation.closed",
            {
                "conversation": webhooks.conversation_ref(conversation.pk),
                "members": [webhooks.user_ref(user_id) for user_id in members],
                "reason": reason,
            },
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
