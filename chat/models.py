"""Conversations, their members and their messages."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from translation.results import TranslationStatus


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(max_length=8, default="en", help_text="ISO 639-1 code.")
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; the hint for phone numbers."
    )
    bio = models.TextField(blank=True, max_length=2000)
    # Bumped on every bio change, so clients can tell a stale translated bio from a fresh one.
    bio_version = models.PositiveIntegerField(default=1)
    # The host app's id of a user it provisioned through the server API (none for local users).
    external_id = models.CharField(max_length=150, unique=True, null=True, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    # Part of every user token: bumping it revokes every token issued before (chat/tokens.py).
    token_epoch = models.PositiveIntegerField(default=0)
    # The language of the web client's interface (blank: the reading language, if translated).
    interface_language = models.CharField(max_length=8, blank=True)
    # When the user's last socket closed (presence: "last seen"); null if never connected.
    last_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class Conversation(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct"
        GROUP = "group", "Group"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.DIRECT)
    title = models.CharField(max_length=200, blank=True)
    glossary = models.JSONField(
        default=list,
        blank=True,
        help_text="Names and nicknames translation keeps as they are (with the members' names).",
    )
    # The last sequence number given to a delivered message; the next one is this plus one.
    last_seq = models.PositiveBigIntegerField(default=0)
    # The host app's match this conversation was opened for (server API), unique.
    external_id = models.CharField(max_length=150, unique=True, null=True, blank=True)

    class CloseReason(models.TextChoices):
        UNMATCHED = "unmatched", "Unmatched by the host app"
        BLOCKED = "blocked", "A member blocked another"

    # Closed (an unmatch, a block): members read the history, nobody sends.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=12, choices=CloseReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} conversation {self.pk}"


class Participant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    translate = models.BooleanField(default=False, help_text="Reader opted in to translation.")
    # Blank means "use the profile's language".
    language = models.CharField(max_length=8, blank=True)
    # Receipts: the highest number that reached one of the member's devices, and that they read.
    delivered_seq = models.PositiveBigIntegerField(default=0)
    last_read_seq = models.PositiveBigIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="participant_unique_per_conversation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.conversation_id}"

    @property
    def reading_language(self) -> str:
        if self.language:
            return self.language
        try:
            return self.user.profile.language
        except Profile.DoesNotExist:
            return Profile._meta.get_field("language").default


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        # Checked and translated; waits for the earlier messages of its conversation (the
        # reorder buffer) before it takes a sequence number. See chat/services/delivery.py.
        READY = "ready", "Ready, waiting for earlier messages"
        DELIVERED = "delivered", "Delivered"
        HELD = "held", "Held for review"
        BLOCKED = "blocked", "Blocked"
        REJECTED = "rejected", "Rejected"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_messages"
    )
    client_id = models.CharField(max_length=64, help_text="The sender's id, for idempotency.")
    text = models.TextField()
    source_language = models.CharField(max_length=8, blank=True)
    # Not indexed on its own: the pipeline and the sweep read unfinished messages through the
    # partial index below, and a status index would cost every state change a write.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Given when the message is delivered; orders the conversation and lets clients resume.
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=40, blank=True, help_text="Why held or blocked.")
    findings = models.JSONField(default=list, blank=True)
    # The verdict of a READY message, kept until it is finalized in its turn.
    decision = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the message was last handed to the pipeline again (null: only when it was stored).
    requeued_at = models.DateTimeField(null=True, blank=True)
    # The worker that last received the message's task, and when (chat/services/claims.py).
    claimed_by = models.PositiveIntegerField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    # When an edit of the sender's last took effect (every version is a MessageVersion).
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted by its sender: readers see a stub; the text stays for moderators.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # What readers see when the safety check masked a contact detail (blank: the text itself).
    # A database default too: the accept path inserts messages with a plain statement.
    masked_text = models.TextField(blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sender", "client_id"], name="message_client_id"),
            models.UniqueConstraint(
                fields=["conversation", "seq"],
                condition=Q(seq__isnull=False),
                name="message_seq_per_conversation",
            ),
        ]
        indexes = [
            # The reorder buffer: a conversation's messages that are not final yet, in order.
            models.Index(
                fields=["conversation", "id"],
                condition=Q(status__in=["pending", "ready"]),
                name="message_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} ({self.status})"


class MessageEdit(models.Model):
    """One text a message had or was asked to have: the original (kept when the first edit
    lands), every edit with its own verdict, and what a deletion removed. Moderators read
    them all; readers only ever see the message's current text."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being checked"
        APPLIED = "applied", "Applied"
        BLOCKED = "blocked", "Blocked"
        HELD = "held", "Held for review"
        REJECTED = "rejected", "Rejected by a moderator"
        SUPERSEDED = "superseded", "Replaced by a later version"

    class Kind(models.TextChoices):
        ORIGINAL = "original", "Original"
        EDIT = "edit", "Edit"
        DELETION = "deletion", "Deleted"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="edits")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDIT)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=40, blank=True)
    findings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of message {self.message_id} ({self.status})"


class Block(models.Model):
    """A member who does not want to hear from another: no messages either way, and their
    conversations are closed for both."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocked {self.blocked_id}"


class MessageTranslation(models.Model):
    # One vocabulary with the engine's (translation/results.py).
    Status = TranslationStatus

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DONE)
    reason = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)
    provider = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=100, blank=True)
    from_cache = models.BooleanField(default=False)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=8, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "language"], name="translation_unique_per_language"
            )
        ]
        # The retry sweep reads the unavailable ones every minute: a small index of them only.
        indexes = [
            models.Index(
                fields=["message"],
                name="translation_unavailable",
                condition=Q(status="unavailable"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.language}"


class ApiKey(models.Model):
    """A key the host app's backend calls the server API with. Only a digest of its secret is
    stored: the key itself is shown once, when it is created."""

    class Scope(models.TextChoices):
        USERS = "users", "Provision and deactivate users"
        CONVERSATIONS = "conversations", "Open and close matches"
        TOKENS = "tokens", "Mint and revoke user tokens"
        WEBHOOKS = "webhooks", "Register and remove webhooks"

    name = models.CharField(max_length=100, help_text="Who uses it, e.g. the app's backend.")
    # The key's public part: "xk_<prefix>_<secret>"; shown in lists to tell keys apart.
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the secret part.")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} (xk_{self.prefix}_…)"


class WebhookEndpoint(models.Model):
    """A URL of the host app's that receives signed events (docs/integration.md)."""

    class Event(models.TextChoices):
        MESSAGE_BLOCKED = "message.blocked", "A message was blocked"
        MESSAGE_HELD = "message.held", "A message was held for review"
        CASE_DECIDED = "case.decided", "A moderator decided a case"
        USER_MUTED = "user.muted", "A user was muted"
        USER_BANNED = "user.banned", "A user was banned"
        REPORT_CREATED = "report.created", "A member reported a message or a member"
        CONVERSATION_CLOSED = "conversation.closed", "A conversation was closed"

    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="The event types sent here.")
    # The key events are signed with (HMAC-SHA256). It must be kept to sign, so it is stored.
    secret = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, and its log."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (no more attempts)"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(help_text="The event's id: the same for every endpoint.")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
