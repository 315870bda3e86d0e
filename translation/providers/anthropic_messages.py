"""Translation through Anthropic's Messages API, over the official SDK (streamed)."""

import anthropic

from translation.failures import ProviderError, billed_on_failure, classified_sdk_errors
from translation.providers.base import Completion, LLMProvider


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
        stream = None
        try:
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
        except ProviderError as error:
            if stream is not None:  # accepted, then broken: the input was billed
                billed_on_failure(error, _input_tokens(stream), system + user)
            raise
        text = "".join(block.text for block in message.content if block.type == "text")
        return Completion(text, message.usage.input_tokens, message.usage.output_tokens)


def _input_tokens(stream) -> int | None:
    """The input tokens the stream's message_start reported, if it got that far."""
    try:
        return stream.current_message_snapshot.usage.input_tokens
    except (AttributeError, AssertionError, TypeError):
        return None
