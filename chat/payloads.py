"""The JSON shapes of messages on the socket (see docs/protocol.md)."""

from collections.abc import Iterable
from typing import Any

from chat.models import Message, MessageTranslation

DEMO_PROVIDERS = frozenset({"offline"})


def translation_payload(translation: MessageTranslation) -> dict[str, Any]:
    return {
        "language": translation.language,
        # "done"; "unavailable" (every provider failed: a message.update follows when it
        # arrives; reason "expired" once no more retries are made); "skipped" (the sender's
        # daily translation budget is spent); "untranslatable" (no retry can help).
        "status": translation.status,
        "reason": translation.reason,
        "text": translation.text,
        "provider": translation.provider,
        "model": translation.model,
        # The offline provider is a development aid: clients must say it is not a real one.
        "demo": translation.provider in DEMO_PROVIDERS,
    }


def message_payload(
    message: Message, translations: Iterable[MessageTranslation] | None = None
) -> dict[str, Any]:
    """Everything about a delivered message, with the translations for every language (the
    given rows, else the message's own)."""
    if message.deleted_at is not None:
        return deleted_payload(message)
    if translations is None:
        translations = message.translations.all()
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "seq": message.seq,
        "client_id": message.client_id,
        "sender": {"id": message.sender_id, "username": message.sender.get_username()},
        # A masked message reaches every reader, its sender included, masked.
        "text": message.masked_text or message.text,
        "masked": bool(message.masked_text),
        "source_language": message.source_language,
        "status": message.status,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": False,
        "translations": {t.language: translation_payload(t) for t in translations},
    }


def deleted_payload(message: Message) -> dict[str, Any]:
    """A message its sender deleted: it keeps its place and number, and nothing of its text."""
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "seq": message.seq,
        "client_id": message.client_id,
        "sender": {"id": message.sender_id, "username": message.sender.get_username()},
        "text": "",
        "masked": False,
        "source_language": "",
        "status": message.status,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": True,
        "translations": {},
    }


def for_reader(payload: dict[str, Any], *, language: str | None) -> dict[str, Any]:
    """One reader's view: the original, plus the translation for their language if opted in."""
    view = {key: value for key, value in payload.items() if key != "translations"}
    view["translation"] = payload["translations"].get(language) if language else None
    return view


def retracted_payload(message: Message) -> dict[str, Any]:
    """What readers learn of a message a moderator rejected: which one, and nothing of it."""
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "seq": message.seq,
        "client_id": message.client_id,
        "sender": {"id": message.sender_id},
        "text": "",
        "status": message.status,
        "translation": None,
        "translations": {},
    }
