"""Read-only questions about conversations and messages."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from chat.models import Block, Conversation, Message, Participant, Profile
from chat.payloads import deleted_payload, for_reader, message_payload
from chat.presence import presence_of


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


def conversation_ids_of(*, user_id: int) -> list[int]:
    """The ids of the conversations the user is in (presence is announced to them)."""
    return list(
        Participant.objects.filter(user_id=user_id).values_list("conversation_id", flat=True)
    )


# --- the client API's views (docs/client-api.md) -------------------------------------------
# Plain JSON-ready dicts (times as ISO strings): the HTTP answers are made from them, and so
# are the socket frames that carry the same shapes (`conversation.new`).

HISTORY_LIMIT_MAX = 100
# The most of a user's own unnumbered messages (pending, blocked, held…) one history page shows.
HISTORY_OWN_MAX = 100
# The most people the directory lists (it is a development and demo aid).
CONTACTS_MAX = 500


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _member(user: AbstractBaseUser, presence: tuple[bool, datetime | None]) -> dict[str, Any]:
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        profile = Profile()
    online, last_seen = presence
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": user.first_name,
        "avatar_url": profile.avatar_url,
        "language": profile.language,
        "online": online,
        "last_seen": _iso(last_seen),
    }


def member_views(*, user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Each user as the client API shows a person (`Member`, with presence), by id."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids).select_related("profile")
    presence = presence_of(ids)
    return {user.pk: _member(user, presence[user.pk]) for user in users}


def message_view(
    message: Message, *, reading: str | None, translations: Iterable | None = None
) -> dict[str, Any]:
    """One reader's view of a message (the socket's `message.new` payload, plus `reason` for
    the sender's own withheld messages). A number a moderator took back is an empty stub."""
    if message.status == Message.Status.REJECTED and message.seq is not None:
        view = for_reader(deleted_payload(message), language=None)
        view["deleted"] = False
    else:
        view = for_reader(message_payload(message, translations), language=reading)
    view["reason"] = message.reason if message.seq is None else ""
    return view


def _reading(participant: Participant) -> str | None:
    return participant.reading_language if participant.translate else None


def conversation_views(
    *, user: AbstractBaseUser, conversation_id: int | None = None
) -> list[dict[str, Any]]:
    """The user's conversations (or the one with `conversation_id`) as the client API lists
    them, the most recently active first. Six queries, however many conversations."""
    shown = Message.objects.filter(
        conversation=OuterRef("conversation_id"),
        status=Message.Status.DELIVERED,
        deleted_at__isnull=True,
    )
    latest = shown.order_by("-seq")
    unread = (
        shown.filter(seq__gt=OuterRef("last_read_seq"))
        .exclude(sender_id=user.pk)
        .order_by()
        .values("conversation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    mine = Participant.objects.filter(user=user).select_related("conversation", "user__profile")
    if conversation_id is not None:
        mine = mine.filter(conversation_id=conversation_id)
    mine = list(
        mine.annotate(
            unread=Coalesce(Subquery(unread), 0),
            last_message_id=Subquery(latest.values("pk")[:1]),
            active_at=Coalesce(
                Subquery(latest.values("created_at")[:1]), F("conversation__created_at")
            ),
        ).order_by("-active_at", "-conversation_id")
    )
    if not mine:
        return []
    others = list(
        Participant.objects.filter(conversation_id__in=[p.conversation_id for p in mine])
        .exclude(user=user)
        .select_related("user__profile")
        .order_by("conversation_id", "user_id")
    )
    presence = presence_of(p.user_id for p in others)
    last_messages = Message.objects.filter(pk__in=[p.last_message_id for p in mine])
    last_messages = {
        m.pk: m for m in last_messages.select_related("sender").prefetch_related("translations")
    }
    members: dict[int, list[dict[str, Any]]] = {}
    for other in others:
        member = _member(other.user, presence[other.user_id])
        member.update(delivered_seq=other.delivered_seq, read_seq=other.last_read_seq)
        members.setdefault(other.conversation_id, []).append(member)
    views = []
    for participant in mine:
        conversation = participant.conversation
        last = last_messages.get(participant.last_message_id)
        views.append(
            {
                "id": conversation.pk,
                "kind": conversation.kind,
                "title": conversation.title,
                "closed": conversation.closed_at is not None,
                "closed_reason": conversation.closed_reason,
                "last_seq": conversation.last_seq,
                "read_seq": participant.last_read_seq,
                "unread": participant.unread,
                "translate": participant.translate,
                "language": participant.reading_language,
                "last_message": (
                    message_view(last, reading=_reading(participant)) if last else None
                ),
                "members": members.get(conversation.pk, []),
            }
        )
    return views


def conversation_view(*, user: AbstractBaseUser, conversation_id: int) -> dict[str, Any] | None:
    """One of the user's conversations as the client API shows it; None when not a member."""
    views = conversation_views(user=user, conversation_id=conversation_id)
    return views[0] if views else None


def history_page(
    *, user: AbstractBaseUser, conversation_id: int, before: int | None, limit: int
) -> dict[str, Any] | None:
    """A page of the user's view of a conversation, oldest first: `limit` numbered messages
    before `before` (default: the latest), and among them, by time, the user's own messages
    that have no number (so a reload shows a blocked or pending one where it was). None when
    the user is not a member. Five queries."""
    participant = participant_get(user=user, conversation_id=conversation_id)
    if participant is None:
        return None
    numbered = Message.objects.filter(
        conversation_id=conversation_id, status__in=NUMBERED, seq__isnull=False
    )
    if before is not None:
        numbered = numbered.filter(seq__lt=before)
    page = list(
        numbered.select_related("sender")
        .prefetch_related("translations")
        .order_by("-seq")[: limit + 1]
    )
    more = len(page) > limit
    page = page[:limit][::-1]
    # The page covers the time from its oldest message (everything before, on the last page)
    # up to the next numbered message (nothing after it, on the latest page).
    own = Message.objects.filter(
        conversation_id=conversation_id, sender_id=user.pk, seq__isnull=True
    ).exclude(status=Message.Status.DELIVERED)
    if more:
        own = own.filter(created_at__gte=page[0].created_at)
    if before is not None:
        upper = (
            Message.objects.filter(
                conversation_id=conversation_id, seq__gte=before, status__in=NUMBERED
            )
            .order_by("seq")
            .values_list("created_at", flat=True)
            .first()
        )
        if upper is not None:
            own = own.filter(created_at__lt=upper)
    own = list(own.select_related("sender").order_by("-created_at", "-pk")[:HISTORY_OWN_MAX])[::-1]
    reading = _reading(participant)
    messages: list[dict[str, Any]] = []
    waiting = iter(own)
    pending = next(waiting, None)
    for message in page:
        while pending is not None and (pending.created_at, pending.pk) < (
            message.created_at,
            message.pk,
        ):
            messages.append(message_view(pending, reading=None, translations=()))
            pending = next(waiting, None)
        messages.append(message_view(message, reading=reading))
    while pending is not None:
        messages.append(message_view(pending, reading=None, translations=()))
        pending = next(waiting, None)
    return {"messages": messages, "more": more}


def blocked_between(a_id: int, b_id: int) -> bool:
    """Whether either of the two users blocked the other."""
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def person_known(*, viewer: AbstractBaseUser, user_id: int) -> bool:
    """Whether the viewer knows of the person: they share a conversation, or the directory is
    on and the person is in it."""
    if Participant.objects.filter(
        user_id=user_id, conversation__participants__user_id=viewer.pk
    ).exists():
        return True
    return settings.CHAT_DIRECTORY and _directory().filter(pk=user_id).exists()


def person_visible(*, viewer: AbstractBaseUser, user_id: int) -> bool:
    """Whether the viewer may see the person's profile (their bio): a person they know of
    who has not blocked them."""
    if Block.objects.filter(blocker_id=user_id, blocked_id=viewer.pk).exists():
        return False
    return person_known(viewer=viewer, user_id=user_id)


def _directory() -> QuerySet:
    return get_user_model().objects.filter(is_active=True, profile__isnull=False)


def contacts_for(*, user: AbstractBaseUser) -> list[dict[str, Any]]:
    """The people the user may start a conversation with (the directory, CHAT_DIRECTORY):
    every active user with a profile but the user and those blocked either way; none when
    the directory is off."""
    if not settings.CHAT_DIRECTORY:
        return []
    people = list(
        _directory()
        .exclude(pk=user.pk)
        .exclude(blocks_received__blocker=user)
        .exclude(blocks_made__blocked=user)
        .select_related("profile")
        .order_by("username")[:CONTACTS_MAX]
    )
    presence = presence_of(person.pk for person in people)
    return [_member(person, presence[person.pk]) for person in people]


def blocks_of(*, user: AbstractBaseUser) -> list[dict[str, Any]]:
    """The people the user blocked, the latest first."""
    blocks = list(
        Block.objects.filter(blocker=user)
        .select_related("blocked__profile")
        .order_by("-created_at", "-pk")
    )
    presence = presence_of(block.blocked_id for block in blocks)
    return [
        {
            "user": _member(block.blocked, presence[block.blocked_id]),
            "created_at": _iso(block.created_at),
        }
        for block in blocks
    ]
