"""Translation through Anthropic's Messages API, over the official SDK (streamed)."""

import anthropic

from translation.failures import classified_sdk_errors
from translation.providers import Completion, LLMProvider


class AnthropicProvider(LLMProvider):
    name = "anthropic"

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
        # Our engine retries and fails over; the SDK's own retries stay bounded by settings.
        self.client = anthropic.Anthropic(
            api_key=api_key or "unset",
            base_url=base_url or None,
            timeout=timeout,
            max_retries=max_retries,
        )

    def complete(self, *, system: str, user: str, max_tokens: int) -> Completion:
        with (
            classified_sdk_errors(self.name, anthropic),
            self.client.messages.stream(
                model=self.model,
                max_tokens=max_tokens,
                system=system,
                messages=[{"role": "user", "content": user}],
            ) as stream,
        ):
            message = stream.get_final_message()
        text = "".join(block.text for block in message.content if block.type == "text")
        return Completion(text, message.usage.input_tokens, message.usage.output_tokens)
