"""Translation through OpenAI Chat Completions, over the official SDK (streamed).

With OPENAI_BASE_URL it serves any OpenAI-compatible server: Ollama, vLLM, llama.cpp.
"""

import openai

from translation.failures import (
    ProviderError,
    billed_on_failure,
    classified_sdk_errors,
    transport_error,
)
from translation.providers.base import Completion, LLMProvider


class OpenAIProvider(LLMProvider):
    name = "openai"

    def __init__(
        self,
        model: str,
        *,
        api_key: str,
        base_url: str = "",
        timeout: float = 20.0,
        max_retries: int = 0,
    ) -> None:
        super().__init__(model)
        # Local compatible servers need no key, but the SDK insists on one.
        self.client = openai.OpenAI(
            api_key=api_key or "unset",
            base_url=base_url or None,
            timeout=timeout,
            max_retries=max_retries,
        )
        # OpenAI's newer models take max_completion_tokens; compatible servers know max_tokens.
        self._limit_field = "max_tokens" if base_url else "max_completion_tokens"

    def complete(self, *, system: str, user: str, max_tokens: int) -> Completion:
        pieces: list[str] = []
        usage = None
        finish_reason = None
        stream = None
        try:
            with classified_sdk_errors(self.name, openai):
                stream = self.client.chat.completions.create(
                    model=self.model,
                    messages=[
                        {"role": "system", "content": system},
                        {"role": "user", "content": user},
                    ],
                    stream=True,
                    stream_options={"include_usage": True},
                    **{self._limit_field: max_tokens},
                )
                for chunk in stream:
                    if chunk.usage is not None:
                        usage = chunk.usage
                    for choice in chunk.choices:
                        if choice.delta and choice.delta.content:
                            pieces.append(choice.delta.content)
                        finish_reason = choice.finish_reason or finish_reason
            if finish_reason is None:
                # The stream ended without a finish reason: it was cut short.
                raise transport_error(self.name, "stream_cut", "stream ended early")
        except ProviderError as error:
            if stream is not None:  # accepted, then broken: the input was billed
                billed_on_failure(error, usage.prompt_tokens if usage else None, system + user)
            raise
        input_tokens = usage.prompt_tokens if usage else 0
        output_tokens = usage.completion_tokens if usage else 0
        return Completion("".join(pieces), input_tokens, output_tokens)
