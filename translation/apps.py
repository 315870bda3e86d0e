from django.apps import AppConfig


class TranslationConfig(AppConfig):
    name = "translation"
    verbose_name = "Translation"

    def ready(self) -> None:
        """Check TRANSLATION_PROVIDERS at start: a typo stops the process with its name,
        rather than failing the first message."""
        # Imported here, not at the top: building the chain reads settings and starts the
        # SDK clients, which belongs to start-up, not to importing the app's configuration.
        from translation.providers import check_configuration

        check_configuration()
