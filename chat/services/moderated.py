"""What a moderator's decision does to a message: release (a held or blocked message is
delivered now) or retraction (a delivered one leaves every screen). Called by the moderation
actions in moderation/services.py, which audit the decision."""

from django.db import transaction

from chat.broadcast import broadcast_on_commit, conversation_group
from chat.context import conversation_context
from chat.models import Message
from chat.payloads import retracted_payload
from chat.services.delivery import message_deliver_now, sender_notice
from translation.services import UNAVAILABLE, Translation


def message_release(*, message_id: int) -> Message:
    """Deliver a held or blocked message now with the conversation's next number.
    Translations it lacks for the current readers follow as message.update."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("sender")
            .get(pk=message_id)
        )
        if message.status not in (Message.Status.HELD, Message.Status.BLOCKED):
            return message
        have = set(message.translations.values_list("language", flat=True))
        context = conversation_context(conversation_id=message.conversation_id)
        targets = context.reader_languages(exclude_user_id=message.sender_id) if context else set()
        wanted = sorted(targets - have - {message.source_language})
        placeholders = [
            Translation(language, UNAVAILABLE, reason="pending", retryable=True)
            for language in wanted
        ]
        message_deliver_now(message=message, placeholders=placeholders)
    return message


def message_retract(*, message_id: int) -> Message:
    """Take a message back from everyone's screen (a moderator rejected it)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status == Message.Status.DELIVERED:
            message.status = Message.Status.REJECTED
            message.save(update_fields=["status"])
            broadcast_on_commit(
                conversation_group(message.conversation_id),
                {"type": "chat.retract", "message": retracted_payload(message)},
            )
        elif message.status == Message.Status.HELD:
            message.status = Message.Status.REJECTED
            message.save(update_fields=["status"])
            sender_notice(message, "message.rejected", reason=message.reason)
    return message
