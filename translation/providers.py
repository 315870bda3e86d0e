"""The provider interface every translation backend implements, and the configured chain."""

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings

from translation.offline import offline_translate
from translation.prompts import PROMPT_VERSION, system_prompt, user_prompt
from translation.validation import checked_output

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TranslationResult:
    text: str
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class Completion:
    """What an LLM returned for one prompt."""

    text: str
    input_tokens: int
    output_tokens: int


class Provider(Protocol):
    name: str
    model: str
    # True for a provider whose output is not a real translation (shown as such to readers).
    is_demo: bool

    def cache_namespace(self) -> str:
        """A tag kept in the cache key, so output of a demo engine never answers for an LLM."""
        ...

    def translate(
        self, text: str, *, source: str, target: str, glossary: Sequence[str] = ()
    ) -> TranslationResult:
        """Translate, or raise translation.failures.ProviderError."""
        ...


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


class LLMProvider(ABC):
    """Translation over a chat model; subclasses implement `complete` with their SDK."""

    name = "llm"
    is_demo = False

    def __init__(self, model: str) -> None:
        self.model = model

    def cache_namespace(self) -> str:
        # Output of every LLM is interchangeable for the cache: one call per text, whichever
        # model made it. The prompt version keeps instructions and output in step.
        return f"llm:{PROMPT_VERSION}"

    @abstractmethod
    def complete(self, *, system: str, user: str, max_tokens: int) -> Completion:
        """One model call; raises translation.failures.ProviderError, classified."""

    def translate(
        self, text: str, *, source: str, target: str, glossary: Sequence[str] = ()
    ) -> TranslationResult:
        started = time.perf_counter()
        completion = self.complete(
            system=system_prompt(source=source, target=target, glossary=glossary),
            user=user_prompt(text),
            # Generous: translations run longer than their source in many language pairs.
            max_tokens=max(256, len(text)),
        )
        output = checked_output(
            self.name,
            source_text=text,
            output=completion.text,
            source=source,
            target=target,
            supported=settings.SUPPORTED_LANGUAGES,
        )
        return TranslationResult(
            text=output,
            provider=self.name,
            model=self.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            latency_ms=(time.perf_counter() - started) * 1000,
        )


def parse_chain(spec: str) -> list[tuple[str, str]]:
    """ "anthropic:claude-haiku-4-5,openai:gpt-4o-mini" → [(kind, model), ...]."""
    chain = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        kind, _, model = item.partition(":")
        kind = kind.strip().lower()
        if kind not in {"anthropic", "openai", "offline"}:
            raise ValueError(f"unknown translation provider {kind!r} in TRANSLATION_PROVIDERS")
        chain.append((kind, model.strip()))
    return chain


def configured_chain_spec() -> list[tuple[str, str]]:
    """The chain from TRANSLATION_PROVIDERS, or what the configured keys and URLs imply."""
    if settings.TRANSLATION_PROVIDERS:
        return parse_chain(settings.TRANSLATION_PROVIDERS)
    chain = []
    if settings.ANTHROPIC_API_KEY:
        chain.append(("anthropic", settings.ANTHROPIC_MODEL))
    if settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL:
        chain.append(("openai", settings.OPENAI_MODEL))
    return chain or [("offline", "")]


def build_provider(kind: str, model: str) -> Provider:
    if kind == "anthropic":
        from translation.anthropic_provider import AnthropicProvider

        return AnthropicProvider(
            model or settings.ANTHROPIC_MODEL,
            api_key=settings.ANTHROPIC_API_KEY,
            base_url=settings.ANTHROPIC_BASE_URL,
            timeout=settings.TRANSLATION_TIMEOUT,
            max_retries=settings.TRANSLATION_SDK_RETRIES,
        )
    if kind == "openai":
        from translation.openai_provider import OpenAIProvider

        return OpenAIProvider(
            model or settings.OPENAI_MODEL,
            api_key=settings.OPENAI_API_KEY,
            base_url=settings.OPENAI_BASE_URL,
            timeout=settings.TRANSLATION_TIMEOUT,
            max_retries=settings.TRANSLATION_SDK_RETRIES,
        )
    return OfflineProvider()


@cache
def _chain(spec: tuple[tuple[str, str], ...], _settings_key: tuple) -> tuple[Provider, ...]:
    return tuple(build_provider(kind, model) for kind, model in spec)


def get_chain() -> tuple[Provider, ...]:
    """The providers to try in order. SDK clients are built once per configuration."""
    spec = tuple(configured_chain_spec())
    key = (
        settings.ANTHROPIC_API_KEY,
        settings.ANTHROPIC_BASE_URL,
        settings.OPENAI_API_KEY,
        settings.OPENAI_BASE_URL,
        settings.TRANSLATION_TIMEOUT,
        settings.TRANSLATION_SDK_RETRIES,
    )
    return _chain(spec, key)


def get_provider() -> Provider:
    """The first provider of the chain (what a reader's translation is labelled with)."""
    return get_chain()[0]
