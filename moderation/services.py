"""Moderation actions taken by people: moderators' decisions and sanctions, members' reports
and appeals. Every one writes an audit row. A decision that changes what readers see calls down
into chat's delivery (chat.services.moderated); nothing in chat calls up into this module.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat import ratelimit
from chat.broadcast import broadcast_on_commit, user_group
from chat.errors import ClientError
from chat.models import Message, Participant
from chat.services import webhooks
from chat.services.moderated import (
    WITHHELD_EDITS,
    edit_reject,
    edit_release,
    edit_translations,
    message_release,
    message_retract,
    release_translations,
)
from chat.services.sessions import sockets_recheck
from chat.tokens import user_tokens_revoke
from moderation.cases import audit
from moderation.models import AuditEvent, ModerationCase, Report, Standing


def user_mute(*, user, moderator, seconds: int, case=None) -> Standing:
    with transaction.atomic():
        standing, _ = Standing.objects.select_for_update().get_or_create(user=user)
        standing.muted_until = timezone.now() + timedelta(seconds=seconds)
        standing.save(update_fields=["muted_until"])
        # Every open socket of the user hears it at once (sending is refused from now on).
        frame = {"type": "account.muted", "until": standing.muted_until.isoformat()}
        broadcast_on_commit(user_group(user.pk), {"type": "chat.notice", "frame": frame})
        audit(
            AuditEvent.Action.MUTE, actor=moderator, case=case, subject_id=user.pk, seconds=seconds
        )
        webhooks.event_emit(
            "user.muted",
            {
                "user": webhooks.user_ref(user.pk),
                "until": standing.muted_until.isoformat(),
                "by": "moderator",
                "case": case.pk if case else None,
            },
        )
    return standing


def user_ban(*, user, moderator, case=None) -> Standing:
    """Ban: no more sending, no more logging in (the account is deactivated); every token the
    user holds is revoked and their open sockets close."""
    with transaction.atomic():
        standing, _ = Standing.objects.select_for_update().get_or_create(user=user)
        standing.banned_at = timezone.now()
        standing.save(update_fields=["banned_at"])
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        user_tokens_revoke(user_id=user.pk)
        sockets_recheck(user_id=user.pk)
        audit(AuditEvent.Action.BAN, actor=moderator, case=case, subject_id=user.pk)
        webhooks.event_emit(
            "user.banned", {"user": webhooks.user_ref(user.pk), "case": case.pk if case else None}
        )
    return standing


def case_approve(*, case: ModerationCase, moderator, note: str = "") -> ModerationCase:
    """Approve: a held or blocked message is delivered now, live, translated for its readers
    (translations are made before the transaction: a provider may take seconds); a masked one
    is shown whole. A case about a withheld edit applies the edit instead."""
    withheld_edit = case.edit_id and case.edit.status in WITHHELD_EDITS
    if withheld_edit:
        source, made = edit_translations(edit_id=case.edit_id)
    else:
        made = release_translations(message_id=case.message_id) if case.message_id else []
    with transaction.atomic():
        case = ModerationCase.objects.select_for_update().get(pk=case.pk)
        if withheld_edit:
            edit_release(edit_id=case.edit_id, source=source, translations=made)
        elif case.message_id:
            message_release(message_id=case.message_id, translations=made)
        _decide(case, moderator, ModerationCase.Status.APPROVED, "approve", note)
        audit(AuditEvent.Action.APPROVE, actor=moderator, case=case, message=case.message)
    return case


def case_reject(*, case: ModerationCase, moderator, note: str = "") -> ModerationCase:
    """Reject: a delivered (flagged) message disappears from recipients' screens now. A
    withheld edit is refused (the message stays as it was); a flagged edit that was applied
    takes the message with it, as any flagged message."""
    with transaction.atomic():
        case = (
            ModerationCase.objects.select_for_update(of=("self",))
            .select_related("edit")
            .get(pk=case.pk)
        )
        if case.edit_id and case.edit.status in WITHHELD_EDITS:
            edit_reject(edit_id=case.edit_id)
        elif case.message_id:
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
    webhooks.event_emit(
        "case.decided",
        {
            "case": {
                "id": case.pk,
                "decision": decision,
                "source": case.source,
                "reason": case.reason,
                "message": case.message_id,
            },
            "subject": webhooks.user_ref(case.subject_id),
            "moderator": {"id": moderator.pk, "username": moderator.get_username()},
        },
    )


def check_report_submit(
    *,
    reporter: AbstractBaseUser,
    conversation_id: int,
    reason: str,
    comment: str = "",
    message_id: int | None = None,
    reported_user_id: int | None = None,
) -> Report:
    """A member reports a message or another member of the same conversation.

    A repeat is folded into the reporter's first report (returned as is, not counted): the
    same message ever, the same member while that report's case is pending. Other reports
    count against REPORTS_PER_HOUR. Members reporting one message share its case; a new
    reporter puts it back in the queue if it was decided.
    """
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
    folded = _report_to_fold(reporter, message, reported_user_id)
    if folded is not None:
        return folded
    report_rate_check(reporter.pk)
    with transaction.atomic():
        if message is None:
            case = ModerationCase.objects.create(
                source=ModerationCase.Source.REPORT,
                subject_id=reported_user_id,
                reason=reason,
                primary_kind=f"report:{reason}",
            )
        else:
            case, created = ModerationCase.objects.select_for_update().get_or_create(
                message=message,
                source=ModerationCase.Source.REPORT,
                edit=None,
                defaults={
                    "subject_id": reported_user_id,
                    "reason": reason,
                    "primary_kind": f"report:{reason}",
                    "language": message.source_language,
                    "findings": message.findings,
                },
            )
            if not created:
                # Under the case's lock: the same reporter on two sockets at once.
                folded = Report.objects.filter(case=case, reporter=reporter).first()
                if folded is not None:
                    return folded
                if case.status != ModerationCase.Status.PENDING:
                    case.status = ModerationCase.Status.PENDING
                    case.save(update_fields=["status"])
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
        webhooks.event_emit(
            "report.created",
            {
                "report": {"id": report.pk, "reason": reason, "comment": comment, "case": case.pk},
                "reporter": webhooks.user_ref(reporter.pk),
                "reported": webhooks.user_ref(reported_user_id),
                "conversation": webhooks.conversation_ref(conversation_id),
                "message": message.pk if message else None,
            },
        )
    return report


def _report_to_fold(
    reporter: AbstractBaseUser, message: Message | None, reported_user_id: int
) -> Report | None:
    """The reporter's earlier report that a new one repeats, if any."""
    if message is not None:
        return Report.objects.filter(reporter=reporter, message=message).first()
    return Report.objects.filter(
        reporter=reporter,
        reported_id=reported_user_id,
        message__isnull=True,
        case__status=ModerationCase.Status.PENDING,
    ).first()


def report_rate_check(reporter_id: int) -> None:
    """Count one report against the reporter's REPORTS_PER_HOUR (through a Redis blip reports
    are let through: they are stored, and a moderator sees them)."""
    rate = f"{settings.REPORTS_PER_HOUR}/hour"
    if not ratelimit.hit("report", reporter_id, rate=rate, fail_open=True):
        seconds = ratelimit.retry_after("report", reporter_id, rate=rate)
        raise ClientError(
            "rate_limited", f"too many reports; try again in {seconds} s", retry_after=seconds
        )


def check_message_appeal(*, user: AbstractBaseUser, message_id: int, comment: str) -> None:
    """The sender of a held or blocked message asks a moderator to look again, once: the
    decision that follows an appeal is final (a second appeal is refused, `already_appealed`,
    while the first waits and after it was decided)."""
    message = Message.objects.filter(
        pk=message_id,
        sender=user,
        status__in=[Message.Status.HELD, Message.Status.BLOCKED],
    ).first()
    if message is None:
        raise ClientError("not_found", "no held or blocked message of yours with that id")
    with transaction.atomic():
        case = (
            ModerationCase.objects.select_for_update()
            .filter(message=message, source=ModerationCase.Source.PIPELINE, edit__isnull=True)
            .first()
        )
        if case is None:
            raise ClientError("not_found", "that message has no review case")
        if case.appealed:
            if case.status == ModerationCase.Status.PENDING:
                raise ClientError(
                    "already_appealed", "your appeal of this message is waiting for a moderator"
                )
            raise ClientError(
                "already_appealed",
                "a moderator decided your appeal of this message; it cannot be appealed again",
            )
        case.appealed = True
        case.appeal_note = comment[:2000]
        if case.status != ModerationCase.Status.PENDING:
            case.status = ModerationCase.Status.PENDING
        case.save(update_fields=["appealed", "appeal_note", "status"])
        audit(AuditEvent.Action.APPEAL, actor=user, case=case, message=message)
