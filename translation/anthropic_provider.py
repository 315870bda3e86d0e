"""Translation through Anthropic's Messages API, over the official SDK (streamed)."""

import anthropic

from translation.failures import (
    classify_status,
    is_transport_exception,
    parse_retry_after,
    transport_error,
)
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
        try:
            with self.client.messages.stream(
                model=self.model,
                max_tokens=max_tokens,
                system=system,
                messages=[{"role": "user", "content": user}],
            ) as stream:
                message = stream.get_final_message()
        except anthropic.APIStatusError as error:
            if error.status_code == 200:  # an error event in the middle of the stream
                raise transport_error(self.name, "stream_error", str(error)) from error
            raise classify_status(
                self.name,
                error.status_code,
                str(error.message),
                parse_retry_after(error.response.headers),
            ) from error
        except anthropic.APITimeoutError as error:
            raise transport_error(self.name, "timeout") from error
        except anthropic.APIConnectionError as error:
            raise transport_error(self.name, "connection", str(error)) from error
        except anthropic.APIError as error:
            raise transport_error(self.name, "stream_error", str(error)) from error
        except Exception as error:
            if is_transport_exception(error):
                raise transport_error(self.name, "connection", str(error)) from error
            raise
        text = "".join(block.text for block in message.content if block.type == "text")
        return Completion(text, message.usage.input_tokens, message.usage.output_tokens)
