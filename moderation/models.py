"""The moderation queue: cases, user reports, sanctions, and the audit trail of decisions."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ModerationCase(models.Model):
    """One thing a moderator must look at: a message the pipeline flagged, held or blocked,
    a user report, or a repeat offender."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        PIPELINE = "pipeline", "Safety pipeline"
        REPORT = "report", "User report"
        REPEAT = "repeat", "Repeat offender"

    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # SET_NULL: a decided case outlives its message (closed conversations are purged after
    # CLOSED_CONVERSATION_RETENTION_DAYS; a pending case keeps its message alive).
    message = models.ForeignKey(
        "chat.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    # A case about an edit of the message (its text is the edit's, not the message's).
    edit = models.ForeignKey(
        "chat.MessageEdit", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_cases",
        help_text="The user whose behaviour is reviewed.",
    )
    # The automatic verdict: flag (delivered), hold (waiting) or block (never delivered).
    verdict = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=40, blank=True, db_index=True)
    kinds = models.JSONField(default=list, blank=True, help_text="Finding kinds, for filtering.")
    primary_kind = models.CharField(max_length=40, blank=True, db_index=True)
    language = models.CharField(max_length=8, blank=True, db_index=True)
    findings = models.JSONField(default=list, blank=True)
    score = models.FloatField(null=True, blank=True)
    score_category = models.CharField(max_length=40, blank=True)
    score_reason = models.CharField(max_length=300, blank=True)
    appealed = models.BooleanField(default=False)
    appeal_note = models.TextField(blank=True, max_length=2000)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    decision = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "source"],
                condition=Q(message__isnull=False, edit__isnull=True),
                name="case_one_per_message_and_source",
            ),
            # An edit's verdict is a case of its own: a message can have several.
            models.UniqueConstraint(
                fields=["edit"], condition=Q(edit__isnull=False), name="case_one_per_edit"
            ),
        ]
        permissions = [("decide_case", "Can approve or reject cases and sanction users")]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.get_source_display()}, {self.status})"


class Report(models.Model):
    class Reason(models.TextChoices):
        SCAM = "scam", "Scam or fraud"
        SPAM = "spam", "Spam"
        HARASSMENT = "harassment", "Harassment"
        INAPPROPRIATE = "inappropriate", "Inappropriate content"
        UNDERAGE = "underage", "Underage user"
        OTHER = "other", "Other"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received"
    )
    conversation = models.ForeignKey("chat.Conversation", on_delete=models.CASCADE)
    message = models.ForeignKey("chat.Message", null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    comment = models.TextField(blank=True, max_length=2000)
    case = models.ForeignKey(
        ModerationCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Report {self.pk}: {self.reason}"


class Standing(models.Model):
    """A user's sanctions: muted until a time, or banned."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standing"
    )
    muted_until = models.DateTimeField(null=True, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Standing of {self.user_id}"

    def send_refusal(self, now: datetime | None = None) -> tuple[str, str] | None:
        """Why this user may not send messages now, as (code, detail); None when they may.

        The one rule for "is this user allowed to send": the socket, the API and the admin
        all ask here.
        """
        if self.banned_at is not None:
            return "banned", "this account is banned from sending messages"
        now = now or timezone.now()
        if self.muted_until is not None and self.muted_until > now:
            until = self.muted_until.isoformat(timespec="seconds")
            return "muted", f"you are muted until {until}"
        return None


class AuditEvent(models.Model):
    """Every automatic and human moderation decision, append-only."""

    class Action(models.TextChoices):
        AUTO_FLAG = "auto_flag", "Flagged by the pipeline"
        AUTO_MASK = "auto_mask", "Masked by the pipeline"
        AUTO_HOLD = "auto_hold", "Held by the pipeline"
        AUTO_BLOCK = "auto_block", "Blocked by the pipeline"
        AUTO_MUTE = "auto_mute", "Muted as a repeat offender"
        SCORE_FAILED = "score_failed", "LLM score unavailable"
        REPORT = "report", "Reported by a user"
        APPEAL = "appeal", "Appealed by the sender"
        EDIT = "edit", "Edited by the sender"
        DELETE = "delete", "Deleted by the sender"
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        MUTE = "mute", "Muted"
        BAN = "ban", "Banned"

    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
        help_text="Empty for automatic decisions.",
    )
    case = models.ForeignKey(
        ModerationCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    message = models.ForeignKey(
        "chat.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class ScamScore(models.Model):
    """Cached LLM scam scores, keyed by a content hash of the text and the scoring prompt."""

    key = models.CharField(max_length=64, unique=True)
    score = models.FloatField()
    category = models.CharField(max_length=40)
    reason = models.CharField(max_length=300, blank=True)
    provider = models.CharField(max_length=40)
    model = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.score} {self.category}"
