"""The one status vocabulary of a translation, for the engine, its callers and the rows that
keep translations (chat.MessageTranslation)."""

from django.db import models

__all__ = ["TranslationStatus"]


class TranslationStatus(models.TextChoices):
    DONE = "done", "Done"
    # Every provider failed (an outage): retried in the background until it arrives or
    # TRANSLATION_RETRY_MAX_AGE passes; readers get it as message.update.
    UNAVAILABLE = "unavailable", "Unavailable"
    # The sender's daily budget was spent: delivered in the original only.
    SKIPPED = "skipped", "Skipped"
    # Every provider answered, and every answer failed the output checks: not retried.
    UNTRANSLATABLE = "untranslatable", "Untranslatable"
