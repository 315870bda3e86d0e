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


# The states a numbered message can be in: readers get a rejected one as an empty stub, so the
# numbers they see stay 1, 2, 3 … with no holes.
NUMBERED = (Message.Status.DELIVERED, Message.Status.REJECTED)


def messages_numbered(
    *, conversation_id: int, after: int, before: int | None = None, limit: int
) -> list[Message]:
    """Numbered messages with `after` < seq < `before`, oldest first."""
    messages = Message.objects.filter(
        conversation_id=conversation_id, seq__gt=after, status__in=NUMBERED
    )
    if before is not None:
        messages = messages.filter(seq__lt=before)
    return list(
        messages.select_related("sender").prefetch_related("translations").order_by("seq")[:limit]
    )


def conversations_last_seq(*, conversation_ids: Iterable[int]) -> dict[int, int]:
    """The latest sequence number of each conversation."""
    return dict(
        Conversation.objects.filter(pk__in=list(conversation_ids)).values_list("pk", "last_seq")
    )
