"""The offline demo provider: no network, no key, plainly labelled as a demo."""

import time
from collections.abc import Sequence

from translation.offline import offline_translate
from translation.providers.base import TranslationResult

__all__ = ["OfflineProvider"]


class OfflineProvider:
    """Word-by-word lexicon substitution for development, with no network and no API key.

    Readers see its output labelled as an offline demo translation, never as a real one.
    """

    name = "offline"
    model = "lexicon-1"
    is_demo = True

    def cache_namespace(self) -> str:
        return f"{self.name}:{self.model}"

    def translate(
        self, text: str, *, source: str, target: str, glossary: Sequence[str] = ()
    ) -> TranslationResult:
        started = time.perf_counter()
        translated = offline_translate(text, source=source, target=target)
        return TranslationResult(
            text=translated,
            provider=self.name,
            model=self.model,
            latency_ms=(time.perf_counter() - started) * 1000,
        )
