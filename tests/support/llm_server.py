"""A local server that speaks the Anthropic Messages and OpenAI Chat Completions wire protocols.

Tests and benchmarks point the real `anthropic` and `openai` SDKs at it, so providers are
exercised over real HTTP (status codes, error bodies, SSE streams, retry headers) with faults
injected per request (`enqueue`) or as an outage (`set_down`). It listens on 127.0.0.1 only.

In-process: `with FakeLLMServer(responder) as server: ...`. As a separate process:
`python -m tests.support.llm_server --port N [--responder module:function] [--latency S]`, driven
through `LLMServerControl(url)`, which has the same fault and introspection methods.
"""

import argparse
import contextlib
import importlib
import json
import logging
import signal
import socket
import socketserver
import sys
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

from tests.support import llm_wire as wire
from tests.support.llm_wire import ANTHROPIC, OPENAI

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
ANY = "any"
FAULT_KINDS = frozenset({"status", "timeout", "drop", "stream_error", "stream_cut", "text"})


@dataclass
class Fault:
    """How the fake server misbehaves for one request (queued) or for all of them (sticky).

    kind: "status" answers `status` with the API's error body (529 → overloaded_error for
    Anthropic); "timeout" waits `delay` seconds, then answers normally; "drop" closes the
    socket without a response; "stream_error" sends `after_chunks` text deltas then the API's
    in-stream error; "stream_cut" sends `after_chunks` deltas then closes mid-body; "text"
    answers with `text` instead of the responder's output (which `text` also replaces for the
    timeout and stream kinds). `retry_after` adds `retry-after` (and, for OpenAI,
    `retry-after-ms`); `should_retry` adds `x-should-retry`; `error_type` and `message`
    override the error body's type (and OpenAI code) and message.
    """

    kind: str
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    text: str | None = None
    after_chunks: int = 1
    should_retry: bool | None = None
    error_type: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if self.kind == "status" and not 400 <= self.status <= 599:
            raise ValueError(f"a status fault needs a 4xx or 5xx status, not {self.status}")
        if self.kind == "text" and self.text is None:
            raise ValueError("a text fault needs the text to answer with")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Fault":
        return cls(**data)


class InjectFault(Exception):
    """Raised by a responder to answer the current request with `fault` instead of text."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.kind)
        self.fault = fault


@dataclass(frozen=True)
class LLMRequest:
    """What a responder sees of one API call: the text it is asked about, and the raw body."""

    api: str
    model: str
    system: str
    user: str
    stream: bool
    body: dict[str, Any] = field(repr=False)


Responder = Callable[[LLMRequest], "str | Fault"]


def echo(request: LLMRequest) -> str:
    """The default fake model: answers with the last user message unchanged."""
    return request.user


@dataclass
class CallRecord:
    """One request the server received, and what it did with it.

    `status` is the one sent or begun (None while in flight, or when it hung up without one).
    """

    api: str
    model: str
    stream: bool
    system: str
    user: str
    request_id: str
    status: int | None = None
    fault: Fault | None = None
    output: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "fault": self.fault.to_dict() if self.fault else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CallRecord":
        fault = data.get("fault")
        return cls(**{**data, "fault": Fault.from_dict(fault) if fault else None})


class FakeLLMServer:
    """The fake Anthropic + OpenAI API, serving from a daemon thread on a free loopback port.

    Thread-safe: the fault queue, the sticky faults and the call log may be changed and read
    from any thread while requests are in flight. Calls are logged when they arrive, so
    `call_count()` also counts requests still waiting on `latency` or a "timeout" fault.
    """

    def __init__(self, responder: Responder = echo, *, latency: float = 0.0, port: int = 0) -> None:
        self.responder = responder
        self.latency = latency
        self._port = port
        self._lock = threading.Lock()
        self._queue: list[tuple[str, Fault]] = []
        self._down: dict[str, Fault] = {}
        self._calls: list[CallRecord] = []
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        """Listen (again on the same port after a `stop()`) and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer(self, self._port)
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # how long stop() may wait for the loop to notice
            name=f"fake-llm-{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and close every open connection, waking handlers that are sleeping."""
        httpd, thread, self._httpd, self._thread = self._httpd, self._thread, None, None
        if httpd is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if thread is not None:
            thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._port}"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    @property
    def openai_base_url(self) -> str:
        return self.url + "/v1"

    def enqueue(self, api: str, *faults: Fault) -> None:
        """Queue faults, each for exactly one next request of `api` ("any" for either), FIFO."""
        _check_api(api, allow_any=True)
        with self._lock:
            self._queue.extend((api, fault) for fault in faults)

    def set_down(self, api: str, fault: Fault | None) -> None:
        """Apply `fault` to every request of `api` until cleared with None; wins over the queue."""
        _check_api(api, allow_any=True)
        with self._lock:
            if fault is None:
                self._down.pop(api, None)
            else:
                self._down[api] = fault

    def reset(self) -> None:
        """Forget the calls, the queued faults and the sticky faults."""
        with self._lock:
            self._calls.clear()
            self._queue.clear()
            self._down.clear()

    @property
    def calls(self) -> list[CallRecord]:
        """A snapshot of the requests received so far, oldest first."""
        with self._lock:
            return [replace(call) for call in self._calls]

    def call_count(self, api: str | None = None) -> int:
        with self._lock:
            return sum(1 for call in self._calls if api is None or call.api == api)

    def _take_fault(self, api: str) -> Fault | None:
        with self._lock:
            sticky = self._down.get(api) or self._down.get(ANY)
            if sticky is not None:
                return sticky
            for index, (target, fault) in enumerate(self._queue):
                if target in (api, ANY):
                    del self._queue[index]
                    return fault
            return None

    def _record(self, call: CallRecord) -> None:
        with self._lock:
            self._calls.append(call)

    def _update(self, call: CallRecord, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(call, name, value)


def _check_api(api: str, *, allow_any: bool = False) -> None:
    if api not in (ANTHROPIC, OPENAI) and not (allow_any and api == ANY):
        raise ValueError(f"unknown api {api!r}")


class _HTTPServer(ThreadingHTTPServer):
    """Remembers open connections so `stop()` can close idle keep-alive ones too."""

    daemon_threads = True
    # A handler asleep in a "timeout" fault or on an idle keep-alive socket must not block stop().
    block_on_close = False

    def __init__(self, owner: FakeLLMServer, port: int) -> None:
        self.owner = owner
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (socket.getfqdn), a DNS query at worst.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._connections_lock:
            (self._connections.add if open_ else self._connections.discard)(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, cut streams, stop()) are expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "xlate-fake-llm/1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Stream events go out as small writes; without this, Nagle's algorithm meets the
        # client's delayed ACK and every streamed answer waits ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, open_=False)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/_control/calls":
            self._send_json(200, [call.to_dict() for call in self.server.owner.calls])
        else:
            self._not_found()

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        try:
            if path == "/v1/messages":
                self._answer(ANTHROPIC, raw)
            elif path == "/v1/chat/completions":
                self._answer(OPENAI, raw)
            elif path.startswith("/_control/"):
                self._control(path, raw)
            else:
                self._not_found()
        except OSError:
            self.close_connection = True

    # -- the two APIs ---------------------------------------------------------------------

    def _answer(self, api: str, raw: bytes) -> None:
        """Record the call, then answer it as the API would, or as the fault in force says."""
        owner = self.server.owner
        req_id = wire.request_id(api)
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        body = parsed if isinstance(parsed, dict) else {}
        prompt = (wire.anthropic_prompt if api == ANTHROPIC else wire.openai_prompt)(body)
        model, stream = str(body.get("model", "")), body.get("stream") is True
        request = LLMRequest(api, model, prompt.system, prompt.user, stream, body)
        call = CallRecord(api, model, stream, prompt.system, prompt.user, req_id)
        owner._record(call)

        rejection = wire.rejection(api, self.headers, parsed, req_id=req_id)
        if rejection is not None:
            owner._update(call, status=rejection[0])
            return self._send_json(*rejection, wire.response_headers(api, req_id))
        try:
            fault, output = self._resolve(request)
        except Exception as exc:
            logger.exception("fake LLM responder failed")
            owner._update(call, status=500)
            message = f"fake LLM responder raised {exc!r}"
            return self._send_error(api, req_id, Fault("status", message=message))
        owner._update(call, fault=fault)

        kind = fault.kind if fault else None
        delay = owner.latency + (fault.delay if kind == "timeout" else 0.0)
        if not self._pause(delay) or kind == "drop" or (kind == "stream_error" and not stream):
            return self._drop()
        if kind == "status":
            owner._update(call, status=fault.status)
            return self._send_error(api, req_id, fault)

        text, truncated = wire.truncate(output, wire.max_output_tokens(api, body))
        owner._update(call, status=200, output=text)
        prompt_tokens = wire.estimate_tokens(prompt.text)
        answer = {
            "model": model,
            "text": text,
            "truncated": truncated,
            "prompt_tokens": prompt_tokens,
        }
        headers = wire.response_headers(api, req_id)
        if not stream:
            return self._send_message(wire.message_body(api, **answer), headers, fault)
        plan = wire.stream_plan(api, **answer, include_usage=wire.wants_usage(body))
        self._send_stream(plan, wire.stream_error(api), headers, fault)

    def _resolve(self, request: LLMRequest) -> tuple[Fault | None, str]:
        """The fault for this request (sticky, queued, or the responder's) and the text to send.

        A fault that fixes the output (status, drop, or one with `text`) skips the responder.
        """
        fault = self.server.owner._take_fault(request.api)
        if fault is not None and (fault.kind in ("status", "drop") or fault.text is not None):
            return fault, fault.text or ""
        try:
            answer = self.server.owner.responder(request)
        except InjectFault as injected:
            answer = injected.fault
        if isinstance(answer, Fault):
            fault = fault or answer
            return fault, fault.text if fault.text is not None else request.user
        if not isinstance(answer, str):
            raise TypeError(f"a responder returns str or Fault, not {type(answer).__name__}")
        return fault, answer

    def _send_message(self, body: Any, headers: dict[str, str], fault: Fault | None) -> None:
        if fault is None or fault.kind != "stream_cut":
            return self._send_json(200, body, headers)
        # The non-streamed analogue of a cut stream: the body stops short of its Content-Length.
        payload = json.dumps(body).encode()
        self._start_response(200, "application/json", headers)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload[: len(payload) // 2])
        self._drop()

    def _send_stream(
        self, plan: wire.StreamPlan, error: bytes, headers: dict[str, str], fault: Fault | None
    ) -> None:
        """Send SSE in chunked encoding; a cut omits the final empty chunk, as a lost peer does."""
        self._start_response(200, "text/event-stream; charset=utf-8", headers)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for event in plan.head:
            self._write_chunk(event)
        kind = fault.kind if fault else None
        if kind in ("stream_error", "stream_cut"):
            for event in plan.deltas[: max(0, fault.after_chunks)]:
                self._write_chunk(event)
            if kind == "stream_cut":
                return self._drop()
            self._write_chunk(error)
            self.close_connection = True
        else:
            for event in plan.deltas + plan.tail:
                self._write_chunk(event)
        self.wfile.write(b"0\r\n\r\n")

    def _send_error(self, api: str, req_id: str, fault: Fault) -> None:
        headers = wire.response_headers(api, req_id)
        if fault.retry_after is not None:
            headers["retry-after"] = f"{fault.retry_after:g}"
            if api == OPENAI:
                headers["retry-after-ms"] = f"{fault.retry_after * 1000:g}"
        if fault.should_retry is not None:
            headers["x-should-retry"] = "true" if fault.should_retry else "false"
        body = wire.error_body(
            api, fault.status, req_id=req_id, message=fault.message, error_type=fault.error_type
        )
        self._send_json(fault.status, body, headers)

    # -- control API ----------------------------------------------------------------------

    def _control(self, path: str, raw: bytes) -> None:
        owner = self.server.owner
        try:
            data = json.loads(raw or b"{}")
            if path == "/_control/enqueue":
                owner.enqueue(data["api"], *(Fault.from_dict(f) for f in data.get("faults", [])))
            elif path == "/_control/down":
                fault = data.get("fault")
                owner.set_down(data["api"], Fault.from_dict(fault) if fault else None)
            elif path == "/_control/reset":
                owner.reset()
            else:
                return self._not_found()
        except (KeyError, TypeError, ValueError) as exc:
            return self._send_json(400, {"error": f"{type(exc).__name__}: {exc}"})
        self._send_json(200, {"ok": True})

    # -- HTTP plumbing --------------------------------------------------------------------

    def _pause(self, seconds: float) -> bool:
        """Sleep unless the server is stopping; False means stop() interrupted the wait."""
        return seconds <= 0 or not self.server.stopping.wait(seconds)

    def _start_response(self, status: int, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self._start_response(status, "application/json", headers or {})
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _drop(self) -> None:
        """Hang up: the socket is closed when this request returns, with nothing more sent."""
        self.close_connection = True

    def _not_found(self) -> None:
        # Answered in the style of the API the client most likely speaks.
        if self.headers.get("x-api-key") or self.headers.get("anthropic-version"):
            error = wire.anthropic_error(
                404, req_id=wire.request_id(ANTHROPIC), message="Not Found"
            )
        else:
            message = f"Invalid URL ({self.command} {urlsplit(self.path).path})"
            error = wire.openai_error(404, message=message, error_type="invalid_request_error")
            error["error"]["code"] = None
        self._send_json(404, error)


class LLMServerControl:
    """Drives a fake server running in another process through its `/_control/` API.

    Offers the same fault and introspection methods as `FakeLLMServer`, so a test can use
    either. Refuses anything but a loopback URL, and bypasses proxies.
    """

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        host = urlsplit(url).hostname
        if host not in (HOST, "localhost", "::1"):
            raise ValueError(f"the fake LLM server must be on loopback, not {host!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    @property
    def openai_base_url(self) -> str:
        return self.url + "/v1"

    def enqueue(self, api: str, *faults: Fault) -> None:
        self._call("/_control/enqueue", {"api": api, "faults": [f.to_dict() for f in faults]})

    def set_down(self, api: str, fault: Fault | None) -> None:
        self._call("/_control/down", {"api": api, "fault": fault.to_dict() if fault else None})

    def reset(self) -> None:
        self._call("/_control/reset", {})

    @property
    def calls(self) -> list[CallRecord]:
        return [CallRecord.from_dict(item) for item in self._call("/_control/calls")]

    def call_count(self, api: str | None = None) -> int:
        return sum(1 for call in self.calls if api is None or call.api == api)

    def _call(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with self._opener.open(request, timeout=self.timeout) as response:
            return json.loads(response.read())


def load_responder(spec: str) -> Responder:
    """Import a responder named as `package.module:function`."""
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValueError(f"responder must be given as module:function, not {spec!r}")
    return getattr(importlib.import_module(module_name), attribute)


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM or Ctrl-C; prints `listening on URL` once it accepts connections."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--responder", help="module:function answering each request")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    responder = load_responder(args.responder) if args.responder else echo
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with FakeLLMServer(responder, latency=args.latency, port=args.port) as server:
        print(f"listening on {server.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    # Run the importable module's main, so that a responder's Fault and InjectFault are the
    # classes the server checks for, not copies defined in `__main__`.
    from tests.support.llm_server import main as importable_main

    importable_main()
