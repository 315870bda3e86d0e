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
