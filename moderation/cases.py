"""What the pipeline records automatically, inside the transaction that finalizes a message:
the review case of a flagged, held or blocked message, the mute of a repeat offender, and the
audit row of each. Human decisions on those cases live in moderation/services.py, above chat's
delivery; this module sits below it and knows nothing of sockets or broadcasts."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from chat.models import Message
from chat.services import webhooks
from moderation.models import AuditEvent, ModerationCase, Standing

AUTO_ACTIONS = {
    "flag": AuditEvent.Action.AUTO_FLAG,
    "mask": AuditEvent.Action.AUTO_MASK,
    "hold": AuditEvent.Action.AUTO_HOLD,
    "block": AuditEvent.Action.AUTO_BLOCK,
}


def audit(action: str, *, actor=None, case=None, message=None, subject_id=None, **detail) -> None:
    """Append one row to the audit trail (every automatic and human decision writes one)."""
    AuditEvent.objects.create(
        action=action,
        actor=actor,
        case=case,
        message=message,
        subject_id=subject_id if subject_id is not None else _subject_of(case, message),
        detail=detail,
    )


def _subject_of(case, message) -> int | None:
    if case is not None:
        return case.subject_id
    return message.sender_id if message is not None else None


def case_open_for_message(
    *, message: Message, verdict: str, reason: str, findings: list, score
) -> None:
    """Queue a flagged, held or blocked message for review. Re-running the pipeline finds the
    case already there."""
    kinds = sorted({finding["kind"] for finding in findings})
    case, created = ModerationCase.objects.get_or_create(
        message=message,
        source=ModerationCase.Source.PIPELINE,
        defaults={
            "subject_id": message.sender_id,
            "verdict": verdict,
            "reason": reason,
            "kinds": kinds,
            "primary_kind": reason,
            "language": message.source_language,
            "findings": findings,
            "score": score.score if score else None,
            "score_category": score.category if score else "",
            "score_reason": score.reason if score else "",
        },
    )
    if created:
        audit(
            AUTO_ACTIONS[verdict],
            case=case,
            message=message,
            reason=reason,
            kinds=kinds,
            score=case.score,
        )


def case_open_for_edit(*, message: Message, edit, verdict: str) -> None:
    """Queue an edit the check flagged, held or blocked: the moderator reads the edit's text
    (and every version of the message) on the case."""
    kinds = sorted({finding["kind"] for finding in edit.findings})
    case = ModerationCase.objects.create(
        message=message,
        edit=edit,
        source=ModerationCase.Source.PIPELINE,
        subject_id=message.sender_id,
        verdict=verdict,
        reason=edit.reason,
        kinds=kinds,
        primary_kind=edit.reason,
        language=message.source_language,
        findings=edit.findings,
    )
    audit(AUTO_ACTIONS[verdict], case=case, message=message, reason=edit.reason, kinds=kinds)


def repeat_offender_check(*, user_id: int) -> None:
    """Mute a sender with MODERATION_REPEAT_BLOCKS blocked messages in the window, and open a
    case for a moderator."""
    since = timezone.now() - timedelta(seconds=settings.MODERATION_REPEAT_WINDOW)
    blocked = Message.objects.filter(
        sender_id=user_id, status=Message.Status.BLOCKED, finalized_at__gte=since
    ).count()
    if blocked < settings.MODERATION_REPEAT_BLOCKS:
        return
    standing, _ = Standing.objects.select_for_update().get_or_create(user_id=user_id)
    now = timezone.now()
    if standing.send_refusal(now) is not None:
        return
    standing.muted_until = now + timedelta(seconds=settings.MODERATION_MUTE_SECONDS)
    standing.save(update_fields=["muted_until"])
    case = ModerationCase.objects.create(
        source=ModerationCase.Source.REPEAT,
        subject_id=user_id,
        verdict="block",
        reason="repeat_offender",
        primary_kind="repeat_offender",
    )
    audit(
        AuditEvent.Action.AUTO_MUTE,
        case=case,
        blocked_messages=blocked,
        muted_until=standing.muted_until.isoformat(),
    )
    webhooks.event_emit(
        "user.muted",
        {
            "user": webhooks.user_ref(user_id),
            "until": standing.muted_until.isoformat(),
            "by": "automatic",
            "case": case.pk,
        },
    )
