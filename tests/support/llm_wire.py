"""Wire formats of the Anthropic Messages API and the OpenAI Chat Completions API.

Pure builders for the JSON bodies, SSE events, error bodies and ids that the real services send,
so the fake server in `llm_server` only decides *what* to answer and how the HTTP exchange goes.
Shapes follow the public API references and what the official SDKs parse.
"""

import json
import math
import re
import secrets
import string
import time
import uuid
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from typing import Any

ANTHROPIC = "anthropic"
OPENAI = "openai"

# Chunks a streamed answer is split into at most; enough to exercise incremental parsing.
MAX_STREAM_CHUNKS = 8

_BASE62 = string.ascii_letters + string.digits
_ANTHROPIC_ORG = "3f0c8a7e-5b1d-4c2a-9e6f-0d1c2b3a4f5e"

# Anthropic documents one error type per status (https://docs.anthropic.com/en/api/errors).
_ANTHROPIC_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    402: ("billing_error", "Your credit balance is too low to access the Anthropic API."),
    403: (
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ),
    404: ("not_found_error", "The requested resource could not be found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit."),
    500: ("api_error", "Internal server error"),
    504: ("timeout_error", "Request timeout"),
    529: ("overloaded_error", "Overloaded"),
}

# OpenAI's (message, type, code) per status, as its API returns them for chat completions.
_OPENAI_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: ("Invalid request.", "invalid_request_error", None),
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    403: (
        "Country, region, or territory not supported",
        "request_forbidden",
        "unsupported_country",
    ),
    404: (
        "The model does not exist or you do not have access to it.",
        "invalid_request_error",
        "model_not_found",
    ),
    429: ("Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
    500: (
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        None,
    ),
    503: ("The server is overloaded or not ready yet.", "server_error", None),
}


def estimate_tokens(text: str) -> int:
    """A deterministic token count (a quarter of the characters, at least 1) for usage fields."""
    return max(1, math.ceil(len(text) / 4))


def truncate(text: str, max_tokens: int | None) -> tuple[str, bool]:
    """Cut `text` to what fits in `max_tokens` (by `estimate_tokens`), as a model stops there."""
    if max_tokens is None or estimate_tokens(text) <= max_tokens:
        return text, False
    return text[: max(0, max_tokens) * 4], True


def max_output_tokens(api: str, body: dict[str, Any]) -> int | None:
    """The request's output limit: `max_tokens`, or OpenAI's newer `max_completion_tokens`."""
    limit = body.get("max_tokens")
    if api == OPENAI:
        limit = body.get("max_completion_tokens") or limit
    return limit if isinstance(limit, int) else None


def wants_usage(body: dict[str, Any]) -> bool:
    """Whether an OpenAI stream should end with a usage chunk (`stream_options.include_usage`)."""
    options = body.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


def split_chunks(text: str, max_chunks: int = MAX_STREAM_CHUNKS) -> list[str]:
    """Split `text` at word boundaries into at most `max_chunks` pieces that join back to it."""
    words = re.findall(r"\s*\S+\s*|\s+", text)
    if len(words) <= max_chunks:
        return words
    per_chunk = math.ceil(len(words) / max_chunks)
    return ["".join(words[i : i + per_chunk]) for i in range(0, len(words), per_chunk)]


def request_id(api: str) -> str:
    """A request id in the provider's format: Anthropic `req_…` base62, OpenAI `req_…` hex."""
    if api == ANTHROPIC:
        return "req_011C" + _random_base62(20)
    return "req_" + uuid.uuid4().hex


def _random_base62(length: int) -> str:
    return "".join(secrets.choice(_BASE62) for _ in range(length))


def content_text(content: Any) -> str:
    """The text of a message `content`: a plain string or a list of `{"type": "text"}` blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            block.get("text", "")
            for block in content
            if isinstance(block, dict) and block.get("type") in ("text", "input_text")
        )
    return ""


@dataclass
class Prompt:
    """What the fake model reads from a request: system text, last user text, all prompt text."""

    system: str
    user: str
    text: str


def anthropic_prompt(body: dict[str, Any]) -> Prompt:
    """Read the system prompt (string or text blocks) and the messages of a Messages request."""
    system = content_text(body.get("system", ""))
    messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
    return _prompt(system, messages)


def openai_prompt(body: dict[str, Any]) -> Prompt:
    """Read the system/developer messages and the rest of a Chat Completions request."""
    messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
    instructions = [m for m in messages if m.get("role") in ("system", "developer")]
    system = "\n".join(content_text(m.get("content")) for m in instructions)
    rest = [m for m in messages if m.get("role") not in ("system", "developer")]
    return _prompt(system, rest)


def _prompt(system: str, messages: list[dict[str, Any]]) -> Prompt:
    users = [content_text(m.get("content")) for m in messages if m.get("role") == "user"]
    parts = [system, *(content_text(m.get("content")) for m in messages)]
    return Prompt(system=system, user=users[-1] if users else "", text="\n".join(parts))


def _missing_field(body: dict[str, Any], required: dict[str, type]) -> str | None:
    for name, kind in required.items():
        if not isinstance(body.get(name), kind) or body.get(name) in ("", []):
            return name
    return None


def rejection(api: str, headers: Message, body: Any, *, req_id: str) -> tuple[int, Any] | None:
    """The (status, error body) the real API answers for missing credentials or a bad body.

    Anthropic wants `x-api-key` (or a bearer token) and `anthropic-version`, and rejects a
    missing version with 400, not 401; OpenAI wants `Authorization: Bearer <key>`.
    """
    if api == ANTHROPIC:
        bearer = headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not (headers.get("x-api-key") or bearer):
            return 401, anthropic_error(401, req_id=req_id, message="x-api-key header is required")
        problem = None
        if not headers.get("anthropic-version"):
            problem = "anthropic-version: header is required"
        elif not isinstance(body, dict):
            problem = "Request body is not valid JSON"
        elif missing := _missing_field(body, {"model": str, "max_tokens": int, "messages": list}):
            problem = f"{missing}: Field required"
        return (400, anthropic_error(400, req_id=req_id, message=problem)) if problem else None

    authorization = headers.get("Authorization", "")
    if not authorization.startswith("Bearer ") or not authorization[7:].strip():
        message = "You didn't provide an API key. Provide it as 'Authorization: Bearer <key>'."
        return 401, openai_error(401, message=message, error_type="invalid_request_error")
    if not isinstance(body, dict):
        return 400, openai_error(400, message="We could not parse the JSON body of your request.")
    missing = _missing_field(body, {"model": str, "messages": list})
    if missing:
        message = f"Missing required parameter: '{missing}'."
        return 400, openai_error(
            400, message=message, param=missing, code="missing_required_parameter"
        )
    return None


def anthropic_error(
    status: int, *, req_id: str, message: str | None = None, error_type: str | None = None
) -> dict[str, Any]:
    """The Messages API error body for `status`, with the documented error type."""
    default_type, default_message = _ANTHROPIC_ERRORS.get(
        status, ("api_error" if status >= 500 else "invalid_request_error", _phrase(status))
    )
    return {
        "type": "error",
        "error": {"type": error_type or default_type, "message": message or default_message},
        "request_id": req_id,
    }


def openai_error(
    status: int,
    *,
    message: str | None = None,
    error_type: str | None = None,
    param: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """The OpenAI error body for `status`; `error_type` also becomes the code, as for quotas."""
    default_message, default_type, default_code = _OPENAI_ERRORS.get(
        status,
        (_phrase(status), "server_error" if status >= 500 else "invalid_request_error", None),
    )
    return {
        "error": {
            "message": message or default_message,
            "type": error_type or default_type,
            "param": param,
            "code": code or error_type or default_code,
        }
    }


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def anthropic_usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def anthropic_message(
    *, msg_id: str, model: str, text: str, stop_reason: str, input_tokens: int
) -> dict[str, Any]:
    """A complete (non-streamed) Messages API response with one text block."""
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": anthropic_usage(input_tokens, estimate_tokens(text)),
    }


def sse(data: dict[str, Any] | str, event: str | None = None) -> bytes:
    """One server-sent event: an optional `event:` line, a `data:` line, a blank line."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


@dataclass
class StreamPlan:
    """A streamed answer as wire bytes: events before the text, one per text delta, and after.

    The server sends `head`, then `deltas`, then `tail`; a stream fault stops inside `deltas`.
    """

    head: list[bytes] = field(default_factory=list)
    deltas: list[bytes] = field(default_factory=list)
    tail: list[bytes] = field(default_factory=list)


def anthropic_stream(
    *, msg_id: str, model: str, text: str, stop_reason: str, input_tokens: int
) -> StreamPlan:
    """The Messages API event sequence for one text block, ending in `message_stop`."""
    start = anthropic_message(
        msg_id=msg_id, model=model, text="", stop_reason=stop_reason, input_tokens=input_tokens
    )
    start.update(content=[], stop_reason=None, usage=anthropic_usage(input_tokens, 1))

    def event(name: str, **fields: Any) -> bytes:
        return sse({"type": name, **fields}, event=name)

    return StreamPlan(
        head=[
            event("message_start", message=start),
            event("content_block_start", index=0, content_block={"type": "text", "text": ""}),
            event("ping"),
        ],
        deltas=[
            event("content_block_delta", index=0, delta={"type": "text_delta", "text": piece})
            for piece in split_chunks(text)
        ],
        tail=[
            event("content_block_stop", index=0),
            event(
                "message_delta",
                delta={"stop_reason": stop_reason, "stop_sequence": None},
                usage={"output_tokens": estimate_tokens(text)},
            ),
            event("message_stop"),
        ],
    )


def anthropic_stream_error() -> bytes:
    """The `error` event the Messages API sends when it fails mid-stream."""
    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    return sse(body, event="error")


def completion_id() -> str:
    return "chatcmpl-" + _random_base62(29)


def message_id() -> str:
    return "msg_01" + _random_base62(22)


def openai_usage(prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _openai_envelope(obj: str, cmpl_id: str, model: str) -> dict[str, Any]:
    return {
        "id": cmpl_id,
        "object": obj,
        "created": int(time.time()),
        "model": model,
        "service_tier": "default",
        "system_fingerprint": "fp_xlatefake",
    }


def openai_completion(
    *, cmpl_id: str, model: str, text: str, finish_reason: str, prompt_tokens: int
) -> dict[str, Any]:
    """A complete (non-streamed) `chat.completion` object with one choice."""
    message = {"role": "assistant", "content": text, "refusal": None, "annotations": []}
    return {
        **_openai_envelope("chat.completion", cmpl_id, model),
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
        ],
        "usage": openai_usage(prompt_tokens, estimate_tokens(text)),
    }


def openai_stream(
    *,
    cmpl_id: str,
    model: str,
    text: str,
    finish_reason: str,
    prompt_tokens: int,
    include_usage: bool,
) -> StreamPlan:
    """`chat.completion.chunk` events: role, content pieces, finish, optional usage, `[DONE]`.

    With `stream_options.include_usage` every chunk carries `"usage": null` and one last chunk
    with no choices carries the totals, as the API does.
    """
    envelope = _openai_envelope("chat.completion.chunk", cmpl_id, model)

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        extra = {"usage": None} if include_usage else {}
        return sse({**envelope, "choices": [choice], **extra})

    tail = [chunk({}, finish_reason)]
    if include_usage:
        usage = openai_usage(prompt_tokens, estimate_tokens(text))
        tail.append(sse({**envelope, "choices": [], "usage": usage}))
    tail.append(sse("[DONE]"))
    return StreamPlan(
        head=[chunk({"role": "assistant", "content": "", "refusal": None})],
        deltas=[chunk({"content": piece}) for piece in split_chunks(text)],
        tail=tail,
    )


def openai_stream_error() -> bytes:
    """An in-stream error chunk; the OpenAI SDK raises `openai.APIError` when it reads one."""
    body = openai_error(500, message="The server had an error while processing your request.")
    return sse(body)


def message_body(
    api: str, *, model: str, text: str, truncated: bool, prompt_tokens: int
) -> dict[str, Any]:
    """The complete answer of either API; `truncated` reports the output limit as the stop."""
    if api == ANTHROPIC:
        return anthropic_message(
            msg_id=message_id(),
            model=model,
            text=text,
            stop_reason="max_tokens" if truncated else "end_turn",
            input_tokens=prompt_tokens,
        )
    return openai_completion(
        cmpl_id=completion_id(),
        model=model,
        text=text,
        finish_reason="length" if truncated else "stop",
        prompt_tokens=prompt_tokens,
    )


def stream_plan(
    api: str, *, model: str, text: str, truncated: bool, prompt_tokens: int, include_usage: bool
) -> StreamPlan:
    """The streamed answer of either API (`include_usage` only matters to OpenAI)."""
    if api == ANTHROPIC:
        return anthropic_stream(
            msg_id=message_id(),
            model=model,
            text=text,
            stop_reason="max_tokens" if truncated else "end_turn",
            input_tokens=prompt_tokens,
        )
    return openai_stream(
        cmpl_id=completion_id(),
        model=model,
        text=text,
        finish_reason="length" if truncated else "stop",
        prompt_tokens=prompt_tokens,
        include_usage=include_usage,
    )


def stream_error(api: str) -> bytes:
    return anthropic_stream_error() if api == ANTHROPIC else openai_stream_error()


def error_body(
    api: str, status: int, *, req_id: str, message: str | None = None, error_type: str | None = None
) -> dict[str, Any]:
    """The error body of either API for `status`."""
    if api == ANTHROPIC:
        return anthropic_error(status, req_id=req_id, message=message, error_type=error_type)
    return openai_error(status, message=message, error_type=error_type)


def response_headers(api: str, req_id: str) -> dict[str, str]:
    """Headers the API sends on every response; the SDKs expose the request id from them."""
    if api == ANTHROPIC:
        return {"request-id": req_id, "anthropic-organization-id": _ANTHROPIC_ORG}
    return {
        "x-request-id": req_id,
        "openai-organization": "xlate-test",
        "openai-processing-ms": "1",
        "openai-version": "2020-10-01",
    }
