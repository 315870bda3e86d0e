"""Read-only questions about conversations and messages."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from chat.models import Conversation, Message, Participant


def participant_get(*, user: AbstractBaseUser, conversation_id: int) -> Participant | None:
    """The user's membership in the conversation, or None when they are not in it."""
    return (
        Participant.objects.select_related("user__profile", "conversation")
        .filter(user=user, conversation_id=conversation_id)
        .first()
    )


def conversations_for_user(*, user: AbstractBaseUser) -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(participants__user=user)
        .prefetch_related("participants__user__profile")
        .order_by("-last_seq", "-created_at")
    )


def messages_delivered_after(*, conversation_id: int, since: int, limit: int) -> list[Message]:
    """Delivered messages after sequence number `since`, oldest first."""
    return list(
        Message.objects.filter(
            conversation_id=conversation_id,
            status=Message.Status.DELIVERED,
            seq__gt=since,
        )
        .select_related("sender")
        .prefetch_related("translations")
        .order_by("seq")[:limit]
    )


def reader_languages(*, conversation_id: int, exclude_user_id: int) -> set[str]:
    """Reading languages of the members who opted in to translation, the sender excluded."""
    readers = Participant.objects.filter(conversation_id=conversation_id, translate=True).exclude(
        user_id=exclude_user_id
    )
    return {reader.reading_language for reader in readers.select_related("user__profile")}


def member_ids(*, conversation_id: int) -> Iterable[int]:
    return Participant.objects.filter(conversation_id=conversation_id).values_list(
        "user_id", flat=True
    )


def conversation_glossary(*, conversation_id: int) -> list[str]:
    """Words translation keeps as written: the conversation's glossary and its members' names."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return []
    names = Participant.objects.filter(conversation_id=conversation_id).values_list(
        "user__username", "user__first_name"
    )
    terms = {str(term) for term in conversation.glossary if term}
    terms.update(name for pair in names for name in pair if name)
    return sorted(terms)
