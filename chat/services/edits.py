"""Edits and deletions of a delivered message by its sender.

An edit is a new text that nobody sees before it has passed the same safety check and
translation as a new message (chat.services.pipeline.message_outcome): it is stored as a
pending MessageEdit, checked by a background job, and then either applied (every reader gets
message.update) or withheld (the sender alone is told; the message stays as it was, and a
moderator gets a case). Every version is kept for moderators: the original, each edit with its
verdict, and the text a deletion removed.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat.broadcast import broadcast_on_commit, conversation_group
from chat.context import conversation_context
from chat.dispatch import enqueue
from chat.errors import ClientError
from chat.models import Message, MessageEdit, MessageTranslation
from chat.payloads import message_payload
from chat.services.delivery import sender_notice, translation_rows
from chat.services.pipeline import message_outcome
from chat.services.submission import (
    message_rate_check,
    message_text_check,
    sender_standing_check,
)
from chat.services.translations import translation_retry_schedule
from moderation.cases import audit, case_open_for_edit
from moderation.models import AuditEvent, Standing
from moderation.policy import Action
from translation.services import UNAVAILABLE, Translation


def _own_message(*, user: AbstractBaseUser, message_id: int) -> Message:
    """The user's own delivered message, locked until commit."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("conversation")
        .filter(pk=message_id, sender_id=user.pk, status=Message.Status.DELIVERED)
        .first()
    )
    if message is None:
        raise ClientError("not_your_message", "no such message of yours that was delivered")
    return message


def check_message_edit(*, user: AbstractBaseUser, message_id: int, text: str) -> MessageEdit:
    """Ask for a new text of the user's own delivered message; the check runs in the
    background and the outcome reaches the sockets."""
    message_text_check(text)
    sender_standing_check(Standing.objects.filter(user_id=user.pk).first())
    with transaction.atomic():
        message = _own_message(user=user, message_id=message_id)
        if message.deleted_at is not None:
            raise ClientError("message_deleted", "the message was deleted")
        if message.conversation.closed_at is not None:
            raise ClientError("conversation_closed", "this conversation is closed")
        if timezone.now() - message.created_at > timedelta(seconds=settings.CHAT_EDIT_WINDOW):
            raise ClientError("edit_window_closed", "this message is too old to edit")
        if text == message.text:
            raise ClientError("unchanged", "the new text is the same as the current one")
        message_rate_check(user.pk)  # an edit is a message as far as flooding goes
        if not message.edits.exists():
            MessageEdit.objects.create(
                message=message,
                kind=MessageEdit.Kind.ORIGINAL,
                text=message.text,
                status=MessageEdit.Status.APPLIED,
            )
        edit = MessageEdit.objects.create(message=message, kind=MessageEdit.Kind.EDIT, text=text)
        transaction.on_commit(lambda: enqueue("chat.check_edit", edit_id=edit.pk))
    return edit


def check_message_delete(*, user: AbstractBaseUser, message_id: int) -> Message:
    """Delete the user's own delivered message for everyone: readers get a stub in its place;
    the text stays, as a version, for moderators."""
    with transaction.atomic():
        message = _own_message(user=user, message_id=message_id)
        if message.deleted_at is not None:
            return message
        MessageEdit.objects.create(
            message=message,
            kind=MessageEdit.Kind.DELETION,
            text=message.text,
            status=MessageEdit.Status.APPLIED,
        )
        MessageEdit.objects.filter(message=message, status=MessageEdit.Status.PENDING).update(
            status=MessageEdit.Status.SUPERSEDED
        )
        message.deleted_at = timezone.now()
        message.save(update_fields=["deleted_at"])
        audit(AuditEvent.Action.DELETE, message=message)
        message_changed(message)
    return message


def message_edit_process(*, edit_id: int) -> str:
    """Check and translate a pending edit, then apply or withhold it. Safe to repeat: an edit
    that is no longer pending is left as it is. Returns the edit's status."""
    edit = MessageEdit.objects.select_related("message__sender").filter(pk=edit_id).first()
    if edit is None or edit.status != MessageEdit.Status.PENDING:
        return edit.status if edit else "gone"
    message = edit.message
    context = conversation_context(conversation_id=message.conversation_id)
    if context is None:
        return edit.status
    candidate = Message(
        pk=message.pk,
        conversation_id=message.conversation_id,
        sender=message.sender,
        client_id=message.client_id,
        text=edit.text,
        created_at=message.created_at,
    )
    # The window the message itself was read with: counted back from when it was sent.
    since = message.created_at - timedelta(seconds=settings.MODERATION_CONTEXT_SECONDS)
    previous = list(
        Message.objects.filter(
            conversation_id=message.conversation_id,
            sender_id=message.sender_id,
            pk__lt=message.pk,
            created_at__gte=since,
        )
        .order_by("-pk")
        .values_list("text", flat=True)[: settings.MODERATION_CONTEXT_MESSAGES]
    )[::-1]
    outcome = message_outcome(candidate, context, previous=previous)
    with transaction.atomic():
        message = Message.objects.select_for_update(of=("self",)).get(pk=message.pk)
        edit = MessageEdit.objects.select_for_update().get(pk=edit_id)
        if edit.status != MessageEdit.Status.PENDING or message.deleted_at is not None:
            return edit.status
        decision = outcome.decision
        edit.findings = decision.findings
        edit.reason = decision.reason
        if decision.withheld:
            edit.status = (
                MessageEdit.Status.BLOCKED
                if decision.action == Action.BLOCK
                else MessageEdit.Status.HELD
            )
            edit.save(update_fields=["status", "findings", "reason"])
            case_open_for_edit(message=message, edit=edit, verdict=str(decision.action))
            event = "message.edit_blocked" if edit.status == "blocked" else "message.edit_held"
            sender_notice(message, event, edit=edit.pk, reason=decision.reason)
            return edit.status
        edit_apply(
            message=message,
            edit=edit,
            source=outcome.source_language,
            translations=outcome.translations,
            masked_text=outcome.masked_text,
        )
        if decision.action != Action.ALLOW:
            case_open_for_edit(message=message, edit=edit, verdict=str(decision.action))
    return edit.status


def edit_apply(
    *,
    message: Message,
    edit: MessageEdit,
    source: str,
    translations: Sequence[Translation],
    masked_text: str = "",
) -> None:
    """Make `edit` the message's text, with its translations (of `masked_text` when the check
    masked a contact detail), and tell every reader. Call inside a transaction that holds
    both rows."""
    MessageEdit.objects.filter(message=message, status=MessageEdit.Status.APPLIED).exclude(
        kind=MessageEdit.Kind.DELETION
    ).update(status=MessageEdit.Status.SUPERSEDED)
    edit.status = MessageEdit.Status.APPLIED
    edit.save(update_fields=["status", "findings", "reason"])
    message.text = edit.text
    message.masked_text = masked_text
    message.source_language = source
    message.edited_at = timezone.now()
    message.save(update_fields=["text", "masked_text", "source_language", "edited_at"])
    MessageTranslation.objects.filter(message=message).delete()
    MessageTranslation.objects.bulk_create(translation_rows(message, translations))
    audit(AuditEvent.Action.EDIT, message=message, edit=edit.pk)
    if any(t.status == UNAVAILABLE and t.retryable for t in translations):
        translation_retry_schedule(message.pk, attempt=0)
    message_changed(message)


def edits_requeue_stale(*, older_than_seconds: int | None = None) -> int:
    """The sweep for edits: hand those still pending after PIPELINE_STALE_SECONDS (a lost
    job, a broker outage) to the check again. Returns how many."""
    # Edits carry no worker's claim: only the pipeline's time limit proves one lost.
    seconds = older_than_seconds
    if seconds is None:
        seconds = max(settings.PIPELINE_STALE_SECONDS, settings.CELERY_TASK_TIME_LIMIT)
    cutoff = timezone.now() - timedelta(seconds=seconds)
    ids = list(
        MessageEdit.objects.filter(status=MessageEdit.Status.PENDING, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for edit_id in ids:
        enqueue("chat.check_edit", edit_id=edit_id)
    return len(ids)


def message_changed(message: Message) -> None:
    """Every reader replaces what they show of the message (after commit)."""
    message = Message.objects.select_related("sender").get(pk=message.pk)
    broadcast_on_commit(
        conversation_group(message.conversation_id),
        {"type": "chat.changed", "message": message_payload(message)},
    )
