"""The provider interface every translation backend implements, and how one is chosen."""

import time
from dataclasses import dataclass
from typing import Protocol

from translation.offline import offline_translate


@dataclass(frozen=True, slots=True)
class TranslationResult:
    text: str
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0


class Provider(Protocol):
    name: str
    model: str
    # True for a provider whose output is not a real translation (shown as such to readers).
    is_demo: bool

    def cache_namespace(self) -> str:
        """A tag kept in the cache key, so output of a demo engine never answers for an LLM."""
        ...

    def translate(self, text: str, *, source: str, target: str) -> TranslationResult: ...


class OfflineProvider:
    """Word-by-word lexicon substitution for development, with no network and no API key.

    Readers see its output labelled as an offline demo translation, never as a real one.
    """

    name = "offline"
    model = "lexicon-1"
    is_demo = True

    def cache_namespace(self) -> str:
        return f"{self.name}:{self.model}"

    def translate(self, text: str, *, source: str, target: str) -> TranslationResult:
        started = time.perf_counter()
        translated = offline_translate(text, source=source, target=target)
        return TranslationResult(
            text=translated,
            provider=self.name,
            model=self.model,
            latency_ms=(time.perf_counter() - started) * 1000,
        )


def get_provider() -> Provider:
    """The provider the pipeline translates with."""
    return OfflineProvider()
