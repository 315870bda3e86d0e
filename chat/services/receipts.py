"""Receipts: how far each member's devices have received a conversation, and how far they
have read it. Numbers only move forward; every move reaches the conversation's sockets."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, F, PositiveBigIntegerField, Q, Value, When

from chat.broadcast import broadcast_on_commit, conversation_group
from chat.errors import ClientError
from chat.models import Participant
from chat.selectors import participant_get


def receipt_mark(
    *, user: AbstractBaseUser, conversation_id: int, seq: int, read: bool
) -> Participant:
    """Record that the user received (and, with `read`, read) the conversation up to `seq`.
    A number past the conversation's last is read as the last; a lower one changes nothing."""
    participant = participant_get(user=user, conversation_id=conversation_id)
    if participant is None:
        raise ClientError("not_a_member", "no such conversation, or you are not in it")
    seq = min(seq, participant.conversation.last_seq)
    behind = Q(delivered_seq__lt=seq) | (Q(last_read_seq__lt=seq) if read else Q(pk__in=[]))
    changes = {"delivered_seq": _at_least("delivered_seq", seq)}
    if read:
        changes["last_read_seq"] = _at_least("last_read_seq", seq)
    with transaction.atomic():
        moved = Participant.objects.filter(behind, pk=participant.pk).update(**changes)
        participant.refresh_from_db(fields=["delivered_seq", "last_read_seq"])
        if moved:
            broadcast_on_commit(
                conversation_group(conversation_id),
                {
                    "type": "chat.receipt",
                    "conversation": conversation_id,
                    "user": user.pk,
                    "delivered_seq": participant.delivered_seq,
                    "read_seq": participant.last_read_seq,
                },
            )
    return participant


def _at_least(field: str, seq: int) -> Case:
    """The column raised to `seq` if it is below (GREATEST, on every database)."""
    return Case(
        When(**{f"{field}__lt": seq}, then=Value(seq)),
        default=F(field),
        output_field=PositiveBigIntegerField(),
    )


def receipts_of(*, conversation_id: int, exclude_user_id: int) -> list[dict]:
    """The other members' receipts, as the `subscribed` frame carries them."""
    rows = (
        Participant.objects.filter(conversation_id=conversation_id)
        .exclude(user_id=exclude_user_id)
        .values_list("user_id", "delivered_seq", "last_read_seq")
        .order_by("user_id")
    )
    return [{"user": u, "delivered_seq": d, "read_seq": r} for u, d, r in rows]
