"""The work on a pending message before anyone else may see it.

1. The safety check on the original, read with the sender's previous messages.
2. One translation per distinct reading language of the members who opted in (cache first).
3. The safety check again on every translation (a translation can spell out what the original
   hid); the strictest verdict wins.
4. The LLM scam score, where the risk signals say it is worth paying for.

This runs in parallel across messages (Celery workers, or threads in the embedded mode); the
result goes to chat.services.delivery, which finalizes in the order the messages were accepted.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings

from chat.context import ConversationContext, Member, conversation_context
from chat.models import Message
from chat.services.delivery import Outcome, outcomes_finalize
from chat.services.profiles import profile_ensure
from moderation.decisions import ORIGINAL, final_decision, stricter, tagged_findings, text_verdict
from moderation.policy import Action
from moderation.scoring import scoring_available
from translation.costs import budget_exceeded
from translation.engine import CallContext
from translation.services import DONE, source_language_of, translations_for


def messages_process(*, message_ids: Sequence[int]) -> int:
    """Run the pipeline for the given messages and finalize them. Safe to run more than once
    and concurrently: a message that is no longer pending is left as it is. Returns how many
    were still pending."""
    messages = list(
        Message.objects.filter(pk__in=message_ids, status=Message.Status.PENDING).order_by("pk")
    )
    contexts: dict[int, ConversationContext | None] = {}
    outcomes = []
    for message in messages:
        if message.conversation_id not in contexts:
            contexts[message.conversation_id] = conversation_context(
                conversation_id=message.conversation_id
            )
        context = contexts[message.conversation_id]
        if context is not None:
            outcomes.append(message_outcome(message, context))
    outcomes_finalize(outcomes)
    return len(messages)


def _sender(message: Message, context: ConversationContext) -> Member:
    member = context.member(message.sender_id)
    if member is not None:
        return member
    # The sender left the conversation after sending: read their own profile.
    profile = profile_ensure(user=message.sender)
    language = profile.language
    return Member(message.sender_id, "", "", False, language, language, profile.country)


def message_outcome(message: Message, context: ConversationContext) -> Outcome:
    """Steps 1-4 for one message: what should happen to it, and its translations."""
    sender = _sender(message, context)
    region = sender.country or settings.DEFAULT_PHONE_REGION
    verdict = text_verdict(message.text, previous=recent_texts_of_sender(message), region=region)
    findings = tagged_findings(verdict, ORIGINAL)
    translations = []
    source = ""
    targets = context.reader_languages(exclude_user_id=message.sender_id)
    if verdict.action != Action.BLOCK and targets:
        # Detection only where its answer is used: choosing what to translate into.
        source = source_language_of(message.text, fallback=sender.language)
        translations = translations_for(
            text=message.text,
            source=source,
            targets=targets,
            glossary=context.terms(),
            context=CallContext(user_id=message.sender_id, message_id=message.pk),
            within_budget=not (set(targets) - {source} and budget_exceeded(message.sender_id)),
        )
        for translation in translations:
            if translation.status == DONE:
                seen = text_verdict(translation.text, region=region)
                findings += tagged_findings(seen, f"translation:{translation.language}")
                verdict = stricter(verdict, seen)
    first_messages = (
        scoring_available()
        and sender_message_count(message) < settings.MODERATION_SCORE_FIRST_MESSAGES
    )
    decision = final_decision(
        verdict,
        findings=findings,
        text=message.text,
        first_messages=first_messages,
        context=CallContext(user_id=message.sender_id, message_id=message.pk, purpose="score"),
    )
    if not source and decision.action != Action.ALLOW:
        # A moderator filters the queue by language.
        source = source_language_of(message.text, fallback=sender.language)
    return Outcome(message, source, decision, translations)


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
