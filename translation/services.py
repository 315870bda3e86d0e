"""Translate a message's text into the languages its readers asked for."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from translation.cache import cache_get, cache_key, cache_put
from translation.providers import Provider, get_provider


@dataclass(frozen=True, slots=True)
class Translation:
    language: str
    text: str
    provider: str
    model: str
    from_cache: bool


def translations_for(
    *, text: str, source: str, targets: Iterable[str], provider: Provider | None = None
) -> list[Translation]:
    """One translation per distinct target other than the source, cache first."""
    provider = provider or get_provider()
    prompt_version = f"{provider.cache_namespace()}:{settings.TRANSLATION_PROMPT_VERSION}"
    results = []
    for target in sorted(set(targets) - {source}):
        key = cache_key(text=text, source=source, target=target, prompt_version=prompt_version)
        entry = cache_get(key)
        if entry is not None:
            results.append(
                Translation(target, entry.text, entry.provider, entry.model, from_cache=True)
            )
            continue
        result = provider.translate(text, source=source, target=target)
        entry = cache_put(
            key=key,
            source=source,
            target=target,
            prompt_version=prompt_version,
            source_text=text,
            text=result.text,
            provider=result.provider,
            model=result.model,
        )
        results.append(
            Translation(target, entry.text, entry.provider, entry.model, from_cache=False)
        )
    return results
