"""Where a message is born, moves through its states, and is broadcast."""

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from chat import ratelimit
from chat.broadcast import broadcast_on_commit, conversation_group, user_group
from chat.dispatch import enqueue, enqueue_pipeline
from chat.errors import ClientError
from chat.models import Conversation, Message, MessageTranslation, Participant, Profile
from chat.payloads import DEMO_PROVIDERS, message_payload, retracted_payload
from chat.selectors import conversation_glossary, participant_get, reader_languages
from moderation.decisions import (
    ORIGINAL,
    Decision,
    final_decision,
    stricter,
    tagged_findings,
    text_verdict,
)
from moderation.models import AuditEvent
from moderation.policy import Action
from moderation.services import (
    audit,
    case_open_for_message,
    repeat_offender_check,
    sanction_blocking_send,
)
from translation.costs import budget_exceeded
from translation.engine import CallContext
from translation.services import (
    DONE,
    SKIPPED,
    UNAVAILABLE,
    Translation,
    source_language_of,
    translation_into,
    translations_for,
)

logger = logging.getLogger(__name__)

CLIENT_ID_MAX = 64


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


def profile_ensure(*, user: AbstractBaseUser) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


BIO_MAX_CHARS = 2000


def profile_bio_update(*, user: AbstractBaseUser, bio: str) -> Profile:
    """Replace the user's bio; a new version makes every translated copy stale."""
    if len(bio) > BIO_MAX_CHARS:
        raise ClientError("bio_too_long", f"a bio is at most {BIO_MAX_CHARS} characters")
    profile = profile_ensure(user=user)
    if bio != profile.bio:
        profile.bio = bio
        profile.bio_version += 1
        profile.save(update_fields=["bio", "bio_version"])
    return profile


def profile_bio_translated(*, username: str, language: str) -> dict | None:
    """A bio as a viewer reading `language` sees it (translated on demand, cache first)."""
    profile = Profile.objects.select_related("user").filter(user__username=username).first()
    if profile is None:
        return None
    source = source_language_of(profile.bio, fallback=profile.language)
    translation = None
    if profile.bio.strip() and source != language:
        result = translation_into(
            text=profile.bio,
            source=source,
            target=language,
            glossary=[profile.user.get_username(), profile.user.first_name],
            context=CallContext(user_id=profile.user_id, purpose="bio"),
        )
        translation = {
            "language": language,
            "status": result.status,
            "reason": result.reason,
            "text": result.text,
            "provider": result.provider,
            "model": result.model,
            "demo": result.provider in DEMO_PROVIDERS,
        }
    return {
        "username": profile.user.get_username(),
        "bio": profile.bio,
        "bio_version": profile.bio_version,
        "source_language": source,
        "translation": translation,
    }


def check_message_submit(
    *, user: AbstractBaseUser, conversation_id: int, client_id: str, text: str
) -> tuple[Message, bool]:
    """Validate and store a submission as pending; returns (message, created).

    Idempotent on (sender, client_id): a repeat returns the first message and queues nothing.
    """
    if not client_id or len(client_id) > CLIENT_ID_MAX:
        raise ClientError("invalid_field", f"client_id must be 1 to {CLIENT_ID_MAX} characters")
    existing = Message.objects.filter(sender=user, client_id=client_id).first()
    if existing is not None:
        if existing.conversation_id != conversation_id:
            raise ClientError("client_id_reused", "client_id was used for another conversation")
        return existing, False
    if not text.strip():
        raise ClientError("empty_message", "the message text is empty")
    if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
        raise ClientError(
            "message_too_long",
            f"the message is longer than {settings.CHAT_MAX_MESSAGE_CHARS} characters",
        )
    if participant_get(user=user, conversation_id=conversation_id) is None:
        raise ClientError("not_a_member", "no such conversation, or you are not in it")
    sanction = sanction_blocking_send(user)
    if sanction is not None:
        raise sanction
    if not ratelimit.hit("message", user.pk, rate=settings.CHAT_RATE_LIMIT):
        raise ClientError("rate_limited", "too many messages; slow down")
    return do_message_submit(
        user=user, conversation_id=conversation_id, client_id=client_id, text=text
    )


def do_message_submit(
    *, user: AbstractBaseUser, conversation_id: int, client_id: str, text: str
) -> tuple[Message, bool]:
    try:
        with transaction.atomic():
            message = Message.objects.create(
                conversation_id=conversation_id, sender=user, client_id=client_id, text=text
            )
            transaction.on_commit(lambda: enqueue_pipeline(message.pk))
    except IntegrityError:
        # The same client id raced in on another connection: the first one wins.
        return Message.objects.get(sender=user, client_id=client_id), False
    return message, True


def message_ids_pending(*, older_than_seconds: int) -> list[int]:
    """Ids of messages still waiting for the pipeline, oldest first."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Message.objects.filter(status=Message.Status.PENDING, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def message_process(*, message_id: int) -> Message | None:
    """Run the delivery pipeline for one message and give it its final state.

    Safe to run more than once: a message that is no longer pending is left as it is.
    """
    message = Message.objects.select_related("sender").filter(pk=message_id).first()
    if message is None or message.status != Message.Status.PENDING:
        return message
    profile = profile_ensure(user=message.sender)
    region = profile.country or settings.DEFAULT_PHONE_REGION
    source = source_language_of(message.text, fallback=profile.language)
    verdict = text_verdict(message.text, previous=recent_texts_of_sender(message), region=region)
    findings = tagged_findings(verdict, ORIGINAL)
    translations: list[Translation] = []
    if verdict.action != Action.BLOCK:
        targets = reader_languages(
            conversation_id=message.conversation_id, exclude_user_id=message.sender_id
        )
        translations = translations_for(
            text=message.text,
            source=source,
            targets=targets,
            glossary=conversation_glossary(conversation_id=message.conversation_id),
            context=CallContext(user_id=message.sender_id, message_id=message.pk),
            within_budget=not (targets and budget_exceeded(message.sender_id)),
        )
        # A translation can spell out what the original hid; the strictest verdict wins.
        for translation in translations:
            if translation.status == DONE:
                seen = text_verdict(translation.text, region=region)
                findings += tagged_findings(seen, f"translation:{translation.language}")
                verdict = stricter(verdict, seen)
    decision = final_decision(
        verdict,
        findings=findings,
        text=message.text,
        first_messages=sender_message_count(message) < settings.MODERATION_SCORE_FIRST_MESSAGES,
        context=CallContext(user_id=message.sender_id, message_id=message.pk, purpose="score"),
    )
    return do_message_finalize(
        message_id=message_id, source=source, decision=decision, translations=translations
    )


def _sender_notice(message: Message, frame_type: str, **fields) -> None:
    broadcast_on_commit(
        user_group(message.sender_id),
        {
            "type": "chat.notice",
            "frame": {
                "type": frame_type,
                "conversation": message.conversation_id,
                "id": message.pk,
                "client_id": message.client_id,
                **fields,
            },
        },
    )


def _translation_row(message: Message, translation: Translation) -> MessageTranslation:
    return MessageTranslation(
        message=message,
        language=translation.language,
        status=translation.status,
        reason=translation.reason,
        text=translation.text,
        provider=translation.provider,
        model=translation.model,
        from_cache=translation.from_cache,
        cost_usd=translation.cost_usd,
    )


def do_message_finalize(
    *, message_id: int, source: str, decision: Decision, translations: list[Translation]
) -> Message:
    """The one transaction that gives a message its final state, its review case, and its
    broadcast."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("sender")
            .get(pk=message_id)
        )
        if message.status != Message.Status.PENDING:
            return message
        message.source_language = source
        message.findings = decision.findings
        message.reason = decision.reason
        message.finalized_at = timezone.now()
        if decision.score_failed:
            audit(AuditEvent.Action.SCORE_FAILED, message=message)
        if decision.action in (Action.BLOCK, Action.HOLD):
            blocked = decision.action == Action.BLOCK
            message.status = Message.Status.BLOCKED if blocked else Message.Status.HELD
            message.save()
            MessageTranslation.objects.bulk_create(
                [_translation_row(message, t) for t in translations]
            )
            _open_case(message, decision)
            notice = "message.blocked" if blocked else "message.held"
            _sender_notice(message, notice, reason=decision.reason)
            if blocked:
                repeat_offender_check(user_id=message.sender_id)
            return message
        _deliver(message, translations)
        if decision.action == Action.FLAG:
            _open_case(message, decision)
        if any(t.status == SKIPPED for t in translations):
            _sender_notice(message, "notice", code="translation_budget_exceeded")
    return message


def _open_case(message: Message, decision: Decision) -> None:
    case_open_for_message(
        message=message,
        verdict=str(decision.action),
        reason=decision.reason,
        findings=decision.findings,
        score=decision.score,
    )


def _deliver(message: Message, translations: Sequence[Translation]) -> None:
    """Give the message the conversation's next sequence number and broadcast it (inside the
    caller's transaction, which holds the message row)."""
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    conversation.last_seq += 1
    conversation.save(update_fields=["last_seq"])
    message.seq = conversation.last_seq
    message.status = Message.Status.DELIVERED
    message.save()
    MessageTranslation.objects.bulk_create(
        [_translation_row(message, t) for t in translations], ignore_conflicts=True
    )
    broadcast_on_commit(
        conversation_group(message.conversation_id),
        {"type": "chat.message", "message": message_payload(message)},
    )
    if any(t.status == UNAVAILABLE and t.retryable for t in translations):
        _schedule_translation_retry(message.pk, attempt=0)


def message_release(*, message_id: int) -> Message:
    """Deliver a held or blocked message now (a moderator approved it). Translations it lacks
    for the current readers follow as message.update."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("sender")
            .get(pk=message_id)
        )
        if message.status not in (Message.Status.HELD, Message.Status.BLOCKED):
            return message
        have = set(message.translations.values_list("language", flat=True))
        targets = reader_languages(
            conversation_id=message.conversation_id, exclude_user_id=message.sender_id
        )
        wanted = sorted(set(targets) - have - {message.source_language})
        placeholders = [
            Translation(language, UNAVAILABLE, reason="pending", retryable=True)
            for language in wanted
        ]
        _deliver(message, placeholders)
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
            _sender_notice(message, "message.rejected", reason=message.reason)
    return message


def recent_texts_of_sender(message: Message) -> list[str]:
    """The sender's last few messages in the conversation before this one, oldest first."""
    since = message.created_at - timedelta(seconds=settings.MODERATION_CONTEXT_SECONDS)
    texts = list(
        Message.objects.filter(
            conversation_id=message.conversation_id,
            sender_id=message.sender_id,
            created_at__gte=since,
            pk__lt=message.pk,
        )
        .order_by("-pk")
        .values_list("text", flat=True)[: settings.MODERATION_CONTEXT_MESSAGES]
    )
    return texts[::-1]


def sender_message_count(message: Message) -> int:
    return Message.objects.filter(
        conversation_id=message.conversation_id, sender_id=message.sender_id, pk__lt=message.pk
    ).count()


def _schedule_translation_retry(message_id: int, *, attempt: int) -> None:
    delays = settings.TRANSLATION_RETRY_DELAYS
    if attempt < len(delays):
        transaction.on_commit(
            lambda: enqueue(
                "retry_translations",
                countdown=delays[attempt],
                message_id=message_id,
                attempt=attempt,
            )
        )


def message_translations_retry(*, message_id: int, attempt: int) -> int:
    """Try the unavailable translations of a delivered message again; readers get each one
    that arrives as message.update. Returns how many arrived."""
    message = (
        Message.objects.select_related("sender")
        .filter(pk=message_id, status=Message.Status.DELIVERED)
        .first()
    )
    if message is None:
        return 0
    missing = list(message.translations.filter(status=MessageTranslation.Status.UNAVAILABLE))
    if not missing:
        return 0
    glossary = conversation_glossary(conversation_id=message.conversation_id)
    context = CallContext(user_id=message.sender_id, message_id=message.pk)
    results = [
        translation_into(
            text=message.text,
            source=message.source_language,
            target=row.language,
            glossary=glossary,
            context=context,
        )
        for row in missing
    ]
    arrived = [r for r in results if r.status == DONE]
    with transaction.atomic():
        for result in arrived:
            MessageTranslation.objects.filter(message=message, language=result.language).update(
                status=DONE,
                reason="",
                text=result.text,
                provider=result.provider,
                model=result.model,
                from_cache=result.from_cache,
                cost_usd=result.cost_usd,
            )
        if arrived:
            broadcast_on_commit(
                conversation_group(message.conversation_id),
                {"type": "chat.update", "message": message_payload(message)},
            )
        if len(arrived) < len(missing) and any(r.retryable for r in results if r.status != DONE):
            _schedule_translation_retry(message.pk, attempt=attempt + 1)
    return len(arrived)


def participant_backfill(*, participant_id: int) -> int:
    """Translate the last messages of a conversation for a reader who just opted in, and
    push each as message.update to that reader. Returns how many were pushed."""
    participant = (
        Participant.objects.select_related("user__profile").filter(pk=participant_id).first()
    )
    if participant is None or not participant.translate:
        return 0
    language = participant.reading_language
    recent = list(
        Message.objects.filter(
            conversation_id=participant.conversation_id, status=Message.Status.DELIVERED
        )
        .exclude(sender_id=participant.user_id)
        .exclude(source_language=language)
        .exclude(
            pk__in=MessageTranslation.objects.filter(language=language, status=DONE).values(
                "message_id"
            )
        )
        .order_by("-seq")[: settings.TRANSLATION_BACKFILL]
    )
    glossary = conversation_glossary(conversation_id=participant.conversation_id)
    pushed = 0
    for message in reversed(recent):
        result = translation_into(
            text=message.text,
            source=message.source_language,
            target=language,
            glossary=glossary,
            context=CallContext(message_id=message.pk, purpose="backfill"),
        )
        if result.status != DONE:
            continue
        with transaction.atomic():
            MessageTranslation.objects.update_or_create(
                message=message,
                language=language,
                defaults={
                    "status": DONE,
                    "reason": "",
                    "text": result.text,
                    "provider": result.provider,
                    "model": result.model,
                    "from_cache": result.from_cache,
                    "cost_usd": result.cost_usd,
                },
            )
            broadcast_on_commit(
                user_group(participant.user_id),
                {"type": "chat.update", "message": message_payload(message)},
            )
        pushed += 1
    return pushed


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
        participant.save(update_fields=["translate", "language"])
        if enabled:
            transaction.on_commit(
                lambda: enqueue("backfill_translations", participant_id=participant.pk)
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
