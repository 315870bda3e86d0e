"""The translation cache: one row per (source, target, normalized text, prompt version)."""

from django.db import models


class CachedTranslation(models.Model):
    key = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the cache key parts.")
    source_language = models.CharField(max_length=8)
    target_language = models.CharField(max_length=8)
    prompt_version = models.CharField(max_length=40)
    source_text = models.TextField()
    text = models.TextField()
    provider = models.CharField(max_length=40)
    model = models.CharField(max_length=100, blank=True)
    hits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["source_language", "target_language"], name="cache_language_pair")
        ]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language} {self.key[:12]}"


class ProviderCall(models.Model):
    """One request to a translation provider: what it cost and how it went."""

    provider = models.CharField(max_length=40)
    model = models.CharField(max_length=100)
    purpose = models.CharField(max_length=20, default="message")
    ok = models.BooleanField(default=True)
    error = models.CharField(max_length=40, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    # A failed call whose provider reported no usage is billed at an estimate of its input.
    tokens_estimated = models.BooleanField(default=False)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=8, default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    # Whose budget the call counts against, and for which message (both optional: bios).
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    message_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user_id", "created_at"], name="call_user_day")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.model} {'ok' if self.ok else self.error}"
