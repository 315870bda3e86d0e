from importlib import import_module

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured

from moderation.lexicon import LexiconError, load_lexicons

# The detectors that compile the lexicons into their patterns when imported.
LEXICON_READERS = (
    "moderation.payments",
    "moderation.handles",
    "moderation.emails",
    "moderation.spelled_numbers",
    "moderation.signals",
)


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        """Read and check every lexicon, and compile the detectors that read them, at start:
        a broken lexicon stops the process with the file and key at fault, rather than the
        first message that needs it."""
        try:
            load_lexicons()
            # Imported here rather than at the top: compiling them is what this check is
            # for, and it belongs to start-up, not to importing the app's configuration.
            for module in LEXICON_READERS:
                import_module(module)
        except LexiconError as error:
            raise ImproperlyConfigured(f"moderation lexicons: {error}") from error
