"""Blocks: a member who does not want to hear from another. Their direct conversations close
for both (`conversation.closed`, reason `blocked`), and neither can open a new one with the
other, through the directory or a host app's match, while the block stands."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from chat.errors import ClientError
from chat.models import Block, Conversation
from chat.selectors import blocked_between, person_known
from chat.services.conversations import conversation_close

__all__ = ["blocked_between", "block_remove", "check_block_create"]


def check_block_create(*, user: AbstractBaseUser, blocked_user_id: int) -> Block:
    """Block someone the user knows of (they share a conversation, or the person is in the
    directory), and close every direct conversation the two share; a group stays open for its
    other members. Blocking again returns the first block."""
    if blocked_user_id == user.pk or not person_known(viewer=user, user_id=blocked_user_id):
        raise ClientError("not_found", "no such person")
    with transaction.atomic():
        block, _ = Block.objects.get_or_create(blocker=user, blocked_id=blocked_user_id)
        shared = (
            Conversation.objects.filter(
                kind=Conversation.Kind.DIRECT, closed_at__isnull=True, participants__user=user
            )
            .filter(participants__user_id=blocked_user_id)
            .order_by("pk")
        )
        for conversation in shared:
            conversation_close(conversation=conversation, reason=Conversation.CloseReason.BLOCKED)
    return block


def block_remove(*, user: AbstractBaseUser, blocked_user_id: int) -> None:
    """Lift the user's block of someone (if any). Conversations it closed stay closed: a new
    one can be opened."""
    Block.objects.filter(blocker=user, blocked_id=blocked_user_id).delete()
