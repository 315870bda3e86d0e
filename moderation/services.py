"""Moderation actions: cases, reports, appeals, sanctions. Every decision writes an audit row."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat.errors import ClientError
from moderation.models import AuditEvent, ModerationCase, Report, Standing

AUTO_ACTIONS = {
    "flag": AuditEvent.Action.AUTO_FLAG,
    "hold": AuditEvent.Action.AUTO_HOLD,
    "block": AuditEvent.Action.AUTO_BLOCK,
}


def audit(action: str, *, actor=None, case=None, message=None, subject_id=None, **detail) -> None:
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


def case_open_for_message(*, message, verdict: str, reason: str, findings: list, score) -> None:
    """Queue a flagged, held or blocked message for review (inside the pipeline's
    transaction). Re-running the pipeline finds the case already there."""
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


def sanction_blocking_send(user: AbstractBaseUser) -> ClientError | None:
    """The error a muted or banned user gets for sending, or None when they may send."""
    standing = Standing.objects.filter(user=user).first()
    if standing is None:
        return None
    if standing.banned_at is not None:
        return ClientError("banned", "this account is banned from sending messages")
    if standing.muted_until and standing.muted_until > timezone.now():
        return ClientError(
            "muted", f"you are muted until {standing.muted_until.isoformat(timespec='seconds')}"
        )
    return None


def repeat_offender_check(*, user_id: int) -> None:
    """Mute a sender with MODERATION_REPEAT_BLOCKS blocked messages in the window, and open a
    case for a moderator. Runs inside the transaction that blocked the latest one."""
    from chat.models import Message

    since = timezone.now() - timedelta(seconds=settings.MODERATION_REPEAT_WINDOW)
    blocked = Message.objects.filter(
        sender_id=user_id, status=Message.Status.BLOCKED, finalized_at__gte=since
    ).count()
    if blocked < settings.MODERATION_REPEAT_BLOCKS:
        return
    standing, _ = Standing.objects.select_for_update().get_or_create(user_id=user_id)
    now = timezone.now()
    if standing.banned_at or (standing.muted_until and standing.muted_until > now):
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


def user_mute(*, user, moderator, seconds: int, case=None) -> Standing:
    with transaction.atomic():
        standing, _ = Standing.objects.select_for_update().get_or_create(user=user)
        standing.muted_until = timezone.now() + timedelta(seconds=seconds)
        standing.save(update_fields=["muted_until"])
        audit(
            AuditEvent.Action.MUTE, actor=moderator, case=case, subject_id=user.pk, seconds=seconds
        )
    return standing


def user_ban(*, user, moderator, case=None) -> Standing:
    """Ban: no more sending, no more logging in (the account is deactivated)."""
    with transaction.atomic():
        standing, _ = Standing.objects.select_for_update().get_or_create(user=user)
        standing.banned_at = timezone.now()
        standing.save(update_fields=["banned_at"])
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        audit(AuditEvent.Action.BAN, actor=moderator, case=case, subject_id=user.pk)
    return standing


def case_approve(*, case: ModerationCase, moderator, note: str = "") -> ModerationCase:
    """Approve: a held or blocked message is delivered now, live."""
    from chat.services import message_release

    with transaction.atomic():
        case = ModerationCase.objects.select_for_update().get(pk=case.pk)
        if case.message_id:
            message_release(message_id=case.message_id)
        _decide(case, moderator, ModerationCase.Status.APPROVED, "approve", note)
        audit(AuditEvent.Action.APPROVE, actor=moderator, case=case, message=case.message)
    return case


def case_reject(*, case: ModerationCase, moderator, note: str = "") -> ModerationCase:
    """Reject: a delivered (flagged) message disappears from recipients' screens now."""
    from chat.services import message_retract

    with transaction.atomic():
        case = ModerationCase.objects.select_for_update().get(pk=case.pk)
        if case.message_id:
            message_retract(message_id=case.message_id)
        _decide(case, moderator, ModerationCase.Status.REJECTED, "reject", note)
        audit(AuditEvent.Action.REJECT, actor=moderator, case=case, message=case.message)
    return case


def _decide(case: ModerationCase, moderator, status: str, decision: str, note: str) -> None:
    case.status = status
    case.decision = decision
    case.assignee = moderator
    case.decided_at = timezone.now()
    if note:
        case.note = note
    case.save(update_fields=["status", "decision", "assignee", "decided_at", "note"])


def check_report_submit(
    *,
    reporter: AbstractBaseUser,
    conversation_id: int,
    reason: str,
    comment: str = "",
    message_id: int | None = None,
    reported_user_id: int | None = None,
) -> Report:
    """A member reports a message or another member of the same conversation."""
    from chat.models import Message, Participant

    if reason not in Report.Reason.values:
        raise ClientError("invalid_field", f"reason must be one of {', '.join(Report.Reason)}")
    if len(comment) > 2000:
        raise ClientError("invalid_field", "comment is at most 2000 characters")
    members = set(
        Participant.objects.filter(conversation_id=conversation_id).values_list(
            "user_id", flat=True
        )
    )
    if reporter.pk not in members:
        raise ClientError("not_a_member", "no such conversation, or you are not in it")
    message = None
    if message_id is not None:
        message = Message.objects.filter(
            pk=message_id, conversation_id=conversation_id, status=Message.Status.DELIVERED
        ).first()
        if message is None:
            raise ClientError("not_found", "no such message in this conversation")
        reported_user_id = message.sender_id
    if reported_user_id is None or reported_user_id not in members:
        raise ClientError("not_found", "name a message or a member of this conversation")
    if reported_user_id == reporter.pk:
        raise ClientError("invalid_field", "you cannot report yourself")
    with transaction.atomic():
        case = ModerationCase.objects.create(
            source=ModerationCase.Source.REPORT,
            subject_id=reported_user_id,
            message=message,
            reason=reason,
            primary_kind=f"report:{reason}",
            language=message.source_language if message else "",
            findings=message.findings if message else [],
        )
        report = Report.objects.create(
            reporter=reporter,
            reported_id=reported_user_id,
            conversation_id=conversation_id,
            message=message,
            reason=reason,
            comment=comment,
            case=case,
        )
        audit(
            AuditEvent.Action.REPORT,
            actor=reporter,
            case=case,
            message=message,
            reason=reason,
        )
    return report


def check_message_appeal(*, user: AbstractBaseUser, message_id: int, comment: str) -> None:
    """The sender of a held or blocked message asks a moderator to look again."""
    from chat.models import Message

    message = Message.objects.filter(
        pk=message_id,
        sender=user,
        status__in=[Message.Status.HELD, Message.Status.BLOCKED],
    ).first()
    if message is None:
        raise ClientError("not_found", "no held or blocked message of yours with that id")
    with transaction.atomic():
        case = ModerationCase.objects.filter(
            message=message, source=ModerationCase.Source.PIPELINE
        ).first()
        if case is None:
            raise ClientError("not_found", "that message has no review case")
        case.appealed = True
        case.appeal_note = comment[:2000]
        if case.status != ModerationCase.Status.PENDING:
            case.status = ModerationCase.Status.PENDING
        case.save(update_fields=["appealed", "appeal_note", "status"])
        audit(AuditEvent.Action.APPEAL, actor=user, case=case, message=message)
