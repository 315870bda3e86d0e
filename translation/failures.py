"""Provider failures, classified once: what the engine does about each.

| failure                                       | disposition | what the engine does          |
|-----------------------------------------------|-------------|-------------------------------|
| 429 rate limited                              | RETRY       | wait retry-after, then again  |
| 529 / 503 overloaded or unavailable           | RETRY       | back off, again; fail over    |
| other 5xx, 408, 409                           | RETRY       | back off, again; fail over    |
| timeout, dropped connection, broken stream    | RETRY       | back off, again; fail over    |
| output that fails validation                  | QUALITY     | again; fail over; no breaker  |
| 401 / 403 (bad key), 404 (unknown model)      | SKIP        | next provider at once         |
| 400 / 413 / 422 saying the input is too long  | SPLIT       | translate it in pieces        |
| other 400 / 422 bad request                   | FAIL_FAST   | no retry, no failover         |

A RETRY failure is tried again on the same provider up to TRANSLATION_ATTEMPTS times, then
the next provider is tried; a retry-after longer than TRANSLATION_MAX_RETRY_AFTER fails over
at once. Only RETRY failures count against a provider's circuit breaker: a bad request says nothing
about the provider's health, and neither does an answer that failed the output checks (QUALITY:
counted per provider and language pair instead; a text whose every answer fails is
untranslatable, and not retried).

A failure after the provider accepted the request (a stream cut short) carries the input
tokens the provider reported, or an estimate marked as such: they are billed all the same.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType


class Disposition(StrEnum):
    RETRY = "retry"
    QUALITY = "quality"
    SKIP = "skip"
    SPLIT = "split"
    FAIL_FAST = "fail_fast"


@dataclass(frozen=True, slots=True)
class Rule:
    disposition: Disposition
    code: str


STATUS_RULES: dict[int, Rule] = {
    400: Rule(Disposition.FAIL_FAST, "bad_request"),
    401: Rule(Disposition.SKIP, "authentication"),
    403: Rule(Disposition.SKIP, "permission"),
    404: Rule(Disposition.SKIP, "unknown_model"),
    408: Rule(Disposition.RETRY, "request_timeout"),
    409: Rule(Disposition.RETRY, "conflict"),
    413: Rule(Disposition.SPLIT, "too_large"),
    422: Rule(Disposition.FAIL_FAST, "unprocessable"),
    429: Rule(Disposition.RETRY, "rate_limited"),
    503: Rule(Disposition.RETRY, "unavailable"),
    529: Rule(Disposition.RETRY, "overloaded"),
}
SERVER_ERROR = Rule(Disposition.RETRY, "server_error")
# Phrases with which the APIs say that the input is too long for the model.
TOO_LONG_MARKERS = ("too long", "maximum context", "context length", "prompt is too long")


class ProviderError(Exception):
    """A provider call failed; `disposition` says what the engine should do next."""

    def __init__(
        self,
        provider: str,
        code: str,
        disposition: Disposition,
        detail: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{provider}: {code} {detail}".strip())
        self.provider = provider
        self.code = code
        self.disposition = disposition
        self.detail = detail
        self.retry_after = retry_after
        # What the provider billed for a request it accepted before failing (or answered with
        # output that failed the checks); `estimated` when it reported nothing.
        self.input_tokens = 0
        self.output_tokens = 0
        self.estimated = False


def classify_status(
    provider: str, status: int, message: str, retry_after: float | None
) -> ProviderError:
    """Turn an HTTP error status from an API into a classified ProviderError."""
    rule = STATUS_RULES.get(status)
    if rule is None:
        rule = SERVER_ERROR if status >= 500 else Rule(Disposition.FAIL_FAST, f"http_{status}")
    if status in (400, 413, 422) and any(m in message.lower() for m in TOO_LONG_MARKERS):
        rule = Rule(Disposition.SPLIT, "input_too_long")
    return ProviderError(provider, rule.code, rule.disposition, message[:200], retry_after)


def transport_error(provider: str, code: str, detail: str = "") -> ProviderError:
    """Timeouts, dropped connections and broken streams: always worth another try."""
    return ProviderError(provider, code, Disposition.RETRY, detail[:200])


def bad_output(provider: str, detail: str) -> ProviderError:
    return ProviderError(provider, "bad_output", Disposition.QUALITY, detail[:200])


def billed_on_failure(error: ProviderError, input_tokens: int | None, prompt: str) -> None:
    """Mark a call the provider accepted and then failed with the input tokens it reported,
    or an estimate (a quarter of the prompt's characters) marked as such."""
    if input_tokens:
        error.input_tokens = input_tokens
    else:
        error.input_tokens = max(1, -(-len(prompt) // 4))
        error.estimated = True


def parse_retry_after(headers) -> float | None:
    """Seconds to wait from retry-after-ms / retry-after headers (seconds form only)."""
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value:
            try:
                return max(float(value) * scale, 0.0)
            except ValueError:
                continue
    return None


# The SDKs' HTTP stacks (httpx, or httpx2 in newer SDKs) can raise their own transport errors
# while a stream is read, outside the SDK's exception hierarchy.
_TRANSPORT_MODULES = frozenset({"httpx", "httpx2", "httpcore", "httpcore2", "h11", "anyio"})


def is_transport_exception(error: BaseException) -> bool:
    if isinstance(error, OSError | TimeoutError):
        return True
    return type(error).__module__.split(".")[0] in _TRANSPORT_MODULES


@contextmanager
def classified_sdk_errors(provider: str, sdk: ModuleType) -> Iterator[None]:
    """Turn anything the `anthropic` or `openai` SDK raises (they share one exception
    hierarchy) into a classified ProviderError."""
    try:
        yield
    except sdk.APIStatusError as error:
        if error.status_code == 200:  # an error event in the middle of a stream
            raise transport_error(provider, "stream_error", str(error)) from error
        retry_after = parse_retry_after(error.response.headers)
        raise classify_status(
            provider, error.status_code, str(error.message), retry_after
        ) from error
    except sdk.APITimeoutError as error:
        raise transport_error(provider, "timeout") from error
    except sdk.APIConnectionError as error:
        raise transport_error(provider, "connection", str(error)) from error
    except sdk.APIError as error:  # a broken stream the SDK noticed
        raise transport_error(provider, "stream_error", str(error)) from error
    except ProviderError:
        raise
    except Exception as error:
        if is_transport_exception(error):
            raise transport_error(provider, "connection", str(error)) from error
        raise
