"""The configured chain of providers: TRANSLATION_PROVIDERS parsed and checked at start.

"anthropic:claude-haiku-4-5,openai:gpt-4o-mini" names the providers to try, primary first;
unset, every provider with a key or a base URL, else the offline demo. A typo is a start-up
error (``check_configuration``, run from the app's ready()), not a failure at the first
message.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from translation.providers.anthropic_messages import AnthropicProvider
from translation.providers.base import Provider
from translation.providers.offline import OfflineProvider
from translation.providers.openai_chat import OpenAIProvider

__all__ = [
    "KINDS",
    "build_provider",
    "check_configuration",
    "configured_chain_spec",
    "get_chain",
    "get_provider",
    "parse_chain",
]

KINDS = ("anthropic", "openai", "offline")


def parse_chain(spec: str) -> list[tuple[str, str]]:
    """ "anthropic:claude-haiku-4-5,openai:gpt-4o-mini" → [(kind, model), ...]."""
    chain = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        kind, _, model = item.partition(":")
        kind = kind.strip().lower()
        if kind not in KINDS:
            raise ValueError(
                f"unknown translation provider {kind!r} in TRANSLATION_PROVIDERS "
                f"(known: {', '.join(KINDS)})"
            )
        if kind == "offline" and model.strip():
            raise ValueError(f"the offline provider takes no model (got {item!r})")
        chain.append((kind, model.strip()))
    if not chain and spec.strip():
        raise ValueError(f"TRANSLATION_PROVIDERS names no provider: {spec!r}")
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
        return AnthropicProvider(
            model or settings.ANTHROPIC_MODEL,
            api_key=settings.ANTHROPIC_API_KEY,
            base_url=settings.ANTHROPIC_BASE_URL,
            timeout=settings.TRANSLATION_TIMEOUT,
            max_retries=settings.TRANSLATION_SDK_RETRIES,
        )
    if kind == "openai":
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


def check_configuration() -> None:
    """Parse TRANSLATION_PROVIDERS and build the chain now; ImproperlyConfigured on a typo."""
    try:
        get_chain()
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from error
