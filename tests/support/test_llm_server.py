"""The fake LLM server, checked through the real `anthropic` and `openai` SDKs over HTTP.

If an SDK upgrade changes what it expects on the wire, these tests fail here first, before
the provider tests that rely on the fake behave confusingly.
"""

import http.client
import json
import math
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx2
import openai
import pytest

from tests.support.llm_server import (
    CallRecord,
    FakeLLMServer,
    Fault,
    InjectFault,
    LLMRequest,
    LLMServerControl,
)
from tests.support.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
ANTHROPIC_MODEL = "claude-haiku-4-5"
OPENAI_MODEL = "gpt-4o-mini"
SENTENCE = "the quick brown fox jumps over the lazy dog again and again"


def shout(request: LLMRequest) -> str:
    """A responder that shows it saw both the system prompt and the user text."""
    if request.user == "overload yourself":
        raise InjectFault(Fault("status", status=529))
    return f"{request.system}: {request.user.upper()}"


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(shout) as fake:
        yield fake


@pytest.fixture
def claude(server: FakeLLMServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        base_url=server.anthropic_base_url, api_key="test", max_retries=0, timeout=5.0
    )


@pytest.fixture
def gpt(server: FakeLLMServer) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=server.openai_base_url, api_key="test", max_retries=0, timeout=5.0
    )


def ask_claude(
    client: anthropic.Anthropic, text: str = SENTENCE, **options
) -> anthropic.types.Message:
    return client.messages.create(
        model=ANTHROPIC_MODEL,
        max_tokens=options.pop("max_tokens", 512),
        system="sys",
        messages=[{"role": "user", "content": text}],
        **options,
    )


def ask_gpt(client: openai.OpenAI, text: str = SENTENCE, **options):
    return client.chat.completions.create(
        model=OPENAI_MODEL,
        messages=[{"role": "system", "content": "sys"}, {"role": "user", "content": text}],
        **options,
    )


def tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4))


EXPECTED = f"sys: {SENTENCE.upper()}"
PROMPT_TOKENS = tokens(f"sys\n{SENTENCE}")


# -- answers ---------------------------------------------------------------------------------


def test_anthropic_message_carries_responder_text_usage_and_request_id(server, claude):
    message = ask_claude(claude)

    assert message.content[0].text == EXPECTED
    assert message.stop_reason == "end_turn"
    assert message.model == ANTHROPIC_MODEL
    assert message.id.startswith("msg_")
    assert message.usage.input_tokens == PROMPT_TOKENS
    assert message.usage.output_tokens == tokens(EXPECTED)
    [call] = server.calls
    assert message._request_id == call.request_id
    assert (call.api, call.model, call.system, call.user) == (
        "anthropic",
        ANTHROPIC_MODEL,
        "sys",
        SENTENCE,
    )
    assert (call.status, call.fault, call.output, call.stream) == (200, None, EXPECTED, False)


def test_anthropic_stream_helper_yields_several_deltas_and_the_final_usage(server, claude):
    with claude.messages.stream(
        model=ANTHROPIC_MODEL,
        max_tokens=512,
        system="sys",
        messages=[{"role": "user", "content": SENTENCE}],
    ) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()

    assert len(pieces) > 2
    assert "".join(pieces) == EXPECTED
    assert final.content[0].text == EXPECTED
    assert final.stop_reason == "end_turn"
    assert final.usage.input_tokens == PROMPT_TOKENS
    assert final.usage.output_tokens == tokens(EXPECTED)
    assert server.calls[0].stream is True


def test_anthropic_raw_stream_has_the_documented_event_sequence(claude):
    events = [event.type for event in ask_claude(claude, stream=True)]

    deltas = events.count("content_block_delta")
    assert deltas > 2
    # The SDK swallows the `ping` event the server sends after content_block_start.
    assert events == [
        "message_start",
        "content_block_start",
        *["content_block_delta"] * deltas,
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


def test_openai_completion_carries_responder_text_and_usage(server, gpt):
    completion = ask_gpt(gpt)

    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == EXPECTED
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.prompt_tokens == PROMPT_TOKENS
    assert completion.usage.completion_tokens == tokens(EXPECTED)
    assert completion.usage.total_tokens == PROMPT_TOKENS + tokens(EXPECTED)
    assert completion._request_id == server.calls[0].request_id
    assert (server.calls[0].system, server.calls[0].user) == ("sys", SENTENCE)


def test_openai_stream_sends_role_content_finish_then_usage(gpt):
    chunks = list(ask_gpt(gpt, stream=True, stream_options={"include_usage": True}))

    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == EXPECTED
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 2
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage.prompt_tokens == PROMPT_TOKENS
    assert chunks[-1].usage.completion_tokens == tokens(EXPECTED)


def test_openai_stream_without_include_usage_has_no_usage_chunk(gpt):
    chunks = list(ask_gpt(gpt, stream=True))

    assert all(chunk.choices and chunk.usage is None for chunk in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_output_over_max_tokens_is_cut_with_the_apis_stop_reason(claude, gpt):
    message = ask_claude(claude, max_tokens=3)
    completion = ask_gpt(gpt, max_completion_tokens=3)

    assert message.stop_reason == "max_tokens"
    assert message.content[0].text == EXPECTED[:12]
    assert completion.choices[0].finish_reason == "length"
    assert completion.choices[0].message.content == EXPECTED[:12]


async def test_async_clients_stream_too(server):
    claude = anthropic.AsyncAnthropic(base_url=server.url, api_key="test", max_retries=0)
    gpt = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="test", max_retries=0)

    async with claude.messages.stream(
        model=ANTHROPIC_MODEL, max_tokens=64, messages=[{"role": "user", "content": "hola"}]
    ) as stream:
        claude_text = "".join([piece async for piece in stream.text_stream])
    stream = await gpt.chat.completions.create(
        model=OPENAI_MODEL, messages=[{"role": "user", "content": "hola"}], stream=True
    )
    gpt_text = "".join([c.choices[0].delta.content or "" async for c in stream])

    assert claude_text == gpt_text == ": HOLA"


# -- status faults and retries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class", "error_type"),
    [
        (529, anthropic.OverloadedError, "overloaded_error"),
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (503, anthropic.ServiceUnavailableError, "api_error"),
        (400, anthropic.BadRequestError, "invalid_request_error"),
        (401, anthropic.AuthenticationError, "authentication_error"),
        (404, anthropic.NotFoundError, "not_found_error"),
    ],
)
def test_anthropic_status_fault_raises_the_sdks_error_class(
    server, claude, status, error_class, error_type
):
    server.enqueue("anthropic", Fault("status", status=status))

    with pytest.raises(error_class) as caught:
        ask_claude(claude)

    assert caught.value.status_code == status
    assert caught.value.type == error_type
    assert caught.value.request_id == server.calls[0].request_id
    assert caught.value.body["request_id"] == caught.value.request_id
    assert server.calls[0].status == status


@pytest.mark.parametrize(
    ("status", "error_class", "error_type"),
    [
        (429, openai.RateLimitError, "requests"),
        (500, openai.InternalServerError, "server_error"),
        (503, openai.InternalServerError, "server_error"),
        (400, openai.BadRequestError, "invalid_request_error"),
        (401, openai.AuthenticationError, "invalid_request_error"),
        (404, openai.NotFoundError, "invalid_request_error"),
    ],
)
def test_openai_status_fault_raises_the_sdks_error_class(
    server, gpt, status, error_class, error_type
):
    server.enqueue("openai", Fault("status", status=status))

    with pytest.raises(error_class) as caught:
        ask_gpt(gpt)

    assert caught.value.status_code == status
    assert caught.value.type == error_type
    assert caught.value.request_id == server.calls[0].request_id


def test_error_type_and_message_can_be_overridden(server, gpt):
    fault = Fault("status", status=429, error_type="insufficient_quota", message="No credit.")
    server.enqueue("openai", fault)

    with pytest.raises(openai.RateLimitError) as caught:
        ask_gpt(gpt)

    assert (caught.value.code, caught.value.type) == ("insufficient_quota", "insufficient_quota")
    assert caught.value.body["message"] == "No credit."


@pytest.mark.parametrize("status", [529, 429])
def test_anthropic_sdk_honours_retry_after_and_the_retry_succeeds(server, claude, status):
    server.enqueue("anthropic", Fault("status", status=status, retry_after=0.01))

    message = ask_claude(claude.with_options(max_retries=1))

    assert message.content[0].text == EXPECTED
    assert [call.status for call in server.calls] == [status, 200]


@pytest.mark.parametrize("status", [503, 429])
def test_openai_sdk_honours_retry_after_and_the_retry_succeeds(server, gpt, status):
    server.enqueue("openai", Fault("status", status=status, retry_after=0.01))

    completion = ask_gpt(gpt.with_options(max_retries=1))

    assert completion.choices[0].message.content == EXPECTED
    assert [call.status for call in server.calls] == [status, 200]


def test_x_should_retry_overrides_the_sdks_status_rule(server, claude, gpt):
    server.enqueue("anthropic", Fault("status", status=503, should_retry=False))
    server.enqueue("openai", Fault("status", status=400, should_retry=True, retry_after=0.01))

    with pytest.raises(anthropic.ServiceUnavailableError):
        ask_claude(claude.with_options(max_retries=1))
    ask_gpt(gpt.with_options(max_retries=1))

    assert server.call_count("anthropic") == 1
    assert server.call_count("openai") == 2


# -- connection faults -----------------------------------------------------------------------


def test_timeout_longer_than_the_client_timeout_raises_api_timeout_error(server, claude, gpt):
    server.set_down("any", Fault("timeout", delay=5.0))

    with pytest.raises(anthropic.APITimeoutError):
        ask_claude(claude.with_options(timeout=0.2))
    with pytest.raises(openai.APITimeoutError):
        ask_gpt(gpt.with_options(timeout=0.2))


def test_timeout_shorter_than_the_client_timeout_answers_normally(server, claude):
    server.enqueue("anthropic", Fault("timeout", delay=0.05))

    assert ask_claude(claude).content[0].text == EXPECTED
    assert server.calls[0].fault.kind == "timeout"


def test_drop_raises_api_connection_error(server, claude, gpt):
    server.enqueue("any", Fault("drop"), Fault("drop"))

    with pytest.raises(anthropic.APIConnectionError) as claude_error:
        ask_claude(claude)
    with pytest.raises(openai.APIConnectionError) as gpt_error:
        ask_gpt(gpt)

    assert not isinstance(claude_error.value, anthropic.APITimeoutError)
    assert not isinstance(gpt_error.value, openai.APITimeoutError)
    assert [call.status for call in server.calls] == [None, None]


def test_anthropic_stream_error_raises_api_status_error_after_the_first_deltas(server, claude):
    server.enqueue("anthropic", Fault("stream_error", after_chunks=2))
    received = []

    with pytest.raises(anthropic.APIStatusError) as caught:
        for event in ask_claude(claude, stream=True):
            if event.type == "content_block_delta":
                received.append(event.delta.text)

    # The error event arrives on a 200 response, so the SDK raises the base class.
    assert type(caught.value) is anthropic.APIStatusError
    assert caught.value.type == "overloaded_error"
    assert len(received) == 2
    assert EXPECTED.startswith("".join(received))


def test_openai_stream_error_raises_api_error_after_the_first_deltas(server, gpt):
    server.enqueue("openai", Fault("stream_error", after_chunks=2))
    received = []

    with pytest.raises(openai.APIError) as caught:
        for chunk in ask_gpt(gpt, stream=True):
            received.append(chunk.choices[0].delta.content)

    assert not isinstance(caught.value, openai.APIStatusError | openai.APIConnectionError)
    assert caught.value.type == "server_error"
    assert received[0] == ""  # the role chunk
    assert len(received) == 3


def test_anthropic_stream_cut_raises_the_transports_protocol_error(server, claude):
    server.enqueue("anthropic", Fault("stream_cut", after_chunks=1))
    received = []

    # The anthropic SDK does not wrap transport errors raised while a stream is being read.
    with (
        pytest.raises(httpx2.RemoteProtocolError),
        claude.messages.stream(
            model=ANTHROPIC_MODEL, max_tokens=512, messages=[{"role": "user", "content": SENTENCE}]
        ) as stream,
    ):
        received.extend(stream.text_stream)

    assert len(received) == 1


def test_openai_stream_cut_raises_api_connection_error(server, gpt):
    server.enqueue("openai", Fault("stream_cut", after_chunks=1))

    with pytest.raises(openai.APIConnectionError):
        list(ask_gpt(gpt, stream=True))


def test_stream_faults_on_non_streamed_requests_break_the_connection(server, claude, gpt):
    server.enqueue("anthropic", Fault("stream_error"), Fault("stream_cut"))
    server.enqueue("openai", Fault("stream_error"), Fault("stream_cut"))

    for _ in range(2):
        with pytest.raises(anthropic.APIConnectionError):
            ask_claude(claude)
        with pytest.raises(openai.APIConnectionError):
            ask_gpt(gpt)


# -- output faults, responders, queues -------------------------------------------------------


def test_text_fault_replaces_the_responders_output_streamed_or_not(server, claude, gpt):
    chatter = "Sure! Here is the translation: Hola."
    server.enqueue("any", *[Fault("text", text=chatter)] * 3)

    assert ask_claude(claude).content[0].text == chatter
    with claude.messages.stream(
        model=ANTHROPIC_MODEL, max_tokens=512, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        assert stream.get_final_text() == chatter
    assert ask_gpt(gpt).choices[0].message.content == chatter
    assert ask_gpt(gpt).choices[0].message.content == EXPECTED


def test_responder_can_return_or_raise_a_fault(claude):
    def moody(request: LLMRequest) -> str | Fault:
        if "busy" in request.user:
            return Fault("status", status=529)
        if "broken" in request.user:
            raise InjectFault(Fault("drop"))
        return request.user

    with FakeLLMServer(moody) as server:
        client = claude.with_options(base_url=server.url)
        with pytest.raises(anthropic.OverloadedError):
            ask_claude(client, "are you busy")
        with pytest.raises(anthropic.APIConnectionError):
            ask_claude(client, "broken")
        assert ask_claude(client, "fine").content[0].text == "fine"


def test_a_failing_responder_surfaces_as_a_500_naming_the_error(claude):
    def broken(request: LLMRequest) -> str:
        raise KeyError("no such language")

    with FakeLLMServer(broken) as server:
        with pytest.raises(anthropic.InternalServerError, match="no such language"):
            ask_claude(claude.with_options(base_url=server.url))
        assert server.calls[0].status == 500


def test_queued_faults_apply_once_each_in_order_and_per_api(server, claude, gpt):
    server.enqueue("anthropic", Fault("status", status=429))
    server.enqueue("any", Fault("status", status=500))
    server.enqueue("anthropic", Fault("status", status=400))

    with pytest.raises(openai.InternalServerError):
        ask_gpt(gpt)
    with pytest.raises(anthropic.RateLimitError):
        ask_claude(claude)
    with pytest.raises(anthropic.BadRequestError):
        ask_claude(claude)
    ask_claude(claude)
    ask_gpt(gpt)

    assert [(call.api, call.status) for call in server.calls] == [
        ("openai", 500),
        ("anthropic", 429),
        ("anthropic", 400),
        ("anthropic", 200),
        ("openai", 200),
    ]


def test_set_down_persists_until_cleared_and_leaves_the_queue_alone(server, claude, gpt):
    server.enqueue("anthropic", Fault("text", text="queued"))
    server.set_down("anthropic", Fault("status", status=529))

    for _ in range(3):
        with pytest.raises(anthropic.OverloadedError):
            ask_claude(claude)
    assert ask_gpt(gpt).choices[0].message.content == EXPECTED
    server.set_down("anthropic", None)

    assert ask_claude(claude).content[0].text == "queued"
    assert ask_claude(claude).content[0].text == EXPECTED
    assert server.call_count("anthropic") == 5
    assert server.call_count() == 6


def test_reset_forgets_calls_queued_and_sticky_faults(server, claude):
    server.enqueue("anthropic", Fault("drop"), Fault("drop"))
    server.set_down("anthropic", Fault("status", status=529))
    with pytest.raises(anthropic.OverloadedError):
        ask_claude(claude)

    server.reset()

    assert server.calls == []
    assert ask_claude(claude).content[0].text == EXPECTED


def test_calls_in_flight_are_counted_before_they_are_answered(claude):
    release = threading.Event()

    def slow(request: LLMRequest) -> str:
        release.wait(10)
        return request.user

    with FakeLLMServer(slow) as server:
        worker = threading.Thread(
            target=ask_claude, args=(claude.with_options(base_url=server.url),)
        )
        worker.start()
        deadline = time.monotonic() + 10
        while server.call_count() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        in_flight = server.calls
        release.set()
        worker.join()

    assert [call.status for call in in_flight] == [None]
    assert [call.status for call in server.calls] == [200]


def test_latency_delays_answers_without_changing_them(claude):
    with FakeLLMServer(latency=0.05) as server:
        assert ask_claude(claude.with_options(base_url=server.url), "hi").content[0].text == "hi"


def test_fault_rejects_unknown_kinds_and_incomplete_arguments():
    with pytest.raises(ValueError):
        Fault("explode")
    with pytest.raises(ValueError):
        Fault("status", status=200)
    with pytest.raises(ValueError):
        Fault("text")
    with pytest.raises(ValueError):
        FakeLLMServer().enqueue("gemini", Fault("drop"))


# -- the HTTP exchange itself ----------------------------------------------------------------


def post(server: FakeLLMServer, path: str, body: object, headers: dict[str, str]):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("POST", path, json.dumps(body), headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_credentials_and_required_fields_are_checked_like_the_real_apis(server):
    message = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
    version = {"anthropic-version": "2023-06-01"}

    status, body = post(server, "/v1/messages", message, version)
    assert (status, body["error"]["type"]) == (401, "authentication_error")
    status, body = post(server, "/v1/messages", message, {"x-api-key": "k"})
    assert (status, body["error"]["message"]) == (400, "anthropic-version: header is required")
    status, body = post(server, "/v1/messages", {"model": "m"}, {"x-api-key": "k", **version})
    assert (status, body["error"]["message"]) == (400, "max_tokens: Field required")
    status, body = post(server, "/v1/chat/completions", message, {})
    assert (status, body["error"]["type"]) == (401, "invalid_request_error")
    status, body = post(
        server, "/v1/chat/completions", {"model": "m"}, {"Authorization": "Bearer k"}
    )
    assert (status, body["error"]["param"]) == (400, "messages")
    status, body = post(server, "/v1/embeddings", {}, {"Authorization": "Bearer k"})
    assert (status, body["error"]["message"]) == (404, "Invalid URL (POST /v1/embeddings)")
    assert [call.status for call in server.calls] == [401, 400, 400, 401, 400]


def test_stop_closes_kept_alive_connections_and_start_serves_the_same_port(server, claude):
    ask_claude(claude)
    port = server.port

    server.stop()
    with pytest.raises(anthropic.APIConnectionError):
        ask_claude(claude)
    server.start()

    assert server.port == port
    assert ask_claude(claude).content[0].text == EXPECTED


# -- as a separate process -------------------------------------------------------------------


@pytest.fixture
def server_process() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "tests.support.llm_server", "--port", str(port)]
    command += ["--responder", "tests.support.test_llm_server:shout"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE)
    try:
        wait_for_port(port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_subprocess_server_is_driven_through_the_control_api(server_process):
    control = LLMServerControl(server_process)
    claude = anthropic.Anthropic(
        base_url=control.anthropic_base_url, api_key="test", max_retries=0, timeout=5.0
    )
    gpt = openai.OpenAI(base_url=control.openai_base_url, api_key="test", max_retries=0)

    control.enqueue("anthropic", Fault("status", status=529))
    with pytest.raises(anthropic.OverloadedError):
        ask_claude(claude)
    assert ask_claude(claude).content[0].text == EXPECTED
    with pytest.raises(anthropic.OverloadedError):
        ask_claude(claude, "overload yourself")
    control.set_down("openai", Fault("text", text="down"))
    assert ask_gpt(gpt).choices[0].message.content == "down"
    control.set_down("openai", None)
    assert ask_gpt(gpt).choices[0].message.content == EXPECTED

    calls = control.calls
    assert all(isinstance(call, CallRecord) for call in calls)
    assert [(call.api, call.status) for call in calls] == [
        ("anthropic", 529),
        ("anthropic", 200),
        ("anthropic", 529),
        ("openai", 200),
        ("openai", 200),
    ]
    assert calls[0].fault == Fault("status", status=529)
    assert control.call_count("openai") == 2
    control.reset()
    assert control.call_count() == 0


def test_control_client_refuses_a_non_loopback_url():
    with pytest.raises(ValueError):
        LLMServerControl("http://example.com:8000")
