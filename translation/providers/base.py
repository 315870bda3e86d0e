"""The interface every translation backend implements, and the base of the LLM ones.

Below everything else of the package: the providers import it, it imports none of them.
"""

import json
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from translation.failures import ProviderError
from translation.prompts import PROMPT_VERSION, system_prompt, user_prompt
from translation.validation import checked_output

__all__ = [
    "UNPARSED",
    "Completion",
    "LLMProvider",
    "ManyResult",
    "Provider",
    "TranslationResult",
    "parsed_answers",
]


@dataclass(frozen=True, slots=True)
class TranslationResult:
    text: str
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class ManyResult:
    """One call's translations into several languages, and what the call cost."""

    texts: Mapping[str, str]
    rejected: Mapping[str, str]
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
            system=system_prompt(targets=1),
            user=user_prompt(text, source=source, targets=[target], glossary=glossary),
            # Generous: translations run longer than their source in many language pairs.
            max_tokens=max(256, len(text)),
        )
        try:
            output = self._checked(text, completion.text, source, target)
        except ProviderError as error:
            # The answer was paid for even though it is refused.
            error.input_tokens = completion.input_tokens
            error.output_tokens = completion.output_tokens
            raise
        return TranslationResult(
            text=output,
            provider=self.name,
            model=self.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    def translate_many(
        self, text: str, *, source: str, targets: Sequence[str], glossary: Sequence[str] = ()
    ) -> ManyResult:
        """One call for every target language, answered as JSON keyed by language. Targets
        whose answer is missing or fails the checks are in ``rejected``, with the reason;
        an answer that is not JSON at all rejects every target ("unparsed")."""
        started = time.perf_counter()
        completion = self.complete(
            system=system_prompt(targets=len(targets)),
            user=user_prompt(text, source=source, targets=targets, glossary=glossary),
            max_tokens=max(256, len(text) * len(targets) + 32 * len(targets)),
        )
        texts: dict[str, str] = {}
        rejected: dict[str, str] = {}
        answers = parsed_answers(completion.text)
        for target in targets:
            answer = answers.get(target) if answers is not None else None
            if not isinstance(answer, str):
                rejected[target] = UNPARSED if answers is None else "no answer for the language"
                continue
            try:
                texts[target] = self._checked(text, answer, source, target)
            except ProviderError as error:
                rejected[target] = error.detail or error.code
        return ManyResult(
            texts=texts,
            rejected=rejected,
            provider=self.name,
            model=self.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    def _checked(self, text: str, output: str, source: str, target: str) -> str:
        return checked_output(
            self.name,
            source_text=text,
            output=output,
            source=source,
            target=target,
            supported=settings.SUPPORTED_LANGUAGES,
        )


# The reason of a target whose call answered with something that is not JSON.
UNPARSED = "output is not JSON"
_FENCED_JSON = re.compile(r"\{.*\}", re.DOTALL)


def parsed_answers(output: str) -> dict[str, object] | None:
    """The JSON object a multi-language call answered with (code fences and words around it
    tolerated), or None."""
    match = _FENCED_JSON.search(output)
    if match is None:
        return None
    try:
        answers = json.loads(match.group())
    except ValueError:
        return None
    return answers if isinstance(answers, dict) else None
