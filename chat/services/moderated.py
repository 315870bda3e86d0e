"""What a moderator's decision does to a message: release (a held or blocked message is
delivered now) or retraction (a delivered one leaves every screen). Called by the moderation
actions in moderation/services.py, which audit the decision."""

from collections.abc import Sequence

from django.db import transaction

from chat.broadcast import broadcast_on_commit, conversation_group
from chat.context import conversation_context
from chat.models import Message, MessageEdit, MessageTranslation
from chat.payloads import retracted_payload
from chat.services.delivery import message_deliver_now, sender_notice, translation_rows
from chat.services.edits import edit_apply, message_changed
from chat.services.translations import translation_retry_schedule
from translation.engine import CallContext
from translation.services import UNAVAILABLE, Translation, source_language_of, translations_for

WITHHELD_EDITS = (MessageEdit.Status.HELD, MessageEdit.Status.BLOCKED)


def release_translations(*, message_id: int) -> list[Translation]:
    """The translations a held or blocked message lacks for its conversation's readers, made
    now (cache first), before a moderator's release delivers it: readers get it translated at
    once. Call outside a transaction: a provider may take seconds."""
    message = Message.objects.select_related("sender__profile").filter(pk=message_id).first()
    if message is None:
        return []
    masked = message.status == Message.Status.DELIVERED and bool(message.masked_text)
    if not masked and message.status not in (Message.Status.HELD, Message.Status.BLOCKED):
        return []
    context = conversation_context(conversation_id=message.conversation_id)
    if context is None:
        return []
    targets = context.reader_languages(exclude_user_id=message.sender_id)
    # A masked message's translations are of the masked text: all are made again.
    have = set() if masked else set(message.translations.values_list("language", flat=True))
    profile = getattr(message.sender, "profile", None)
    source = message.source_language
    if not source:
        # Blocked before any reader needed it: its language was never detected; keep it now.
        source = source_language_of(message.text, fallback=getattr(profile, "language", "en"))
        Message.objects.filter(pk=message.pk).update(source_language=source)
    return translations_for(
        text=message.text,
        source=source,
        targets=set(targets) - have,
        glossary=context.terms(),
        context=CallContext(user_id=message.sender_id, message_id=message.pk, purpose="release"),
    )


def message_release(*, message_id: int, translations: Sequence[Translation] = ()) -> Message:
    """Deliver a held or blocked message now with the conversation's next number, with the
    `translations` made for it (release_translations). Any its readers still lack follow as
    message.update. A masked message is shown whole instead (message.update)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("sender")
            .get(pk=message_id)
        )
        if message.status == Message.Status.DELIVERED and message.masked_text:
            _unmask(message, translations)
            return message
        if message.status not in (Message.Status.HELD, Message.Status.BLOCKED):
            return message
        have = set(message.translations.values_list("language", flat=True))
        made = [t for t in translations if t.language not in have]
        have |= {t.language for t in made}
        context = conversation_context(conversation_id=message.conversation_id)
        targets = context.reader_languages(exclude_user_id=message.sender_id) if context else set()
        missing = [
            Translation(language, UNAVAILABLE, reason="pending", retryable=True)
            for language in sorted(targets - have - {message.source_language})
        ]
        message_deliver_now(message=message, translations=made, placeholders=missing)
    return message


def _unmask(message: Message, translations: Sequence[Translation]) -> None:
    """A moderator approved a masked message: every reader gets the whole text, translated."""
    message.masked_text = ""
    message.save(update_fields=["masked_text"])
    MessageTranslation.objects.filter(message=message).delete()
    MessageTranslation.objects.bulk_create(translation_rows(message, translations))
    if any(t.status == UNAVAILABLE and t.retryable for t in translations):
        translation_retry_schedule(message.pk, attempt=0)
    message_changed(message)


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


def edit_translations(*, edit_id: int) -> tuple[str, list[Translation]]:
    """The source language and the translations of a withheld edit, made before a moderator's
    approval applies it (outside the transaction: a provider may take seconds)."""
    edit = MessageEdit.objects.select_related("message__sender__profile").filter(pk=edit_id)
    edit = edit.first()
    if edit is None or edit.status not in WITHHELD_EDITS:
        return "", []
    message = edit.message
    context = conversation_context(conversation_id=message.conversation_id)
    profile = getattr(message.sender, "profile", None)
    source = source_language_of(edit.text, fallback=getattr(profile, "language", "en"))
    if context is None:
        return source, []
    return source, translations_for(
        text=edit.text,
        source=source,
        targets=context.reader_languages(exclude_user_id=message.sender_id),
        glossary=context.terms(),
        context=CallContext(user_id=message.sender_id, message_id=message.pk, purpose="release"),
    )


def edit_release(*, edit_id: int, source: str, translations: Sequence[Translation]) -> None:
    """A moderator approved a held or blocked edit: it becomes the message's text for every
    reader, unless the message was deleted meanwhile."""
    with transaction.atomic():
        edit = MessageEdit.objects.select_for_update().get(pk=edit_id)
        message = Message.objects.select_for_update(of=("self",)).get(pk=edit.message_id)
        if edit.status not in WITHHELD_EDITS or message.deleted_at is not None:
            return
        if message.status != Message.Status.DELIVERED:
            return
        edit_apply(message=message, edit=edit, source=source, translations=translations)


def edit_reject(*, edit_id: int) -> None:
    """A moderator rejected a held or blocked edit: the message stays as it was; its sender is
    told."""
    with transaction.atomic():
        edit = MessageEdit.objects.select_for_update().select_related("message").get(pk=edit_id)
        if edit.status not in WITHHELD_EDITS:
            return
        edit.status = MessageEdit.Status.REJECTED
        edit.save(update_fields=["status"])
        sender_notice(edit.message, "message.edit_rejected", edit=edit.pk, reason=edit.reason)
