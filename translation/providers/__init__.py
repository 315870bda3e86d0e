"""Translation providers: the interface (``base``), one module per backend, and the registry
of the configured chain. Callers import from here; the modules of the package import ``base``
only, never this package's front."""

from translation.providers.base import Completion, LLMProvider, Provider, TranslationResult
from translation.providers.registry import (
    check_configuration,
    configured_chain_spec,
    get_chain,
    get_provider,
    parse_chain,
)

__all__ = [
    "Completion",
    "LLMProvider",
    "Provider",
    "TranslationResult",
    "check_configuration",
    "configured_chain_spec",
    "get_chain",
    "get_provider",
    "parse_chain",
]
