"""The one result type and status vocabulary of a translation, for the engine, its callers and
the rows that keep translations (chat.MessageTranslation). A provider's answer to one call is
another thing (translation.providers.base.TranslationResult: its text and its tokens)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

__all__ = ["Translation", "TranslationStatus"]


class TranslationStatus(models.TextChoices):
    DONE = "done", "Done"
    # Every provider failed (an outage): retried in the background until it arrives or
    # TRANSLATION_RETRY_MAX_AGE passes; readers get it as message.update.
    UNAVAILABLE = "unavailable", "Unavailable"
    # The sender's daily budget was spent: delivered in the original only.
    SKIPPED = "skipped", "Skipped"
    # No retry can help: every provider's answer failed the output checks, or a provider
    # refused the text itself (a bad request); `reason` says which. Not retried.
    UNTRANSLATABLE = "untranslatable", "Untranslatable"


@dataclass(frozen=True, slots=True)
class Translation:
    """A text in one reader's language, or why it is not there."""

    language: str
    status: str
    text: str = ""
    provider: str = ""
    model: str = ""
    from_cache: bool = False
    reason: str = ""
    # An unavailable translation that a later attempt may get (a provider outage).
    retryable: bool = False
    cost_usd: Decimal = Decimal(0)

    @classmethod
    def done(
        cls,
        language: str,
        text: str,
        *,
        provider: str,
        model: str = "",
        from_cache: bool = False,
        cost_usd: Decimal = Decimal(0),
    ) -> "Translation":
        return cls(
            language,
            TranslationStatus.DONE,
            text=text,
            provider=provider,
            model=model,
            from_cache=from_cache,
            cost_usd=cost_usd,
        )
